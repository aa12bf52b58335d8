import { API } from '../../../lib/api/contract';
import { setChargePointFreeVend } from '../../../lib/domain/authorization';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['PUT /api/v1/operator/charge-points/{charge_point_id}/free-vend'], async ({ principal, params, body }) => ({
  body: await setChargePointFreeVend(principal.operatorId, params.charge_point_id, body.free_vend),
}));
