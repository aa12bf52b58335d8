import { API } from '../../../lib/api/contract';
import { locationPowerBank } from '../../../lib/domain/powerbank/use-cases';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['GET /api/v1/locations/{location_id}/powerbank'], async ({ principal, params }) => ({ body: await locationPowerBank(principal, params.location_id) }));
