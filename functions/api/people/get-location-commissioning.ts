import { API } from '../../../lib/api/contract';
import { locationCommissioningStatus } from '../../../lib/domain/locations';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['GET /api/v1/locations/{location_id}/charge-points/{charge_point_id}/commissioning'], async ({ principal, params }) => ({
  body: await locationCommissioningStatus(principal, params.location_id, params.charge_point_id),
}));
