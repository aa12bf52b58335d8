import { LoginBody } from '../../../lib/api/schemas';
import { logIn } from '../../../lib/domain/installers';
import { clientIp } from '../../../lib/http/client-ip';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler({ auth: 'none', body: LoginBody }, async ({ body, event }) => ({ body: await logIn(body, clientIp(event)), headers: { 'cache-control': 'no-store' } }));
