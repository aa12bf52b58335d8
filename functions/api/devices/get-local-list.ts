import { API } from '../../../lib/api/contract';
import { localListStatus } from '../../../lib/domain/local-list';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['GET /api/v1/locations/{location_id}/charge-points/{charge_point_id}/local-list'], async ({ principal, params }) => ({
  body: await localListStatus(principal, params.location_id, params.charge_point_id),
}));
