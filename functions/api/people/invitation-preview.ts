import { API } from '../../../lib/api/contract';
import { previewInvitation } from '../../../lib/domain/invitations';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['GET /api/v1/invitations/{token}'], async ({ params }) => ({
  body: await previewInvitation(params.token),
  headers: { 'cache-control': 'no-store' },
}));
