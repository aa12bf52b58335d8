// $connect: authenticate and pick the subprotocol. A non-2xx status refuses the WebSocket upgrade.
import type { APIGatewayProxyResult } from 'aws-lambda';
import { config } from '../../lib/config';
import { log } from '../../lib/log';
import { connectChargePoint } from '../../lib/ocpp/connect';

config(); // fail the cold start, not a request, when the environment is incomplete

interface ConnectEvent {
  headers?: Record<string, string | undefined>;
  queryStringParameters?: Record<string, string | undefined> | null;
  requestContext: { connectionId: string; identity?: { sourceIp?: string } };
}

export const handler = async (event: ConnectEvent): Promise<APIGatewayProxyResult> => {
  // Behind CloudFront, only requests carrying the distribution's secret origin header are accepted.
  const secret = process.env.ORIGIN_VERIFY_SECRET;
  if (secret) {
    const presented = Object.entries(event.headers ?? {}).find(([k]) => k.toLowerCase() === 'x-origin-verify')?.[1];
    if (presented !== secret) return { statusCode: 403, body: '' };
  }
  try {
    const outcome = await connectChargePoint({
      connectionId: event.requestContext.connectionId,
      identityParam: event.queryStringParameters?.cp ?? undefined,
      headers: event.headers ?? {},
      ...(event.requestContext.identity?.sourceIp ? { sourceIp: event.requestContext.identity.sourceIp } : {}),
      at: new Date().toISOString(),
    });
    if (!outcome.ok) return { statusCode: outcome.status, body: '' };
    return { statusCode: 200, headers: { 'Sec-WebSocket-Protocol': outcome.subprotocol }, body: '' };
  } catch (err) {
    log.error('$connect failed', { err });
    return { statusCode: 500, body: '' };
  }
};
