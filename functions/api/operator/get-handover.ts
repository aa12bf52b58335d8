import { API } from '../../../lib/api/contract';
import { getHandover } from '../../../lib/domain/handover';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['GET /api/v1/operator/projects/{project_id}/handover'], async ({ principal, params }) => ({
  body: await getHandover(params.project_id, (p) => p.operatorId === principal.operatorId),
}));
