import { API } from '../../../lib/api/contract';
import { removeStaff } from '../../../lib/domain/operator-staff';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['DELETE /api/v1/operator/staff/{account_id}'], async ({ principal, params }) => {
  await removeStaff(principal.operatorId, params.account_id);
  return {};
});
