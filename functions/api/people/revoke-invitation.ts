import { API } from '../../../lib/api/contract';
import { revokeInvitationOf } from '../../../lib/domain/invitations';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['DELETE /api/v1/sent-invitations/{invitation_id}'], async ({ principal, params }) => {
  await revokeInvitationOf(principal, params.invitation_id);
  return {};
});
