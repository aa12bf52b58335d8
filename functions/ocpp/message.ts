// $default: every OCPP frame. The route is one-way (no route response): the answer, when there is
// one, goes back through @connections, because with a route response API Gateway sends the charger a
// message even when the function has nothing to say (an empty one), which strict chargers reject
// as a malformed frame (README, "OCPP in brief").
import type { APIGatewayProxyResult } from 'aws-lambda';
import { config } from '../../lib/config';
import { connectionFromContext, fromAuthorizerContext } from '../../lib/ocpp/connection-context';
import { handleFrameAndReply } from '../../lib/ocpp/pipeline';

config();

interface MessageEvent {
  body?: string | null;
  isBase64Encoded?: boolean;
  requestContext: { connectionId: string; connectedAt?: number; identity?: { sourceIp?: string }; authorizer?: unknown };
}

export const handler = async (event: MessageEvent): Promise<APIGatewayProxyResult> => {
  const body = event.isBase64Encoded && event.body ? Buffer.from(event.body, 'base64').toString('utf8') : (event.body ?? '');
  const { connectionId, connectedAt, identity } = event.requestContext;
  // What $connect established rides on every frame's event (lib/ocpp/connection-context.ts).
  const auth = fromAuthorizerContext(event.requestContext.authorizer);
  const connection = auth?.outcome === 'admitted' ? connectionFromContext(connectionId, auth, connectedAt, identity?.sourceIp) : undefined;
  await handleFrameAndReply({ connectionId, body, receivedAt: new Date().toISOString(), ...(connection ? { connection } : {}) });
  return { statusCode: 200, body: '' };
};
