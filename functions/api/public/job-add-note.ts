import { API } from '../../../lib/api/contract';
import { addPublicNote } from '../../../lib/domain/public-job';
import { clientIp } from '../../../lib/http/client-ip';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['POST /api/v1/public/jobs/{token}/charge-points/{charge_point_id}/notes'], async ({ params, body, event }) => ({
  body: await addPublicNote(params.token, clientIp(event), params.charge_point_id, body.text),
}));
