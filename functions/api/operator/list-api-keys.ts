import { API } from '../../../lib/api/contract';
import { apiKeyView, listApiKeys } from '../../../lib/domain/operator-api-keys';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['GET /api/v1/operator/api-keys'], async ({ principal }) => ({
  body: { api_keys: (await listApiKeys(principal.operatorId)).map((k) => apiKeyView(k)) },
}));
