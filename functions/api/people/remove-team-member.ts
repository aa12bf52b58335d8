import { API } from '../../../lib/api/contract';
import { removeMember } from '../../../lib/domain/locations';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['DELETE /api/v1/teams/{team_id}/members/{account_id}'], async ({ principal, params }) => {
  await removeMember(principal, params.team_id, params.account_id);
  return {};
});
