import { API } from '../../../lib/api/contract';
import { declineBackoffice } from '../../../lib/domain/backoffice';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['POST /api/v1/operator/backoffice-connections/{charge_point_id}/decline'], async ({ principal, params }) => {
  await declineBackoffice(principal.operatorId, params.charge_point_id);
  return {};
});
