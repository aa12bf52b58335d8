import { API } from '../../../lib/api/contract';
import { installerCommissioningStatus } from '../../../lib/domain/installer-projects';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['GET /api/v1/installer/charge-points/{charge_point_id}/commissioning'], async ({ principal, params }) => ({
  body: await installerCommissioningStatus(principal, params.charge_point_id),
}));
