import { API } from '../../../lib/api/contract';
import { resetPassword } from '../../../lib/domain/installer-passwords';
import { clientIp } from '../../../lib/http/client-ip';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['POST /api/v1/installer/password-reset'], async ({ body, event }) => ({ body: await resetPassword(body, clientIp(event)) }));
