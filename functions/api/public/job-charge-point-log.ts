import { API } from '../../../lib/api/contract';
import { showPublicChargePointLog } from '../../../lib/domain/public-job';
import { clientIp } from '../../../lib/http/client-ip';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['GET /api/v1/public/jobs/{token}/charge-points/{charge_point_id}/log'], async ({ params, event }) => ({
  body: { entries: await showPublicChargePointLog(params.token, clientIp(event), params.charge_point_id) },
}));
