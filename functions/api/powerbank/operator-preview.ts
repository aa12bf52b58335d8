import { API } from '../../../lib/api/contract';
import { operatorPreview } from '../../../lib/domain/powerbank/use-cases';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['GET /api/v1/operator/powerbank/charge-points'], async ({ principal, query }) => ({ body: await operatorPreview(principal.operatorId, query.team_id) }));
