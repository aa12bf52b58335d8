import { ProjectParams } from '../../../lib/api/schemas';
import { installerGetHandover } from '../../../lib/domain/handover';
import { httpHandler } from '../../../lib/http/handler';

/** Re-issues the presigned certificate link (links signed by a Lambda role expire with its session). */
export const handler = httpHandler({ auth: 'installer', params: ProjectParams }, async ({ principal, params }) => ({
  body: await installerGetHandover(principal, params.project_id),
}));
