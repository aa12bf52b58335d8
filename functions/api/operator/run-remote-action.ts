import { API } from '../../../lib/api/contract';
import { runOwnedRemoteAction } from '../../../lib/domain/operator-charge-points';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['POST /api/v1/operator/charge-points/{charge_point_id}/actions'], async ({ principal, params, body }) => ({
  body: await runOwnedRemoteAction(principal.operatorId, params.charge_point_id, body.action),
}));
