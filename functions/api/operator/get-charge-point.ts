import { z } from 'zod';
import { showChargePoint } from '../../../lib/domain/operator-charge-points';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler({ auth: 'operator', params: z.object({ charge_point_id: z.string().min(1).max(64) }) }, async ({ principal, params }) => ({
  body: await showChargePoint(principal.operatorId, params.charge_point_id),
}));
