import { API } from '../../../lib/api/contract';
import { setChargerPower } from '../../../lib/domain/power/site-power';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['PUT /api/v1/locations/{location_id}/power/charge-points/{charge_point_id}'], async ({ principal, params, body }) => ({
  body: await setChargerPower(principal, params.location_id, params.charge_point_id, body),
}));
