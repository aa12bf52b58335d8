import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { withPageSecurityHeaders } from '../../../lib/http/security-headers';
import { JOB_PAGE_ASSETS } from '../../../lib/web/job-page';

/**
 * GET /jobs/assets/{file}: the job page's script and style sheet. Their names carry a hash of their
 * content, so a browser may keep them for a year (`immutable`: no revalidation on reload); a new
 * deploy changes the name in the shell. The ETag answers a conditional request all the same.
 */
export const handler = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
  const asset = JOB_PAGE_ASSETS.get(event.pathParameters?.file ?? '');
  if (!asset) return { statusCode: 404, headers: withPageSecurityHeaders({ 'content-type': 'text/plain; charset=utf-8' }), body: 'Not found' };
  const headers = withPageSecurityHeaders({ 'content-type': asset.contentType, etag: asset.etag, 'cache-control': 'public, max-age=31536000, immutable' });
  if (event.headers?.['if-none-match'] === asset.etag) return { statusCode: 304, headers, body: '' };
  return { statusCode: 200, headers, body: asset.body };
};
