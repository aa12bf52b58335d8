import { z } from 'zod';
import { id } from '../../../lib/api/schemas';
import { unassignInstaller } from '../../../lib/domain/operator-projects';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler({ auth: 'operator', params: z.object({ project_id: id, email: z.email() }) }, async ({ principal, params }) => {
  await unassignInstaller(principal.operatorId, params.project_id, params.email);
  return { status: 204 };
});
