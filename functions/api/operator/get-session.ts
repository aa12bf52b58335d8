import { API } from '../../../lib/api/contract';
import { getSession } from '../../../lib/domain/sessions';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['GET /api/v1/operator/sessions/{session_id}'], async ({ principal, params }) => ({ body: await getSession(principal.operatorId, params.session_id) }));
