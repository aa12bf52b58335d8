import { API } from '../../../lib/api/contract';
import { revealPassword } from '../../../lib/domain/public-job';
import { clientIp } from '../../../lib/http/client-ip';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['POST /api/v1/public/jobs/{token}/charge-points/{charge_point_id}/password/reveal'], async ({ params, event }) => ({
  body: await revealPassword(params.token, clientIp(event), params.charge_point_id),
  headers: { 'cache-control': 'no-store' },
}));
