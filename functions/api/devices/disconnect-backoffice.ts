import { API } from '../../../lib/api/contract';
import { disconnectBackoffice } from '../../../lib/domain/backoffice';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['DELETE /api/v1/locations/{location_id}/charge-points/{charge_point_id}/backoffice'], async ({ principal, params }) => {
  await disconnectBackoffice(principal, params.location_id, params.charge_point_id);
  return {};
});
