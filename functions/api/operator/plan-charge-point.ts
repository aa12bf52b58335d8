import { API } from '../../../lib/api/contract';
import { addPlannedChargePoint } from '../../../lib/domain/operator-projects';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['POST /api/v1/operator/projects/{project_id}/charge-points'], async ({ principal, params, body }) => ({
  body: await addPlannedChargePoint(principal.operatorId, params.project_id, body),
}));
