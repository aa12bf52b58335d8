import { API } from '../../../lib/api/contract';
import { operatorToggle } from '../../../lib/domain/powerbank/use-cases';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['PUT /api/v1/operator/powerbank/charge-points/{charge_point_id}'], async ({ principal, params, body }) => ({ body: await operatorToggle(principal, params.charge_point_id, body) }));
