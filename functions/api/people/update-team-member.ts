import { API } from '../../../lib/api/contract';
import { updateMember } from '../../../lib/domain/locations';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['PATCH /api/v1/teams/{team_id}/members/{account_id}'], async ({ principal, params, body }) => ({
  body: await updateMember(principal, params.team_id, params.account_id, body),
}));
