import { PlanChargePointBody, ProjectParams } from '../../../lib/api/schemas';
import { addPlannedChargePoint } from '../../../lib/domain/operator-projects';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler({ auth: 'operator', params: ProjectParams, body: PlanChargePointBody }, async ({ principal, params, body }) => ({
  status: 201,
  body: await addPlannedChargePoint(principal.operatorId, params.project_id, body),
}));
