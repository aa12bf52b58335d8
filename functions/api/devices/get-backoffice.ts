import { API } from '../../../lib/api/contract';
import { showBackoffice } from '../../../lib/domain/backoffice';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['GET /api/v1/locations/{location_id}/charge-points/{charge_point_id}/backoffice'], async ({ principal, params }) => ({
  body: await showBackoffice(principal, params.location_id, params.charge_point_id),
}));
