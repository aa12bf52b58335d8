import { API } from '../../../lib/api/contract';
import { changeIdToken } from '../../../lib/domain/drivers';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['PATCH /api/v1/operator/drivers/{user_id}/id-tokens/{id_token}'], async ({ principal, params, body }) => ({
  body: await changeIdToken(principal.operatorId, params.user_id, params.id_token, body),
}));
