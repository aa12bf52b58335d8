import { API } from '../../../lib/api/contract';
import { createLocation } from '../../../lib/domain/locations';
import { httpHandler } from '../../../lib/http/handler';

export const handler = httpHandler(API['POST /api/v1/locations'], async ({ principal, body }) => ({ body: await createLocation(principal, body) }));
