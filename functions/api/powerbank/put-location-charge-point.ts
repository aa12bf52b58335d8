import { API } from '../../../lib/api/contract';
import { setLocationChargePointPowerBank } from '../../../lib/domain/powerbank/use-cases';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['PUT /api/v1/locations/{location_id}/powerbank/charge-points/{charge_point_id}'], async ({ principal, params, body }) => ({ body: await setLocationChargePointPowerBank(principal, params.location_id, params.charge_point_id, body) }));
