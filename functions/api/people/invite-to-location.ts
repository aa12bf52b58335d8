import { API } from '../../../lib/api/contract';
import { inviteToLocation } from '../../../lib/domain/locations';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['POST /api/v1/locations/{location_id}/invitations'], async ({ principal, params, body }) => ({
  body: await inviteToLocation(principal, params.location_id, body),
  // The url holds the invitation's token.
  headers: { 'cache-control': 'no-store' },
}));
