import { API } from '../../../lib/api/contract';
import { priceGroups } from '../../../lib/domain/pricing';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['GET /api/v1/operator/price-groups'], async ({ principal }) => ({ body: await priceGroups(principal.operatorId) }));
