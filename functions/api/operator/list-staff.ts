import { API } from '../../../lib/api/contract';
import { listStaff, staffView } from '../../../lib/domain/operator-staff';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['GET /api/v1/operator/staff'], async ({ principal }) => ({
  body: { staff: (await listStaff(principal.operatorId)).map(staffView) },
}));
