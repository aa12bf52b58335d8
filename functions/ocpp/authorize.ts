// The $connect authorizer (a Lambda REQUEST authorizer): who is this charge point, and do its Basic
// credentials hold? Its context reaches $connect and every later event of the connection as
// requestContext.authorizer (lib/ocpp/connection-context.ts), so frames need not look it up again.
import { config } from '../../lib/config';
import { log } from '../../lib/log';
import { authorizeChargePoint, originVerified } from '../../lib/ocpp/connect';
import { toAuthorizerContext } from '../../lib/ocpp/connection-context';

config(); // fail the cold start, not a request, when the environment is incomplete

interface AuthorizerEvent {
  methodArn: string;
  headers?: Record<string, string | undefined>;
  queryStringParameters?: Record<string, string | undefined> | null;
  requestContext: { connectionId: string; identity?: { sourceIp?: string } };
}

export interface AuthorizerResult {
  principalId: string;
  policyDocument: { Version: '2012-10-17'; Statement: [{ Action: 'execute-api:Invoke'; Effect: 'Allow' | 'Deny'; Resource: string }] };
  context?: Record<string, string>;
}

const policy = (effect: 'Allow' | 'Deny', resource: string, principalId: string, context?: Record<string, string>): AuthorizerResult => ({
  principalId,
  policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: resource }] },
  ...(context ? { context } : {}),
});

export const handler = async (event: AuthorizerEvent): Promise<AuthorizerResult> => {
  // Straight to execute-api, around CloudFront: Deny (API Gateway answers 403) before any read.
  if (!originVerified(event.headers ?? {})) return policy('Deny', event.methodArn, 'unknown');
  // A failure here must not become a 401 challenge or an Allow: Deny, and the charger retries later.
  try {
    const decided = await authorizeChargePoint({
      identityParam: event.queryStringParameters?.cp ?? undefined,
      headers: event.headers ?? {},
      ...(event.requestContext.identity?.sourceIp ? { sourceIp: event.requestContext.identity.sourceIp } : {}),
      at: new Date().toISOString(),
    });
    // Refusals are Allowed through with their status: the integration answers the 401 (connection-context.ts).
    return policy('Allow', event.methodArn, decided.outcome === 'admitted' ? decided.identity : 'refused', toAuthorizerContext(decided));
  } catch (err) {
    log.error('$connect authorizer failed', { err });
    return policy('Deny', event.methodArn, 'unknown');
  }
};
