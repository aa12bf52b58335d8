import { API } from '../../../lib/api/contract';
import { handOver } from '../../../lib/domain/handover';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['POST /api/v1/installer/projects/{project_id}/handover'], async ({ principal, params }) => ({
  body: await handOver(principal, params.project_id),
}));
