import { API } from '../../../lib/api/contract';
import { reconfigureLocationChargePoint } from '../../../lib/domain/locations';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['PATCH /api/v1/locations/{location_id}/charge-points/{charge_point_id}'], async ({ principal, params, body }) => {
  const { reply } = await reconfigureLocationChargePoint(principal, params.location_id, params.charge_point_id, body);
  return { body: reply, headers: { 'cache-control': 'no-store' } };
});
