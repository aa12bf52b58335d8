import { API } from '../../../lib/api/contract';
import { setInstallerAccess } from '../../../lib/domain/locations';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['PUT /api/v1/locations/{location_id}/installers/{account_id}'], async ({ principal, params, body }) => ({
  body: await setInstallerAccess(principal, params.location_id, params.account_id, body),
}));
