import { AssignInstallerBody, ProjectParams } from '../../../lib/api/schemas';
import { assignInstaller } from '../../../lib/domain/operator-projects';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler({ auth: 'operator', params: ProjectParams, body: AssignInstallerBody }, async ({ principal, params, body }) => ({
  status: 201,
  body: await assignInstaller(principal.operatorId, params.project_id, body.email),
}));
