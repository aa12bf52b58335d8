import { ChargePointParams } from '../../../lib/api/schemas';
import { startInstallerCommissioning } from '../../../lib/domain/installer-projects';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler({ auth: 'installer', params: ChargePointParams }, async ({ principal, params }) => ({
  status: 202,
  body: await startInstallerCommissioning(principal, params.charge_point_id),
}));
