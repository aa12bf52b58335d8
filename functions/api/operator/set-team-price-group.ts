import { API } from '../../../lib/api/contract';
import { setTeamPriceGroup } from '../../../lib/domain/pricing';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['PUT /api/v1/operator/teams/{team_id}/price-group'], async ({ principal, params, body }) => ({
  body: await setTeamPriceGroup(principal.operatorId, params.team_id, body.price_group_id),
}));
