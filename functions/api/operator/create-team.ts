import { CreateTeamBody } from '../../../lib/api/schemas';
import { addTeam } from '../../../lib/domain/operator-projects';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler({ auth: 'operator', body: CreateTeamBody }, async ({ principal, body }) => ({ status: 201, body: await addTeam(principal.operatorId, body) }));
