import { API } from '../../../lib/api/contract';
import { apiKeyView, createApiKey } from '../../../lib/domain/operator-api-keys';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['POST /api/v1/operator/api-keys'], async ({ principal, body }) => {
  const created = await createApiKey(principal.operatorId, { name: body.name, scopes: body.scopes, ...(body.expires_at ? { expiresAt: body.expires_at } : {}) });
  // The key is shown only here.
  return { body: { ...apiKeyView(created.record), api_key: created.apiKey }, headers: { 'cache-control': 'no-store' } };
});
