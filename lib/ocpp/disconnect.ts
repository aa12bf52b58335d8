// A connection ended: $disconnect, or a GoneException when we tried to send to it.
import { chargePointDisconnectedUpdate, connectionDelete, getConnection, type ConnectionRecord } from '../db/charge-points';
import { logPut } from '../db/logs';
import { transactWrite } from '../aws/transact';
import { makeEvent, publish } from '../events/publish';
import { log } from '../log';

export async function disconnectChargePoint(connectionId: string, at: string, detail: Record<string, unknown> = {}): Promise<void> {
  const conn = await getConnection(connectionId);
  if (!conn) return; // never recorded (refused at $connect) or already cleaned up
  await markDisconnected(conn, 'closed', at, detail);
}

/**
 * Marks the charge point disconnected only if this is still its current connection (a newer
 * $connect may have superseded it); the connection item and a log entry go in the same transaction.
 */
export async function markDisconnected(conn: ConnectionRecord, reason: 'closed' | 'gone', at: string, detail: Record<string, unknown> = {}): Promise<boolean> {
  const entry = { identity: conn.identity, at, category: 'connection' as const, kind: 'disconnected' as const, detail: { connectionId: conn.connectionId, reason, ...detail } };
  const result = await transactWrite([chargePointDisconnectedUpdate(conn.chargePointId, conn.connectionId, at), connectionDelete(conn.connectionId), logPut(entry)]);
  if (result.cancelled) {
    // Superseded: the charge point is connected on a newer socket. Drop only this connection's item.
    await transactWrite([connectionDelete(conn.connectionId), logPut({ ...entry, kind: 'superseded' })]);
    return false;
  }
  await publish([
    makeEvent('charge_point.disconnected', conn.operatorId, {
      charge_point_id: conn.chargePointId,
      charge_point_identity: conn.identity,
      project_id: conn.projectId,
      reason,
    }),
  ]).catch((err: unknown) => log.error('publish charge_point.disconnected failed', { identity: conn.identity, err }));
  return true;
}
