import { API } from '../../../lib/api/contract';
import { runPublicAction } from '../../../lib/domain/public-job';
import { clientIp } from '../../../lib/http/client-ip';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['POST /api/v1/public/jobs/{token}/charge-points/{charge_point_id}/actions'], async ({ params, body, event }) => ({
  body: await runPublicAction(params.token, clientIp(event), params.charge_point_id, body.action),
}));
