import { API } from '../../../lib/api/contract';
import { putCompatibilityOverride } from '../../../lib/domain/powerbank/use-cases';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['PUT /api/v1/operator/powerbank/compatibility'], async ({ principal, body }) => ({ body: await putCompatibilityOverride(principal, body) }));
