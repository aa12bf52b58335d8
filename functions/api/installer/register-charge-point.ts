import { API } from '../../../lib/api/contract';
import { registerForInstaller } from '../../../lib/domain/installer-projects';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['POST /api/v1/installer/projects/{project_id}/charge-points'], async ({ principal, params, body }) => ({
  body: await registerForInstaller(principal, params.project_id, body),
  headers: { 'cache-control': 'no-store' },
}));
