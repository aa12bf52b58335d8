import { API } from '../../../lib/api/contract';
import { revokeLink } from '../../../lib/domain/public-links';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['DELETE /api/v1/operator/projects/{project_id}/public-links/{link_id}'], async ({ principal, params }) => {
  await revokeLink(principal.operatorId, params.project_id, params.link_id);
  return {};
});
