import { API } from '../../../lib/api/contract';
import { verifyEmail } from '../../../lib/domain/installers';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['POST /api/v1/installer/verify-email'], async ({ body }) => ({ body: await verifyEmail(body.token) }));
