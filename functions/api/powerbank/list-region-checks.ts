import { API } from '../../../lib/api/contract';
import { regionCheckReports } from '../../../lib/domain/powerbank/use-cases';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['GET /api/v1/operator/powerbank/region-checks'], async ({ principal, query }) => ({ body: await regionCheckReports(principal.operatorId, query.limit) }));
