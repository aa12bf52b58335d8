import { API } from '../../../lib/api/contract';
import { recordFirmwareVersion } from '../../../lib/domain/installer-projects';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['PUT /api/v1/installer/charge-points/{charge_point_id}/firmware-version'], async ({ principal, params, body }) => ({
  body: await recordFirmwareVersion(principal, params.charge_point_id, body),
}));
