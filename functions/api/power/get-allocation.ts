import { API } from '../../../lib/api/contract';
import { getAllocation } from '../../../lib/domain/power/site-power';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['GET /api/v1/locations/{location_id}/power/allocation'], async ({ principal, params }) => ({ body: await getAllocation(principal, params.location_id) }));
