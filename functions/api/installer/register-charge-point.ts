import { ProjectParams, RegisterChargePointBody } from '../../../lib/api/schemas';
import { registerForInstaller } from '../../../lib/domain/installer-projects';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler({ auth: 'installer', params: ProjectParams, body: RegisterChargePointBody }, async ({ principal, params, body }) => ({
  status: 201,
  body: await registerForInstaller(principal, params.project_id, body),
  headers: { 'cache-control': 'no-store' },
}));
