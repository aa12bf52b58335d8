import { API } from '../../../lib/api/contract';
import { getPowerSettings } from '../../../lib/domain/power/site-power';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['GET /api/v1/locations/{location_id}/power'], async ({ principal, params }) => ({ body: await getPowerSettings(principal, params.location_id) }));
