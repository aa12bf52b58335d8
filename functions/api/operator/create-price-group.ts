import { API } from '../../../lib/api/contract';
import { addPriceGroup } from '../../../lib/domain/pricing';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['POST /api/v1/operator/price-groups'], async ({ principal, body }) => ({ body: await addPriceGroup(principal.operatorId, body) }));
