import { ProjectParams } from '../../../lib/api/schemas';
import { operatorProjectDetail } from '../../../lib/domain/operator-projects';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler({ auth: 'operator', params: ProjectParams }, async ({ principal, params }) => ({
  body: await operatorProjectDetail(principal.operatorId, params.project_id),
}));
