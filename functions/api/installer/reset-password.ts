import { ResetPasswordBody } from '../../../lib/api/schemas';
import { resetPassword } from '../../../lib/domain/installer-passwords';
import { clientIp } from '../../../lib/http/client-ip';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler({ auth: 'none', body: ResetPasswordBody }, async ({ body, event }) => ({ body: await resetPassword(body, clientIp(event)) }));
