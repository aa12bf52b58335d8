import { sites } from '../../../lib/domain/operator-projects';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler({ auth: 'operator' }, async ({ principal }) => ({ body: { sites: await sites(principal.operatorId) } }));
