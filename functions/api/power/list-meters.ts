import { API } from '../../../lib/api/contract';
import { listMeters } from '../../../lib/domain/power/site-power';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['GET /api/v1/locations/{location_id}/power/meters'], async ({ principal, params }) => ({ body: await listMeters(principal, params.location_id) }));
