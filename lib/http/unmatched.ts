// The answer to a request no route-table row matches (the HTTP API `$default` route): RFC 9457
// problem+json like every other error of this API, 405 with `Allow` when the path exists with other
// methods (RFC 9110 §15.5.6), else 404.
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { HTTP_ROUTES } from '../routes';
import { problemResponse } from './problem';
import { compileRoutes, matchRoute } from './route-match';

const compiled = compileRoutes(HTTP_ROUTES);

export function answerUnmatched(event: APIGatewayProxyEventV2): APIGatewayProxyStructuredResultV2 {
  const method = event.requestContext.http.method;
  const path = event.rawPath;
  const match = matchRoute(compiled, method, path);
  if (match.kind === 'method_not_allowed') {
    return problemResponse(
      {
        type: 'https://docs.chargepoint-commissioning.dev/problems/method-not-allowed',
        title: 'Method not allowed',
        status: 405,
        detail: `${path} answers ${match.allow.join(', ')}, not ${method}`,
        instance: path,
      },
      { allow: match.allow.join(', ') },
    );
  }
  return problemResponse({
    type: 'https://docs.chargepoint-commissioning.dev/problems/not-found',
    title: 'Not found',
    status: 404,
    detail: `No route ${method} ${path}; the API is described at /api/openapi.json`,
    instance: path,
  });
}
