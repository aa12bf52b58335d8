import { ProjectParams } from '../../../lib/api/schemas';
import { installerProjectDetail } from '../../../lib/domain/installer-projects';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler({ auth: 'installer', params: ProjectParams }, async ({ principal, params }) => ({
  body: await installerProjectDetail(principal, params.project_id),
}));
