import { API } from '../../../lib/api/contract';
import { listBackofficeConnections } from '../../../lib/domain/backoffice';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['GET /api/v1/operator/backoffice-connections'], async ({ principal }) => ({
  body: await listBackofficeConnections(principal.operatorId),
}));
