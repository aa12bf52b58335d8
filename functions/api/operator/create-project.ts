import { API } from '../../../lib/api/contract';
import { addProject } from '../../../lib/domain/operator-projects';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['POST /api/v1/operator/projects'], async ({ principal, body }) => ({ body: await addProject(principal.operatorId, body) }));
