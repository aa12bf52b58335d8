import { LoginBody } from '../../../lib/api/schemas';
import { logIn } from '../../../lib/domain/installers';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler({ auth: 'none', body: LoginBody }, async ({ body }) => ({ body: await logIn(body), headers: { 'cache-control': 'no-store' } }));
