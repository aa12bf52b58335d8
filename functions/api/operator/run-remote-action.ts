import { API } from '../../../lib/api/contract';
import { runOwnedRemoteAction } from '../../../lib/domain/operator-charge-points';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['POST /api/v1/operator/charge-points/{charge_point_id}/actions'], async ({ principal, params, body }) => ({
  body: await runOwnedRemoteAction(principal.operatorId, params.charge_point_id, {
    action: body.action,
    hard: body.hard,
    connector: body.connector,
    userId: body.user_id,
    idToken: body.id_token,
    paymentMethod: body.payment_method,
    priceGroupId: body.price_group_id,
    reason: body.reason,
  }),
}));
