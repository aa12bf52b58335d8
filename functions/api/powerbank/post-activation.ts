import { API } from '../../../lib/api/contract';
import { requestActivation } from '../../../lib/domain/powerbank/activations';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['POST /api/v1/operator/powerbank/activations'], async ({ principal, body }) => ({ body: await requestActivation(principal, body) }));
