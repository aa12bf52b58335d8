import { API } from '../../../lib/api/contract';
import { addTeam } from '../../../lib/domain/operator-projects';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['POST /api/v1/operator/teams'], async ({ principal, body }) => ({ body: await addTeam(principal.operatorId, body) }));
