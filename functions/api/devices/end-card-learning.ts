import { API } from '../../../lib/api/contract';
import { endCardLearning } from '../../../lib/domain/card-learning';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['DELETE /api/v1/locations/{location_id}/charge-points/{charge_point_id}/card-learning'], async ({ principal, params }) => ({
  body: await endCardLearning(principal, params.location_id, params.charge_point_id),
}));
