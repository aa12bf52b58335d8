// Operator use cases on one charge point: see it, read its log, send it a command.
import { getChargePoint, type ChargePoint } from '../db/charge-points';
import { listDeviceModelReports } from '../db/device-model';
import { callChargePoint, type CommandRecord } from '../ocpp/commands';
import type { JsonObject } from '../ocpp/codec';
import { secretsIn } from '../ocpp/secrets';
import { viewChargePoint, type ChargePointView } from './charge-point-view';
import { releaseSerial } from './charge-points';
import { NotFound, ValidationFailed } from './errors';
import { activateChargePoint } from './jobs';
import { runRemoteAction, type ActionResultView, type RemoteActionRequest } from './remote-actions';

/** A charge point of this operator; anyone else's is indistinguishable from a missing one (404). */
export async function ownedChargePoint(operatorId: string, chargePointId: string): Promise<ChargePoint> {
  const cp = await getChargePoint(chargePointId);
  if (!cp || cp.operatorId !== operatorId) throw new NotFound(`Charge point ${chargePointId} not found`);
  return cp;
}

export async function showChargePoint(operatorId: string, chargePointId: string): Promise<ChargePointView> {
  return viewChargePoint(await ownedChargePoint(operatorId, chargePointId));
}

/** The operator opens a charge point to drivers (domain/jobs.ts activateChargePoint). */
export async function activateOwnedChargePoint(operatorId: string, chargePointId: string): Promise<ChargePointView> {
  const cp = await ownedChargePoint(operatorId, chargePointId);
  return viewChargePoint(await activateChargePoint(cp, { kind: 'operator', operatorId }));
}

/** The remote actions (domain/remote-actions.ts), for the operator: the job page's and force stop and check. */
export async function runOwnedRemoteAction(operatorId: string, chargePointId: string, request: RemoteActionRequest): Promise<ActionResultView> {
  return runRemoteAction(await ownedChargePoint(operatorId, chargePointId), request, { kind: 'operator', operatorId });
}

/** Releases a serial this operator holds by mistake (charge-points.ts releaseSerial) and shows the charge point without it. */
export async function releaseSerialOf(operatorId: string, chargePointId: string, releasedBy: string): Promise<ChargePointView> {
  await releaseSerial(operatorId, chargePointId, releasedBy);
  return showChargePoint(operatorId, chargePointId);
}

/** What the station reported of its device model (NotifyReport), newest report first; none before a GetBaseReport/GetReport. */
export async function readDeviceModel(operatorId: string, chargePointId: string) {
  const cp = await ownedChargePoint(operatorId, chargePointId);
  const reports = cp.identity ? await listDeviceModelReports(cp.identity) : [];
  return {
    charge_point_id: cp.chargePointId,
    reports: reports.map((r) => ({ request_id: r.requestId, generated_at: r.generatedAt, received_at: r.receivedAt, complete: r.complete, report_data: r.reportData })),
  };
}

export async function sendCommand(
  operatorId: string,
  chargePointId: string,
  input: { action: string; payload: JsonObject; timeoutMs?: number },
): Promise<CommandRecord> {
  const cp = await ownedChargePoint(operatorId, chargePointId);
  if (!cp.identity) throw new NotFound(`Charge point ${chargePointId} has no serial yet`);
  refuseChargerPassword(input.action, input.payload);
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

/**
 * A raw command must not set the charger's password. The charger would accept it while the stored
 * hash stayed the old one, and its next reconnect (API Gateway closes every socket within 2 h)
 * would be refused with 401: a lockout. The only path that changes a password is the rotation
 * (lib/domain/commissioning.ts finishCommissioning), which stores the new hash first and keeps the
 * old one as a grace password. Refused here rather than in callChargePoint, which that rotation uses.
 */
function refuseChargerPassword(action: string, payload: JsonObject): void {
  const secrets = secretsIn(action, 'req', payload);
  if (secrets.length === 0) return;
  throw new ValidationFailed(
    `${action} would change the charger's password (${secrets[0]!.why}); passwords are changed only by the platform's password rotation, which runs when commissioning completes`,
    secrets.map((s) => ({
      field: `payload${s.pointer.replace(/\//g, '.')}`,
      message: `${s.why} is set only by the password rotation (commissioning), which stores the new password before sending it; a raw command would lock the charger out at its next reconnect`,
    })),
  );
}
