import { API } from '../../../lib/api/contract';
import { patchChargePoint } from '../../../lib/domain/public-job';
import { clientIp } from '../../../lib/http/client-ip';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['PATCH /api/v1/public/jobs/{token}/charge-points/{charge_point_id}'], async ({ params, body, event }) => ({
  body: await patchChargePoint(params.token, clientIp(event), params.charge_point_id, body),
}));
