import { EmailOnlyBody } from '../../../lib/api/schemas';
import { requestPasswordReset } from '../../../lib/domain/installers';
import { clientIp } from '../../../lib/http/client-ip';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler({ auth: 'none', body: EmailOnlyBody }, async ({ body, event }) => ({ status: 202, body: await requestPasswordReset(body, clientIp(event)) }));
