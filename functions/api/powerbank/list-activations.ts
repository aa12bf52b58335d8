import { API } from '../../../lib/api/contract';
import { activationsOf } from '../../../lib/domain/powerbank/activations';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['GET /api/v1/operator/powerbank/activations'], async ({ principal, query }) => ({ body: await activationsOf(principal.operatorId, query.limit) }));
