import { API } from '../../../lib/api/contract';
import { listLocationCards } from '../../../lib/domain/cards';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['GET /api/v1/locations/{location_id}/cards'], async ({ principal, params }) => ({
  body: await listLocationCards(principal, params.location_id),
}));
