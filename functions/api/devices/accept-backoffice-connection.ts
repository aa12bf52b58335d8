import { API } from '../../../lib/api/contract';
import { acceptBackoffice } from '../../../lib/domain/backoffice';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['POST /api/v1/operator/backoffice-connections/{charge_point_id}/accept'], async ({ principal, params, body }) => ({
  body: await acceptBackoffice(principal.operatorId, params.charge_point_id, body),
}));
