import { API } from '../../../lib/api/contract';
import { activationReport } from '../../../lib/domain/powerbank/activations';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['GET /api/v1/operator/powerbank/activations/{activation_id}'], async ({ principal, params }) => ({ body: await activationReport(principal.operatorId, params.activation_id) }));
