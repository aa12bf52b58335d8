import { API } from '../../../lib/api/contract';
import { listInstallerProjects } from '../../../lib/domain/installer-projects';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['GET /api/v1/installer/projects'], async ({ principal }) => ({ body: { projects: await listInstallerProjects(principal) } }));
