import { EmailOnlyBody } from '../../../lib/api/schemas';
import { resendVerification } from '../../../lib/domain/installers';
import { clientIp } from '../../../lib/http/client-ip';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler({ auth: 'none', body: EmailOnlyBody }, async ({ body, event }) => ({ status: 202, body: await resendVerification(body, clientIp(event)) }));
