import { API } from '../../../lib/api/contract';
import { installerProjectDetail } from '../../../lib/domain/installer-projects';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['GET /api/v1/installer/projects/{project_id}'], async ({ principal, params }) => ({
  body: await installerProjectDetail(principal, params.project_id),
}));
