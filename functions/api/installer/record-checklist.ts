import { z } from 'zod';
import { CHECKLIST_ITEMS, ChecklistBody, id } from '../../../lib/api/schemas';
import { recordChecklist } from '../../../lib/domain/installer-projects';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(
  { auth: 'installer', params: z.object({ project_id: id, item: z.enum(CHECKLIST_ITEMS) }), body: ChecklistBody },
  async ({ principal, params, body }) => ({ body: { checklist: await recordChecklist(principal, params.project_id, params.item, body) } }),
);
