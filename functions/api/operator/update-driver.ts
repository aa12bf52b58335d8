import { API } from '../../../lib/api/contract';
import { changeDriver } from '../../../lib/domain/drivers';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['PATCH /api/v1/operator/drivers/{user_id}'], async ({ principal, params, body }) => ({
  body: await changeDriver(principal.operatorId, params.user_id, body),
}));
