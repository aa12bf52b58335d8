import { openApiDocument } from '../../../lib/api/openapi';
import { httpHandler } from '../../../lib/http/handler';

const document = openApiDocument(process.env.PUBLIC_BASE_URL);

export const handler = httpHandler({ auth: 'none' }, async () => ({ body: document, headers: { 'cache-control': 'public, max-age=300' } }));
