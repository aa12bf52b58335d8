import { API } from '../../../lib/api/contract';
import { addOperatorNote } from '../../../lib/domain/notes';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['POST /api/v1/operator/charge-points/{charge_point_id}/notes'], async ({ principal, params, body }) => ({
  body: await addOperatorNote(principal.operatorId, params.charge_point_id, body.text),
}));
