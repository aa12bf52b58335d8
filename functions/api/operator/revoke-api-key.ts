import { API } from '../../../lib/api/contract';
import { revokeApiKey } from '../../../lib/domain/operator-api-keys';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['DELETE /api/v1/operator/api-keys/{key_id}'], async ({ principal, params }) => {
  await revokeApiKey(principal.operatorId, params.key_id);
  return {};
});
