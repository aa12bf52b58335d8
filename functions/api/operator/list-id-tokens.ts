import { API } from '../../../lib/api/contract';
import { idTokensOf } from '../../../lib/domain/drivers';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['GET /api/v1/operator/drivers/{user_id}/id-tokens'], async ({ principal, params }) => ({
  body: await idTokensOf(principal.operatorId, params.user_id),
}));
