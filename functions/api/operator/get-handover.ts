import { ProjectParams } from '../../../lib/api/schemas';
import { getHandover } from '../../../lib/domain/handover';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler({ auth: 'operator', params: ProjectParams }, async ({ principal, params }) => ({
  body: await getHandover(params.project_id, (p) => p.operatorId === principal.operatorId),
}));
