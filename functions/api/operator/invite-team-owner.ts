import { API } from '../../../lib/api/contract';
import { inviteTeamOwnerByOperator } from '../../../lib/domain/locations';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['POST /api/v1/operator/teams/{team_id}/owner-invitation'], async ({ principal, params, body }) => ({
  // A staff account is named as the inviter (it may show the QR code and revoke); an API key by its actor string.
  body: await inviteTeamOwnerByOperator(principal.operatorId, params.team_id, { email: body.email, invitedBy: principal.accountId ?? principal.actor }),
  headers: { 'cache-control': 'no-store' },
}));
