import { API } from '../../../lib/api/contract';
import { operatorDevice } from '../../../lib/domain/devices';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['GET /api/v1/operator/devices/{serial}'], async ({ principal, params }) => ({ body: await operatorDevice(principal.operatorId, params.serial) }));
