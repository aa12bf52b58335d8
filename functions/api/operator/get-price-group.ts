import { API } from '../../../lib/api/contract';
import { showPriceGroup } from '../../../lib/domain/pricing';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['GET /api/v1/operator/price-groups/{price_group_id}'], async ({ principal, params }) => ({
  body: await showPriceGroup(principal.operatorId, params.price_group_id),
}));
