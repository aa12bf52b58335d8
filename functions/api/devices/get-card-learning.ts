import { API } from '../../../lib/api/contract';
import { showCardLearning } from '../../../lib/domain/card-learning';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['GET /api/v1/locations/{location_id}/charge-points/{charge_point_id}/card-learning'], async ({ principal, params }) => ({
  body: await showCardLearning(principal, params.location_id, params.charge_point_id),
}));
