import { API } from '../../../lib/api/contract';
import { operatorProjectDetail } from '../../../lib/domain/operator-projects';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['GET /api/v1/operator/projects/{project_id}'], async ({ principal, params }) => ({
  body: await operatorProjectDetail(principal.operatorId, params.project_id),
}));
