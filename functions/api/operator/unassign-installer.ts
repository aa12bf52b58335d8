import { API } from '../../../lib/api/contract';
import { unassignInstaller } from '../../../lib/domain/operator-projects';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['DELETE /api/v1/operator/projects/{project_id}/installers/{email}'], async ({ principal, params }) => {
  await unassignInstaller(principal.operatorId, params.project_id, params.email);
  return {};
});
