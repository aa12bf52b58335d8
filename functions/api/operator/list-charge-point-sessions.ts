import { API } from '../../../lib/api/contract';
import { listChargePointSessions } from '../../../lib/domain/sessions';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['GET /api/v1/operator/charge-points/{charge_point_id}/sessions'], async ({ principal, params, query }) => ({
  body: await listChargePointSessions(principal.operatorId, params.charge_point_id, query),
}));
