import { ChargePointParams } from '../../../lib/api/schemas';
import { installerCommissioningStatus } from '../../../lib/domain/installer-projects';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler({ auth: 'installer', params: ChargePointParams }, async ({ principal, params }) => ({
  body: await installerCommissioningStatus(principal, params.charge_point_id),
}));
