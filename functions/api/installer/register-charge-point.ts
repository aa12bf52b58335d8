import { ProjectParams, RegisterChargePointBody } from '../../../lib/api/schemas';
import { registerForInstaller } from '../../../lib/domain/installer-projects';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler({ auth: 'installer', params: ProjectParams, body: RegisterChargePointBody }, async ({ principal, params, body, event }) => {
  const { reply, replayed } = await registerForInstaller(principal, params.project_id, body, event.headers?.['idempotency-key']);
  return { status: 201, body: reply, headers: { 'cache-control': 'no-store', ...(replayed ? { 'idempotent-replayed': 'true' } : {}) } };
});
