import { API } from '../../../lib/api/contract';
import { previewInvitation } from '../../../lib/domain/invitations';
import { clientIp } from '../../../lib/http/client-ip';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['GET /api/v1/invitations/{token}'], async ({ params, event }) => ({
  body: await previewInvitation(params.token, clientIp(event)),
  headers: { 'cache-control': 'no-store' },
}));
