import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { API } from '../../../lib/api/contract';
import { authenticateMeter, ingestReading } from '../../../lib/domain/power/site-power';
import { bearerToken, httpHandler } from '../../../lib/http/handler';

// No account: the meter's own secret is the credential, checked before the request is validated
// (401 before any 400: a caller without the secret learns nothing of the reading's rules).
export const handler = httpHandler(API['POST /api/v1/meters/{meter_id}/readings'], async ({ body, credential }) => ({ body: await ingestReading(credential, body) }), {
  check: (event: APIGatewayProxyEventV2) => authenticateMeter(event.pathParameters?.meter_id, bearerToken(event)),
});
