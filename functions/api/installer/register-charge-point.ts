import { API } from '../../../lib/api/contract';
import { registerForInstaller } from '../../../lib/domain/installer-projects';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['POST /api/v1/installer/projects/{project_id}/charge-points'], async ({ principal, params, body, event }) => {
  const { reply, replayed } = await registerForInstaller(principal, params.project_id, body, event.headers?.['idempotency-key']);
  return { body: reply, headers: { 'cache-control': 'no-store', ...(replayed ? { 'idempotent-replayed': 'true' } : {}) } };
});
