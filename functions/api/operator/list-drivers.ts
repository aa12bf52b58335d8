import { API } from '../../../lib/api/contract';
import { drivers } from '../../../lib/domain/drivers';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['GET /api/v1/operator/drivers'], async ({ principal, query }) => ({ body: await drivers(principal.operatorId, query) }));
