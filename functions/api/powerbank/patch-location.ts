import { API } from '../../../lib/api/contract';
import { updateLocationAddress } from '../../../lib/domain/powerbank/use-cases';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['PATCH /api/v1/locations/{location_id}'], async ({ principal, params, body }) => ({ body: await updateLocationAddress(principal, params.location_id, body) }));
