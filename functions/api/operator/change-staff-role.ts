import { API } from '../../../lib/api/contract';
import { changeStaffRole, staffView } from '../../../lib/domain/operator-staff';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['PATCH /api/v1/operator/staff/{account_id}'], async ({ principal, params, body }) => ({
  body: staffView(await changeStaffRole(principal.operatorId, params.account_id, body.role)),
}));
