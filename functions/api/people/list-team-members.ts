import { API } from '../../../lib/api/contract';
import { listMembers } from '../../../lib/domain/locations';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['GET /api/v1/teams/{team_id}/members'], async ({ principal, params }) => ({ body: await listMembers(principal, params.team_id) }));
