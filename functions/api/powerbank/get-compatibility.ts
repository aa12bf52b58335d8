import { API } from '../../../lib/api/contract';
import { compatibilityList } from '../../../lib/domain/powerbank/use-cases';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['GET /api/v1/operator/powerbank/compatibility'], async ({ principal }) => ({ body: await compatibilityList(principal.operatorId) }));
