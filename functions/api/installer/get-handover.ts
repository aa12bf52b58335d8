import { API } from '../../../lib/api/contract';
import { installerGetHandover } from '../../../lib/domain/handover';
import { httpHandler } from '../../../lib/http/handler';

/** Re-issues the presigned certificate link (links signed by a Lambda role expire with its session). */
export const handler = httpHandler(API['GET /api/v1/installer/projects/{project_id}/handover'], async ({ principal, params }) => ({
  body: await installerGetHandover(principal, params.project_id),
}));
