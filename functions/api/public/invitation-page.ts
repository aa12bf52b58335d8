import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { invitationOfToken } from '../../../lib/domain/invitations';
import { problemFromError } from '../../../lib/http/problem';
import { log } from '../../../lib/log';
import { htmlResponse } from '../../../lib/web/job-page';
import { invitationErrorPage, invitationPageShell, invitationProblemPage } from '../../../lib/web/invitation-page';

/**
 * GET /invitations/{token}: the invitation page (issue #16), what the mailed link and the QR code
 * open. The token is resolved here with the same use case as the JSON preview, so an unknown link
 * gets a 404 page and a used, withdrawn or expired one a 410 page, and neither says anything about
 * the invitation. No per-client limit: the JSON preview it mirrors has none (the token is 256 bits).
 */
export const handler = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
  const token = event.pathParameters?.token ?? '';
  try {
    await invitationOfToken(token);
  } catch (err) {
    const problem = problemFromError(err);
    if (problem.status === 404 || problem.status === 400) return htmlResponse(404, invitationProblemPage(404));
    if (problem.status === 410) return htmlResponse(410, invitationProblemPage(410, typeof problem.state === 'string' ? problem.state : undefined));
    if (problem.status >= 500) log.error('invitation page failed', { error: err });
    return htmlResponse(problem.status, invitationErrorPage('The server had a problem. Reload the page in a moment.'));
  }
  return htmlResponse(200, invitationPageShell(token));
};
