import { listInstallerProjects } from '../../../lib/domain/installer-projects';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler({ auth: 'installer' }, async ({ principal }) => ({ body: { projects: await listInstallerProjects(principal) } }));
