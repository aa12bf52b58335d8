import { API } from '../../../lib/api/contract';
import { listBackofficeSessions } from '../../../lib/domain/backoffice';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['GET /api/v1/operator/backoffice-connections/{charge_point_id}/sessions'], async ({ principal, params, query }) => ({
  body: await listBackofficeSessions(principal.operatorId, params.charge_point_id, query),
}));
