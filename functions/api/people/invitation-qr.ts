import { API } from '../../../lib/api/contract';
import { invitationQrSvg } from '../../../lib/domain/invitations';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['GET /api/v1/sent-invitations/{invitation_id}/qr.svg'], async ({ principal, params }) => ({
  text: await invitationQrSvg(principal, params.invitation_id),
  // The image holds a live credential (the link): never cached by anyone on the way.
  headers: { 'content-type': 'image/svg+xml', 'cache-control': 'no-store' },
}));
