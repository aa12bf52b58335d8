import { API } from '../../../lib/api/contract';
import { operatorDevices } from '../../../lib/domain/devices';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['GET /api/v1/operator/devices'], async ({ principal, query }) => ({ body: await operatorDevices(principal.operatorId, query) }));
