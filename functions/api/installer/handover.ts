import { ProjectParams } from '../../../lib/api/schemas';
import { handOver } from '../../../lib/domain/handover';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler({ auth: 'installer', params: ProjectParams }, async ({ principal, params }) => ({
  body: await handOver(principal, params.project_id),
}));
