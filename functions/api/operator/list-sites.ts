import { API } from '../../../lib/api/contract';
import { sites } from '../../../lib/domain/operator-projects';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['GET /api/v1/operator/sites'], async ({ principal }) => ({ body: { sites: await sites(principal.operatorId) } }));
