import { API } from '../../../lib/api/contract';
import { recordChecklist } from '../../../lib/domain/installer-projects';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(
  API['PUT /api/v1/installer/projects/{project_id}/checklist/{item}'],
  async ({ principal, params, body }) => ({ body: { checklist: await recordChecklist(principal, params.project_id, params.item, body) } }),
);
