import { API } from '../../../lib/api/contract';
import { removeMeter } from '../../../lib/domain/power/site-power';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['DELETE /api/v1/locations/{location_id}/power/meters/{meter_id}'], async ({ principal, params }) => {
  await removeMeter(principal, params.location_id, params.meter_id);
  return {};
});
