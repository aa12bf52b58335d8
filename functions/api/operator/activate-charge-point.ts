import { API } from '../../../lib/api/contract';
import { activateOwnedChargePoint } from '../../../lib/domain/operator-charge-points';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['POST /api/v1/operator/charge-points/{charge_point_id}/activate'], async ({ principal, params }) => ({
  body: await activateOwnedChargePoint(principal.operatorId, params.charge_point_id),
}));
