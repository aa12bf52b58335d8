import { API } from '../../../lib/api/contract';
import { getLocation } from '../../../lib/domain/locations';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['GET /api/v1/locations/{location_id}'], async ({ principal, params }) => ({ body: await getLocation(principal, params.location_id) }));
