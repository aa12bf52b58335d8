// The API Gateway Management API (@connections): push a frame to a charge point, close a socket.
// Always the execute-api endpoint, never the CloudFront domain (DESIGN.md §2.2).
import { ApiGatewayManagementApiClient, DeleteConnectionCommand, GoneException, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { config } from '../config';

let client: ApiGatewayManagementApiClient | undefined;

function managementClient(): ApiGatewayManagementApiClient {
  client ??= new ApiGatewayManagementApiClient({ endpoint: config().wsManagementEndpoint, maxAttempts: 2 });
  return client;
}

/** Returns false when the connection is gone (410): the caller marks the charge point disconnected. */
export async function postToConnection(connectionId: string, frame: string): Promise<boolean> {
  try {
    await managementClient().send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: Buffer.from(frame, 'utf8') }));
    return true;
  } catch (err) {
    if (err instanceof GoneException) return false;
    throw err;
  }
}

/** Closes a socket; false when @connections does not know it (410: gone, or its handshake not yet done). */
export async function closeConnection(connectionId: string): Promise<boolean> {
  try {
    await managementClient().send(new DeleteConnectionCommand({ ConnectionId: connectionId }));
    return true;
  } catch (err) {
    if (err instanceof GoneException) return false;
    throw err;
  }
}
