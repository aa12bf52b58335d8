import { z } from 'zod';
import { commandView, sendCommand } from '../../../lib/domain/operator-charge-points';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(
  {
    auth: 'operator',
    params: z.object({ charge_point_id: z.string().min(1).max(64) }),
    body: z.object({
      action: z.string().min(1).max(64),
      payload: z.record(z.string(), z.unknown()).default({}),
      timeout_seconds: z.number().int().min(1).max(25).optional(),
    }),
  },
  async ({ principal, params, body }) => {
    const result = await sendCommand(principal.operatorId, params.charge_point_id, {
      action: body.action,
      payload: body.payload,
      ...(body.timeout_seconds ? { timeoutMs: body.timeout_seconds * 1000 } : {}),
    });
    return { body: commandView(result) };
  },
);
