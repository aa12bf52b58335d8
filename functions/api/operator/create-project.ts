import { CreateProjectBody } from '../../../lib/api/schemas';
import { addProject } from '../../../lib/domain/operator-projects';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler({ auth: 'operator', body: CreateProjectBody }, async ({ principal, body }) => ({ status: 201, body: await addProject(principal.operatorId, body) }));
