import { API } from '../../../lib/api/contract';
import { importDevices } from '../../../lib/domain/devices';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['POST /api/v1/operator/devices/import'], async ({ principal, body }) => ({ body: await importDevices(principal.operatorId, body) }));
