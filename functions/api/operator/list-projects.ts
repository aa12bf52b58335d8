import { API } from '../../../lib/api/contract';
import { listOperatorProjects } from '../../../lib/domain/project-queries';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['GET /api/v1/operator/projects'], async ({ principal }) => ({
  body: { projects: await listOperatorProjects(principal.operatorId) },
}));
