import { API } from '../../../lib/api/contract';
import { releaseSerialOf } from '../../../lib/domain/operator-charge-points';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['DELETE /api/v1/operator/charge-points/{charge_point_id}/serial'], async ({ principal, params }) => ({
  body: await releaseSerialOf(principal.operatorId, params.charge_point_id, principal.actor),
}));
