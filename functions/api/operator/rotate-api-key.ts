import { API } from '../../../lib/api/contract';
import { apiKeyView, rotateApiKey } from '../../../lib/domain/operator-api-keys';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['POST /api/v1/operator/api-keys/{key_id}/rotate'], async ({ principal, params, body }) => {
  const rotated = await rotateApiKey(principal.operatorId, params.key_id, body.overlap_seconds);
  // The new key is shown only here; `previous` says until when the old one works.
  return { body: { ...apiKeyView(rotated.record), api_key: rotated.apiKey, previous: apiKeyView(rotated.old) }, headers: { 'cache-control': 'no-store' } };
});
