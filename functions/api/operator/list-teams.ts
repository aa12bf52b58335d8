import { API } from '../../../lib/api/contract';
import { teams } from '../../../lib/domain/operator-projects';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['GET /api/v1/operator/teams'], async ({ principal }) => ({ body: { teams: await teams(principal.operatorId) } }));
