import { API } from '../../../lib/api/contract';
import { completePublicJob } from '../../../lib/domain/public-job';
import { clientIp } from '../../../lib/http/client-ip';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['POST /api/v1/public/jobs/{token}/complete'], async ({ params, body, event }) => ({
  body: await completePublicJob(params.token, clientIp(event), body.activate_all),
}));
