import { z } from 'zod';
import { LOG_CATEGORIES } from '../../../lib/db/logs';
import { readChargePointLog } from '../../../lib/domain/operator-charge-points';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(
  {
    auth: 'operator',
    params: z.object({ charge_point_id: z.string().min(1).max(64) }),
    query: z.object({
      limit: z.coerce.number().int().min(1).max(200).optional(),
      cursor: z.string().max(2048).optional(),
      category: z.enum(LOG_CATEGORIES).optional(),
    }),
  },
  async ({ principal, params, query }) => {
    const page = await readChargePointLog(principal.operatorId, params.charge_point_id, query);
    return { body: { entries: page.entries, next_cursor: page.nextCursor ?? null } };
  },
);
