import { API } from '../../../lib/api/contract';
import { listLocationInvitations } from '../../../lib/domain/locations';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['GET /api/v1/locations/{location_id}/invitations'], async ({ principal, params }) => ({
  body: await listLocationInvitations(principal, params.location_id),
  headers: { 'cache-control': 'no-store' },
}));
