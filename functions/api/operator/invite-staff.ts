import { API } from '../../../lib/api/contract';
import { inviteStaff, staffInvitationView } from '../../../lib/domain/operator-staff';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['POST /api/v1/operator/staff'], async ({ principal, body }) => {
  // staff:write is an admin's alone (lib/domain/access.ts), and admins are accounts: accountId is set.
  const created = await inviteStaff(principal.operatorId, { email: body.email, role: body.role, invitedBy: principal.accountId ?? principal.actor });
  return { body: staffInvitationView(created) };
});
