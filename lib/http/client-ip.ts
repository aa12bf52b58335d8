import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/**
 * The client, for per-client limits: the source IP API Gateway saw (the local runtime sets the
 * same field). Not X-Forwarded-For, which the client writes itself.
 */
export function clientIp(event: APIGatewayProxyEventV2): string {
  return event.requestContext?.http?.sourceIp || 'unknown';
}
