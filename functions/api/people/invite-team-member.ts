import { API } from '../../../lib/api/contract';
import { inviteMember } from '../../../lib/domain/locations';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['POST /api/v1/teams/{team_id}/members'], async ({ principal, params, body }) => ({
  body: await inviteMember(principal, params.team_id, body),
  // The url holds the invitation's token.
  headers: { 'cache-control': 'no-store' },
}));
