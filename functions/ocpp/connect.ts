// $connect: after the authorizer (functions/ocpp/authorize.ts) decided who the charger is, pick the
// subprotocol and record the connection. A non-2xx status refuses the WebSocket upgrade.
import type { APIGatewayProxyResult } from 'aws-lambda';
import { config } from '../../lib/config';
import { log } from '../../lib/log';
import { connectChargePoint, originVerified } from '../../lib/ocpp/connect';
import { fromAuthorizerContext } from '../../lib/ocpp/connection-context';

config(); // fail the cold start, not a request, when the environment is incomplete

interface ConnectEvent {
  headers?: Record<string, string | undefined>;
  queryStringParameters?: Record<string, string | undefined> | null;
  requestContext: { connectionId: string; identity?: { sourceIp?: string }; authorizer?: unknown };
}

export const handler = async (event: ConnectEvent): Promise<APIGatewayProxyResult> => {
  // The authorizer checked it already; kept so the integration never trusts a request that skipped it.
  if (!originVerified(event.headers ?? {})) return { statusCode: 403, body: '' };
  const auth = fromAuthorizerContext(event.requestContext.authorizer);
  if (!auth) {
    // Only a misconfigured stage gets here (no authorizer on $connect): refuse rather than guess.
    log.error('$connect without the authorizer context', { connectionId: event.requestContext.connectionId });
    return { statusCode: 500, body: '' };
  }
  try {
    const outcome = await connectChargePoint(
      {
        connectionId: event.requestContext.connectionId,
        identityParam: event.queryStringParameters?.cp ?? undefined,
        headers: event.headers ?? {},
        ...(event.requestContext.identity?.sourceIp ? { sourceIp: event.requestContext.identity.sourceIp } : {}),
        at: new Date().toISOString(),
      },
      auth,
    );
    if (!outcome.ok) return { statusCode: outcome.status, body: '' };
    return { statusCode: 200, headers: { 'Sec-WebSocket-Protocol': outcome.subprotocol }, body: '' };
  } catch (err) {
    log.error('$connect failed', { err });
    return { statusCode: 500, body: '' };
  }
};
