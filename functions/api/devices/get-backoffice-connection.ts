import { API } from '../../../lib/api/contract';
import { showConnectedChargePoint } from '../../../lib/domain/backoffice';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['GET /api/v1/operator/backoffice-connections/{charge_point_id}'], async ({ principal, params }) => ({
  body: await showConnectedChargePoint(principal.operatorId, params.charge_point_id),
}));
