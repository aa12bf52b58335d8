import { API } from '../../../lib/api/contract';
import { createMeter } from '../../../lib/domain/power/site-power';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['POST /api/v1/locations/{location_id}/power/meters'], async ({ principal, params, body }) => ({ body: await createMeter(principal, params.location_id, body) }));
