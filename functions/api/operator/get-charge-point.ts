import { API } from '../../../lib/api/contract';
import { showChargePoint } from '../../../lib/domain/operator-charge-points';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['GET /api/v1/operator/charge-points/{charge_point_id}'], async ({ principal, params }) => ({
  body: await showChargePoint(principal.operatorId, params.charge_point_id),
}));
