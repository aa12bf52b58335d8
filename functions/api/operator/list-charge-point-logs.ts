import { API } from '../../../lib/api/contract';
import { readChargePointLog } from '../../../lib/domain/charge-point-log';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(
  API['GET /api/v1/operator/charge-points/{charge_point_id}/logs'],
  async ({ principal, params, query }) => {
    const page = await readChargePointLog(principal.operatorId, params.charge_point_id, query);
    return { body: { entries: page.entries, next_cursor: page.nextCursor ?? null } };
  },
);
