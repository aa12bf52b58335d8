import { API } from '../../../lib/api/contract';
import { changePriceGroup } from '../../../lib/domain/pricing';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['PATCH /api/v1/operator/price-groups/{price_group_id}'], async ({ principal, params, body }) => ({
  body: await changePriceGroup(principal.operatorId, params.price_group_id, body),
}));
