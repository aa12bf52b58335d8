import { API } from '../../../lib/api/contract';
import { openApiDocument } from '../../../lib/api/openapi';
import { httpHandler } from '../../../lib/http/handler';

const document = openApiDocument(process.env.PUBLIC_BASE_URL);

export const handler = httpHandler(API['GET /api/openapi.json'], async () => ({ body: document, headers: { 'cache-control': 'public, max-age=300' } }));
