import { API } from '../../../lib/api/contract';
import { listMyLocations } from '../../../lib/domain/locations';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['GET /api/v1/locations'], async ({ principal }) => ({ body: await listMyLocations(principal) }));
