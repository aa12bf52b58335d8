import { SignupBody } from '../../../lib/api/schemas';
import { signUp } from '../../../lib/domain/installer-passwords';
import { clientIp } from '../../../lib/http/client-ip';
import { httpHandler } from '../../../lib/http/handler';

// 202 whatever happened: the answer must not tell whether the email already has an account.
export const handler = httpHandler({ auth: 'none', body: SignupBody }, async ({ body, event }) => ({ status: 202, body: await signUp(body, clientIp(event)) }));
