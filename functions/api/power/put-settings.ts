import { API } from '../../../lib/api/contract';
import { setPowerSettings } from '../../../lib/domain/power/site-power';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['PUT /api/v1/locations/{location_id}/power'], async ({ principal, params, body }) => ({ body: await setPowerSettings(principal, params.location_id, body) }));
