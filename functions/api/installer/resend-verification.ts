import { API } from '../../../lib/api/contract';
import { resendVerification } from '../../../lib/domain/installers';
import { clientIp } from '../../../lib/http/client-ip';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['POST /api/v1/installer/resend-verification'], async ({ body, event }) => ({ body: await resendVerification(body, clientIp(event)) }));
