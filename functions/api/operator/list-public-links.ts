import { API } from '../../../lib/api/contract';
import { listPublicLinks, publicLinkView } from '../../../lib/domain/public-links';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['GET /api/v1/operator/projects/{project_id}/public-links'], async ({ principal, params }) => ({
  body: { items: (await listPublicLinks(principal.operatorId, params.project_id)).map((l) => publicLinkView(l)) },
}));
