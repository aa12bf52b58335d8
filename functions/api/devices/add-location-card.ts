import { API } from '../../../lib/api/contract';
import { addLocationCard } from '../../../lib/domain/cards';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['POST /api/v1/locations/{location_id}/cards'], async ({ principal, params, body }) => ({
  body: await addLocationCard(principal, params.location_id, body),
}));
