// $disconnect: best effort by API Gateway's own account; the connection item's TTL covers a lost one.
import { config } from '../../lib/config';
import { log } from '../../lib/log';
import { disconnectChargePoint } from '../../lib/ocpp/disconnect';

config();

interface DisconnectEvent {
  requestContext: { connectionId: string; disconnectStatusCode?: number; disconnectReason?: string };
}

export const handler = async (event: DisconnectEvent): Promise<{ statusCode: number }> => {
  try {
    await disconnectChargePoint(event.requestContext.connectionId, new Date().toISOString(), {
      ...(event.requestContext.disconnectStatusCode !== undefined ? { closeCode: event.requestContext.disconnectStatusCode } : {}),
      ...(event.requestContext.disconnectReason ? { closeReason: event.requestContext.disconnectReason } : {}),
    });
  } catch (err) {
    log.error('$disconnect failed', { connectionId: event.requestContext.connectionId, err });
  }
  return { statusCode: 200 };
};
