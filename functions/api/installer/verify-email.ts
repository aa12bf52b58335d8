import { VerifyEmailBody } from '../../../lib/api/schemas';
import { verifyEmail } from '../../../lib/domain/installers';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler({ auth: 'none', body: VerifyEmailBody }, async ({ body }) => ({ body: await verifyEmail(body.token) }));
