import { API } from '../../../lib/api/contract';
import { verifyEmail } from '../../../lib/domain/installers';
import { clientIp } from '../../../lib/http/client-ip';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['POST /api/v1/installer/verify-email'], async ({ body, event }) => ({ body: await verifyEmail(body, clientIp(event)) }));
