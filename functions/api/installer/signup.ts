import { API } from '../../../lib/api/contract';
import { signUp } from '../../../lib/domain/installer-passwords';
import { clientIp } from '../../../lib/http/client-ip';
import { httpHandler } from '../../../lib/http/handler';

// 202 whatever happened: the answer must not tell whether the email already has an account.
export const handler = httpHandler(API['POST /api/v1/installer/signup'], async ({ body, event }) => ({ body: await signUp(body, clientIp(event)) }));
