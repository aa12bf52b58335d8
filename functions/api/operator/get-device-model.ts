import { API } from '../../../lib/api/contract';
import { readDeviceModel } from '../../../lib/domain/operator-charge-points';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['GET /api/v1/operator/charge-points/{charge_point_id}/device-model'], async ({ principal, params }) => ({
  body: await readDeviceModel(principal.operatorId, params.charge_point_id),
}));
