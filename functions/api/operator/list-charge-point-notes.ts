import { API } from '../../../lib/api/contract';
import { operatorNotes } from '../../../lib/domain/notes';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['GET /api/v1/operator/charge-points/{charge_point_id}/notes'], async ({ principal, params }) => ({
  body: { items: await operatorNotes(principal.operatorId, params.charge_point_id) },
}));
