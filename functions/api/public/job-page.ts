import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { limitPublicClient, resolvePublicLink } from '../../../lib/domain/public-links';
import { clientIp } from '../../../lib/http/client-ip';
import { problemFromError } from '../../../lib/http/problem';
import { log } from '../../../lib/log';
import { errorPage, htmlResponse, jobPageShell, linkProblemPage } from '../../../lib/web/job-page';

/**
 * GET /jobs/{token}: the installer job page. The token is resolved here, on the server, so an
 * unknown link gets a 404 page and an expired or revoked one a 410 page saying whom to ask, and
 * neither carries anything about the job. The status comes from the one error mapping
 * (lib/http/problem.ts), the same the JSON API answers for the same link.
 */
export const handler = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
  const token = event.pathParameters?.token ?? '';
  try {
    // The same per-client limit as the page's JSON API: a scanner gets 429s here too.
    await limitPublicClient(clientIp(event));
    await resolvePublicLink(token);
  } catch (err) {
    const problem = problemFromError(err);
    // A token that is not even well-formed is as unknown as one that is.
    if (problem.status === 404 || problem.status === 400) return htmlResponse(404, linkProblemPage(404));
    if (problem.status === 410) return htmlResponse(410, linkProblemPage(410, problem.detail));
    if (problem.status >= 500) log.error('job page failed', { error: err });
    return htmlResponse(problem.status, errorPage(problem.status === 429 ? 'Too many requests from this network. Wait a minute, then reload the page.' : 'The server had a problem. Reload the page in a moment.'), problem.status === 429 && typeof problem.retry_after_seconds === 'number' ? { 'retry-after': String(problem.retry_after_seconds) } : {});
  }
  return htmlResponse(200, jobPageShell(token));
};
