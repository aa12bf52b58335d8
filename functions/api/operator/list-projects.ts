import { listOperatorProjects } from '../../../lib/domain/project-queries';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler({ auth: 'operator' }, async ({ principal }) => ({
  body: { projects: await listOperatorProjects(principal.operatorId) },
}));
