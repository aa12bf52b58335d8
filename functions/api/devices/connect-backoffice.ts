import { API } from '../../../lib/api/contract';
import { connectBackoffice } from '../../../lib/domain/backoffice';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['POST /api/v1/locations/{location_id}/charge-points/{charge_point_id}/backoffice'], async ({ principal, params, body }) => ({
  body: await connectBackoffice(principal, params.location_id, params.charge_point_id, body),
}));
