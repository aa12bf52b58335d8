import { API } from '../../../lib/api/contract';
import { changeLocationCard } from '../../../lib/domain/cards';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['PATCH /api/v1/locations/{location_id}/cards/{card_id}'], async ({ principal, params, body }) => ({
  body: await changeLocationCard(principal, params.location_id, params.card_id, body),
}));
