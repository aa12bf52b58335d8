// Operator use cases on one charge point: see it, read its log, send it a command.
import { getChargePoint, type ChargePoint } from '../db/charge-points';
import { listLog, type LogCategory, type LogPage } from '../db/logs';
import { callChargePoint, type CommandRecord } from '../ocpp/commands';
import type { JsonObject } from '../ocpp/codec';
import { viewChargePoint, type ChargePointView } from './charge-point-view';
import { NotFound } from './errors';

/** A charge point of this operator; anyone else's is indistinguishable from a missing one (404). */
export async function ownedChargePoint(operatorId: string, chargePointId: string): Promise<ChargePoint> {
  const cp = await getChargePoint(chargePointId);
  if (!cp || cp.operatorId !== operatorId) throw new NotFound(`Charge point ${chargePointId} not found`);
  return cp;
}

export async function showChargePoint(operatorId: string, chargePointId: string): Promise<ChargePointView> {
  return viewChargePoint(await ownedChargePoint(operatorId, chargePointId));
}

export async function readChargePointLog(
  operatorId: string,
  chargePointId: string,
  opts: { limit?: number; cursor?: string; category?: LogCategory },
): Promise<LogPage> {
  const cp = await ownedChargePoint(operatorId, chargePointId);
  if (!cp.identity) return { entries: [] };
  return listLog(cp.identity, opts);
}

export async function sendCommand(
  operatorId: string,
  chargePointId: string,
  input: { action: string; payload: JsonObject; timeoutMs?: number },
): Promise<CommandRecord> {
  const cp = await ownedChargePoint(operatorId, chargePointId);
  if (!cp.identity) throw new NotFound(`Charge point ${chargePointId} has no serial yet`);
  return callChargePoint(cp.identity, input.action, input.payload, { ...(input.timeoutMs ? { timeoutMs: input.timeoutMs } : {}), requestedBy: `operator:${operatorId}` });
}

export function commandView(c: CommandRecord) {
  return {
    command_id: c.commandId,
    action: c.action,
    outcome: c.status,
    request: c.request,
    response: c.response ?? null,
    error: c.error ?? null,
    sent_at: c.sentAt,
    completed_at: c.completedAt ?? null,
  };
}
