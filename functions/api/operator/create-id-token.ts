import { API } from '../../../lib/api/contract';
import { addIdToken } from '../../../lib/domain/drivers';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['POST /api/v1/operator/drivers/{user_id}/id-tokens'], async ({ principal, params, body }) => ({
  body: await addIdToken(principal.operatorId, params.user_id, body),
}));
