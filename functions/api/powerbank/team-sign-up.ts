import { API } from '../../../lib/api/contract';
import { teamSignUp } from '../../../lib/domain/powerbank/use-cases';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['POST /api/v1/teams/{team_id}/powerbank/sign-up'], async ({ principal, params, body }) => ({ body: await teamSignUp(principal, params.team_id, body) }));
