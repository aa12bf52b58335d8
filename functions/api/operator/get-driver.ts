import { API } from '../../../lib/api/contract';
import { showDriver } from '../../../lib/domain/drivers';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['GET /api/v1/operator/drivers/{user_id}'], async ({ principal, params }) => ({ body: await showDriver(principal.operatorId, params.user_id) }));
