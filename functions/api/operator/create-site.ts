import { API } from '../../../lib/api/contract';
import { addSite } from '../../../lib/domain/operator-projects';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['POST /api/v1/operator/sites'], async ({ principal, body }) => ({ body: await addSite(principal.operatorId, body) }));
