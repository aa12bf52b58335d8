import { API } from '../../../lib/api/contract';
import { addLocationChargePointBySerial } from '../../../lib/domain/locations';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['POST /api/v1/locations/{location_id}/charge-points/by-serial'], async ({ principal, params, body, event }) => {
  const { reply, replayed } = await addLocationChargePointBySerial(principal, params.location_id, body, event.headers?.['idempotency-key']);
  return { body: reply, headers: { 'cache-control': 'no-store', ...(replayed ? { 'idempotent-replayed': 'true' } : {}) } };
});
