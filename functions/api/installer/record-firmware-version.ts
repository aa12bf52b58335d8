import { ChargePointParams, FirmwareVersionBody } from '../../../lib/api/schemas';
import { recordFirmwareVersion } from '../../../lib/domain/installer-projects';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler({ auth: 'installer', params: ChargePointParams, body: FirmwareVersionBody }, async ({ principal, params, body }) => ({
  body: await recordFirmwareVersion(principal, params.charge_point_id, body),
}));
