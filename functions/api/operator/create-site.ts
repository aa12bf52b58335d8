import { CreateSiteBody } from '../../../lib/api/schemas';
import { addSite } from '../../../lib/domain/operator-projects';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler({ auth: 'operator', body: CreateSiteBody }, async ({ principal, body }) => ({ status: 201, body: await addSite(principal.operatorId, body) }));
