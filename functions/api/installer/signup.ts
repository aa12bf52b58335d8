import { SignupBody } from '../../../lib/api/schemas';
import { signUp } from '../../../lib/domain/installers';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler({ auth: 'none', body: SignupBody }, async ({ body }) => ({ status: 201, body: await signUp(body) }));
