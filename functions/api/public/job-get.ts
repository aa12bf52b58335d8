import { API } from '../../../lib/api/contract';
import { matchesIfNoneMatch, showJob } from '../../../lib/domain/public-job';
import { clientIp } from '../../../lib/http/client-ip';
import { httpHandler } from '../../../lib/http/handler';

// The page polls this with If-None-Match (issue #14 item 7): 304 while nothing it shows changed.
// `no-cache`: a cache may keep it but must revalidate, so a revoked link is never served from one.
export const handler = httpHandler(API['GET /api/v1/public/jobs/{token}'], async ({ params, event }) => {
  const { view, etag } = await showJob(params.token, clientIp(event));
  const headers = { etag, 'cache-control': 'private, no-cache' };
  return matchesIfNoneMatch(event.headers?.['if-none-match'], etag) ? { notModified: true, headers } : { body: view, headers };
});
