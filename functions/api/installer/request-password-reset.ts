import { API } from '../../../lib/api/contract';
import { requestPasswordReset } from '../../../lib/domain/installers';
import { clientIp } from '../../../lib/http/client-ip';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['POST /api/v1/installer/password-reset/request'], async ({ body, event }) => ({ body: await requestPasswordReset(body, clientIp(event)) }));
