import { API } from '../../../lib/api/contract';
import { listTeamSessions } from '../../../lib/domain/sessions';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['GET /api/v1/operator/teams/{team_id}/sessions'], async ({ principal, params, query }) => ({
  body: await listTeamSessions(principal.operatorId, params.team_id, query),
}));
