import { API } from '../../../lib/api/contract';
import { openCardLearning } from '../../../lib/domain/card-learning';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['POST /api/v1/locations/{location_id}/charge-points/{charge_point_id}/card-learning'], async ({ principal, params, body }) => ({
  body: await openCardLearning(principal, params.location_id, params.charge_point_id, body.duration_s),
}));
