import { API } from '../../../lib/api/contract';
import { removeLocationCard } from '../../../lib/domain/cards';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['DELETE /api/v1/locations/{location_id}/cards/{card_id}'], async ({ principal, params }) => {
  await removeLocationCard(principal, params.location_id, params.card_id);
  return {};
});
