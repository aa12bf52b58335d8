import { API } from '../../../lib/api/contract';
import { listDriverSessions } from '../../../lib/domain/sessions';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['GET /api/v1/operator/drivers/{user_id}/sessions'], async ({ principal, params, query }) => ({
  body: await listDriverSessions(principal.operatorId, params.user_id, query),
}));
