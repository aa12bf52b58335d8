import { API } from '../../../lib/api/contract';
import { ingestReading } from '../../../lib/domain/power/site-power';
import { bearerToken, httpHandler } from '../../../lib/http/handler';

// No account: the meter's own secret is the credential (checked by the use case, 401 otherwise).
export const handler = httpHandler(API['POST /api/v1/meters/{meter_id}/readings'], async ({ params, body, event }) => ({
  body: await ingestReading(params.meter_id, bearerToken(event), body),
}));
