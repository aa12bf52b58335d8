import { API } from '../../../lib/api/contract';
import { loadDevice } from '../../../lib/domain/devices';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['PUT /api/v1/operator/devices/{serial}'], async ({ principal, params, body }) => ({ body: await loadDevice(principal.operatorId, params.serial, body) }));
