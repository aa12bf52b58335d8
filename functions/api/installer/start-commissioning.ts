import { API } from '../../../lib/api/contract';
import { startInstallerCommissioning } from '../../../lib/domain/installer-projects';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['POST /api/v1/installer/charge-points/{charge_point_id}/commissioning'], async ({ principal, params }) => ({
  body: await startInstallerCommissioning(principal, params.charge_point_id),
}));
