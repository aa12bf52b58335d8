import { API } from '../../../lib/api/contract';
import { addDriver } from '../../../lib/domain/drivers';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['POST /api/v1/operator/drivers'], async ({ principal, body }) => ({ body: await addDriver(principal.operatorId, body) }));
