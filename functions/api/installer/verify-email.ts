import { VerifyEmailBody } from '../../../lib/api/schemas';
import { verifyEmail } from '../../../lib/domain/installers';
import { clientIp } from '../../../lib/http/client-ip';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler({ auth: 'none', body: VerifyEmailBody }, async ({ body, event }) => ({ body: await verifyEmail(body, clientIp(event)) }));
