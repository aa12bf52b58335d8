import { API } from '../../../lib/api/contract';
import { createPublicLink } from '../../../lib/domain/public-links';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['POST /api/v1/operator/projects/{project_id}/public-links'], async ({ principal, params, body }) => {
  const { link, url } = await createPublicLink(principal.operatorId, params.project_id, { ...(body.expires_in_days ? { expiresInDays: body.expires_in_days } : {}) });
  // The token is in the url and shown only here.
  return { body: { link_id: link.linkId, url, expires_at: link.validUntil, created_at: link.createdAt }, headers: { 'cache-control': 'no-store' } };
});
