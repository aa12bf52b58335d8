import { API } from '../../../lib/api/contract';
import { setChargePointPriceGroup } from '../../../lib/domain/pricing';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['PUT /api/v1/operator/charge-points/{charge_point_id}/price-group'], async ({ principal, params, body }) => ({
  body: await setChargePointPriceGroup(principal.operatorId, params.charge_point_id, body.price_group_id),
}));
