import { API } from '../../../lib/api/contract';
import { commandView, sendCommand } from '../../../lib/domain/operator-charge-points';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(
  API['POST /api/v1/operator/charge-points/{charge_point_id}/commands'],
  async ({ principal, params, body }) => {
    const result = await sendCommand(principal.operatorId, params.charge_point_id, {
      action: body.action,
      payload: body.payload,
      ...(body.timeout_seconds ? { timeoutMs: body.timeout_seconds * 1000 } : {}),
    });
    return { body: commandView(result) };
  },
);
