import { API } from '../../../lib/api/contract';
import { assignInstaller } from '../../../lib/domain/operator-projects';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['POST /api/v1/operator/projects/{project_id}/installers'], async ({ principal, params, body }) => ({
  body: await assignInstaller(principal.operatorId, params.project_id, body.email),
}));
