// Commissioning a charge point: three checks (ocpp_connection, firmware_version, heartbeat) that
// pass from what the charge point really did after the start; TriggerMessage makes them pass in
// seconds. Once it has connected and booted with a firmware version, the Pending gate opens: a
// BootNotification is triggered and Accepted, then the heartbeat is checked (the order TC_B_31_CSMS
// validates). When all pass: completed, commissioning.completed published, and the charge point
// moved to a long-term password.
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../aws/clients';
import { config } from '../config';
import {
  COMMISSIONING_CHECKS,
  getChargePoint,
  type ChargePoint,
  type Commissioning,
  type CommissioningCheck,
  type Credentials,
  type FirmwareSource,
} from '../db/charge-points';
import { keys } from '../db/keys';
import { firstEntrySince } from '../db/logs';
import type { DomainEvent } from '../events/catalogue';
import { makeEvent, publish } from '../events/publish';
import { intEnv } from '../env';
import { log } from '../log';
import { callChargePoint, type CommandRecord } from '../ocpp/commands';
import type { OcppVersion } from '../ocpp/versions';
import { generateProvisioningPassword, hashPassword } from '../ocpp/credentials';
import { nowIso } from '../ids';
import { Conflict, NotFound } from './errors';
import { firmwareSourceText } from './firmware-source';
import { previousPasswordGraceDays } from './password-rotation';

const timeoutSeconds = () => intEnv('COMMISSIONING_TIMEOUT_SECONDS', 600);

export async function startCommissioning(chargePointId: string, startedBy: string): Promise<Commissioning> {
  const cp = await getChargePoint(chargePointId, true);
  if (!cp) throw new NotFound(`Charge point ${chargePointId} not found`);
  if (!cp.identity || !cp.protocol) throw new Conflict('Register the charge point (serial number and OCPP protocol) before commissioning it', { field: 'serial_number' });
  if (cp.commissioning?.status === 'completed') throw new Conflict('Commissioning of this charge point is already completed');
  const startedAt = nowIso();
  const commissioning: Commissioning = {
    status: 'in_progress',
    startedAt,
    startedBy,
    checks: COMMISSIONING_CHECKS.map((name) => ({ name, status: 'pending', detail: 'not checked yet', at: null })),
  };
  await documentClient().send(
    new UpdateCommand({
      TableName: config().tableName,
      Key: keys.chargePoint(chargePointId),
      UpdateExpression: 'SET commissioning = :c, updatedAt = :now',
      ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(commissioning) OR commissioning.#s <> :completed)',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: { ':c': commissioning, ':now': startedAt, ':completed': 'completed' },
    }),
  );
  await publish([
    makeEvent('commissioning.started', cp.operatorId, {
      charge_point_id: cp.chargePointId,
      charge_point_identity: cp.identity,
      project_id: cp.projectId,
      started_by: startedBy,
      started_at: startedAt,
    }),
  ]);
  return commissioning;
}

/** The checks as the charge point's real behaviour since the start says they are. Read-only. */
export async function evaluateChecks(cp: ChargePoint, startedAt: string): Promise<CommissioningCheck[]> {
  const conn = cp.connection;
  const booted = !!conn && !!cp.boot && cp.boot.at >= conn.connectedAt;
  const connection: CommissioningCheck = !conn
    ? { name: 'ocpp_connection', status: 'pending', detail: 'The charge point is not connected', at: null }
    : !booted
      ? { name: 'ocpp_connection', status: 'pending', detail: `Connected over ${conn.protocol}; waiting for BootNotification`, at: null }
      : conn.credential === 'previous'
        ? { name: 'ocpp_connection', status: 'failed', detail: 'Connected with an old password; re-enter the provisioning password on the charger', at: cp.boot!.at }
        : { name: 'ocpp_connection', status: 'passed', detail: `Connected over ${conn.protocol}${conn.sourceIp ? ` from ${conn.sourceIp}` : ''} with the ${conn.credential ?? 'provisioning'} password and booted`, at: cp.boot!.at };
  const firmware = firmwareCheck(cp, startedAt);
  const hb = cp.identity ? await firstEntrySince(cp.identity, startedAt, 'Heartbeat') : undefined;
  const heartbeat: CommissioningCheck = hb
    ? { name: 'heartbeat', status: 'passed', detail: 'Heartbeat received after the start', at: hb.at }
    : { name: 'heartbeat', status: 'pending', detail: conn ? 'Waiting for a Heartbeat' : 'Waiting for a Heartbeat; the charge point is not connected', at: null };
  return [connection, firmware, heartbeat];
}

/**
 * firmwareVersion is optional in BootNotification (1.6 and 2.0.1), so a missing one is looked up in
 * the configuration (runCommissioning) and, when nothing reports it, the check says so and how to
 * record it by hand; it never just times out as "pending".
 */
function firmwareCheck(cp: ChargePoint, startedAt: string): CommissioningCheck {
  if (cp.firmwareVersion) {
    return { name: 'firmware_version', status: 'passed', detail: `Firmware ${cp.firmwareVersion} (${firmwareSourceText(cp)})`, at: cp.firmwareSource?.at ?? cp.boot?.at ?? cp.firmwareStatus?.at ?? null };
  }
  if (cp.firmwareLookup && cp.firmwareLookup.at >= startedAt) {
    return {
      name: 'firmware_version',
      status: 'pending',
      detail: `firmware_version: missing (${cp.firmwareLookup.detail}). Record it by hand with PUT /api/v1/installer/charge-points/${cp.chargePointId}/firmware-version {"version": "…", "reason": "…"}`,
      at: null,
    };
  }
  // Says what is known, never that a TriggerMessage was sent: it is not sent while the charge point
  // is not connected, and a sent one may be refused or unanswered (issue #14).
  const conn = cp.connection;
  const detail = !conn
    ? 'No firmware version reported yet; the charge point is not connected'
    : cp.boot && cp.boot.at >= conn.connectedAt
      ? 'The BootNotification carried no firmware version; reading it from the configuration'
      : 'No firmware version reported yet; waiting for a BootNotification';
  return { name: 'firmware_version', status: 'pending', detail, at: null };
}

/** A 1.6 configuration key that holds the firmware version: vendor-specific names (FirmwareVersion, FwVersion, Firmware_Ver…). */
const FIRMWARE_KEY = /(firmware|fw).*ver|^firmware$/i;

/**
 * BootNotification came without firmwareVersion: read it from the configuration. 1.6: GetConfiguration
 * without a key list returns every key (1.6 §5.8); the version lives under a vendor-specific key.
 * 2.0.1: GetVariables of the standardized Controller.FirmwareVersion, "Firmware version number (as
 * reported in BootNotification)" (2.0.1 Part 2 Appendices §3.2.19). Stores the version, or why none
 * was found (the check then asks the installer to record it by hand).
 */
export async function lookUpFirmwareVersion(cp: ChargePoint): Promise<void> {
  if (!cp.identity || !cp.protocol) return;
  const at = nowIso();
  const opts = { requestedBy: 'commissioning' };
  let found: { version: string; how: string } | undefined;
  let detail: string;
  if (cp.protocol === 'ocpp1.6') {
    const r = await callChargePoint(cp.identity, 'GetConfiguration', {}, opts);
    const entries = r.status === 'accepted' && Array.isArray(r.response?.configurationKey) ? (r.response.configurationKey as Array<{ key?: string; value?: string }>) : [];
    const entry = entries.find((k) => typeof k.key === 'string' && FIRMWARE_KEY.test(k.key) && typeof k.value === 'string' && k.value.trim() !== '');
    if (entry) found = { version: entry.value!.trim(), how: `GetConfiguration key ${entry.key}` };
    detail = r.status === 'accepted' ? 'not in BootNotification, and no GetConfiguration key holds it' : `not in BootNotification, and GetConfiguration ${r.status}`;
  } else {
    const r = await callChargePoint(cp.identity, 'GetVariables', { getVariableData: [{ component: { name: 'Controller' }, variable: { name: 'FirmwareVersion' } }] }, opts);
    // A single-attribute GetVariables is `rejected` when that attribute is (outcomeOf); its attributeStatus says why.
    const answered = r.status === 'accepted' || r.status === 'rejected';
    const results = answered && Array.isArray(r.response?.getVariableResult) ? (r.response.getVariableResult as Array<{ attributeStatus?: string; attributeValue?: string }>) : [];
    const result = results[0];
    if (result?.attributeStatus === 'Accepted' && typeof result.attributeValue === 'string' && result.attributeValue.trim() !== '') {
      found = { version: result.attributeValue.trim(), how: 'GetVariables Controller.FirmwareVersion' };
    }
    detail = `not in BootNotification, and GetVariables of Controller.FirmwareVersion answered ${answered ? (result?.attributeStatus ?? 'nothing') : r.status}`;
  }
  if (found) {
    // A BootNotification that reports the version meanwhile wins.
    await setFirmwareVersion(cp.chargePointId, found.version, { kind: 'configuration', how: found.how, at }, 'unset');
    return;
  }
  await documentClient().send(
    new UpdateCommand({
      TableName: config().tableName,
      Key: keys.chargePoint(cp.chargePointId),
      UpdateExpression: 'SET firmwareLookup = :l',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':l': { at, detail } },
    }),
  );
}

/**
 * Stores a firmware version that did not come from BootNotification; false when the charge point
 * has one that may not be replaced: any (`unset`), or any not recorded by hand (`unset_or_by_hand`).
 */
export async function setFirmwareVersion(chargePointId: string, version: string, source: FirmwareSource, onlyIf: 'unset' | 'unset_or_by_hand'): Promise<boolean> {
  try {
    await documentClient().send(
      new UpdateCommand({
        TableName: config().tableName,
        Key: keys.chargePoint(chargePointId),
        UpdateExpression: 'SET firmwareVersion = :v, firmwareSource = :src, updatedAt = :at REMOVE firmwareLookup',
        ConditionExpression:
          onlyIf === 'unset' ? 'attribute_exists(pk) AND attribute_not_exists(firmwareVersion)' : 'attribute_exists(pk) AND (attribute_not_exists(firmwareVersion) OR firmwareSource.kind = :installer)',
        ExpressionAttributeValues: { ':v': version, ':src': source, ':at': source.at, ...(onlyIf === 'unset' ? {} : { ':installer': 'installer' }) },
      }),
    );
    return true;
  } catch (err) {
    if ((err as { name?: string }).name === 'ConditionalCheckFailedException') return false;
    throw err;
  }
}

/**
 * Re-evaluates an in-progress commissioning and moves it on: completed when every check passed,
 * failed when the time is up. Idempotent (conditional on the status), safe to call from the runner,
 * a status poll or a retry.
 */
export async function advanceCommissioning(chargePointId: string): Promise<ChargePoint> {
  const cp = await getChargePoint(chargePointId, true);
  if (!cp) throw new NotFound(`Charge point ${chargePointId} not found`);
  const c = cp.commissioning;
  if (!c || c.status !== 'in_progress' || !c.startedAt) return cp;
  const checks = await evaluateChecks(cp, c.startedAt);
  const previous = new Map((c.checks ?? []).map((x) => [x.name, x.status]));
  const allPassed = checks.every((x) => x.status === 'passed');
  const expired = Date.parse(c.startedAt) + timeoutSeconds() * 1000 < Date.now();
  const status: Commissioning['status'] = allPassed ? 'completed' : expired ? 'failed' : 'in_progress';
  const at = nowIso();
  const finalChecks = status === 'failed' ? checks.map((x) => (x.status === 'pending' ? { ...x, status: 'failed' as const, detail: `${x.detail} (timed out)`, at } : x)) : checks;
  try {
    await documentClient().send(
      new UpdateCommand({
        TableName: config().tableName,
        Key: keys.chargePoint(chargePointId),
        UpdateExpression: `SET commissioning.checks = :checks, commissioning.#s = :status, updatedAt = :at${status === 'completed' ? ', commissioning.completedAt = :at' : ''}`,
        ConditionExpression: 'commissioning.#s = :inProgress AND commissioning.startedAt = :startedAt',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':checks': finalChecks, ':status': status, ':at': at, ':inProgress': 'in_progress', ':startedAt': c.startedAt },
      }),
    );
  } catch (err) {
    if ((err as { name?: string }).name === 'ConditionalCheckFailedException') return (await getChargePoint(chargePointId, true)) ?? cp;
    throw err;
  }
  const events: DomainEvent[] = finalChecks
    .filter((x) => x.status !== 'pending' && previous.get(x.name) !== x.status)
    .map((x) =>
      makeEvent(x.status === 'passed' ? 'commissioning.check_passed' : 'commissioning.check_failed', cp.operatorId, {
        charge_point_id: cp.chargePointId,
        charge_point_identity: cp.identity!,
        project_id: cp.projectId,
        check: x.name,
        detail: x.detail,
        at: x.at ?? at,
      }),
    );
  if (status === 'completed') {
    events.push(
      makeEvent('commissioning.completed', cp.operatorId, {
        charge_point_id: cp.chargePointId,
        charge_point_identity: cp.identity!,
        project_id: cp.projectId,
        completed_at: at,
        ...(cp.firmwareVersion ? { firmware_version: cp.firmwareVersion } : {}),
        checks: finalChecks.map((x) => ({ name: x.name, status: x.status, detail: x.detail, at: x.at })),
      }),
    );
  }
  // Rotation and the accepted boot are done by the consumer of commissioning.completed (finishCommissioning).
  await publish(events);
  return (await getChargePoint(chargePointId, true)) ?? cp;
}

/**
 * After completion: move the charge point to a long-term password and, unless its boot on this
 * connection is Accepted already (runCommissioning opened the gate), trigger a boot, which is now
 * Accepted. The new password is stored first (with the old one as `previous`, the grace path of
 * DESIGN.md §3, bounded by previousPasswordGraceDays), so a charger that applies it at once and
 * reconnects is let in; if the charger refuses, the old password becomes current again and the
 * refusal is recorded. An Accepted answer is recorded as `pending_adoption`: it is `rotated` only
 * once the charger has connected with the new password (domain/password-rotation.ts).
 */
export async function finishCommissioning(cp: ChargePoint): Promise<void> {
  if (!cp.identity || !cp.protocol || !cp.credentials) return;
  const identity = cp.identity;
  const at = nowIso();
  const newPassword = generateProvisioningPassword();
  const previousValidUntil = new Date(Date.parse(at) + previousPasswordGraceDays() * 86_400_000).toISOString();
  const rotated: Credentials = { current: await hashPassword(newPassword), previous: cp.credentials.current, previousValidUntil, issuedAt: at, kind: 'long_term' };
  await setCredentials(cp.chargePointId, rotated, cp.credentials.current);
  let rotation: NonNullable<Commissioning['passwordRotation']>;
  try {
    const result =
      cp.protocol === 'ocpp1.6'
        ? await callChargePoint(identity, 'ChangeConfiguration', { key: 'AuthorizationKey', value: newPassword }, { requestedBy: 'commissioning' })
        : await callChargePoint(
            identity,
            'SetVariables',
            { setVariableData: [{ attributeValue: newPassword, component: { name: 'SecurityCtrlr' }, variable: { name: 'BasicAuthPassword' } }] },
            { requestedBy: 'commissioning' },
          );
    const answer = passwordChangeAnswer(cp.protocol, result);
    if (answer.accepted) {
      rotation = {
        status: 'pending_adoption',
        detail: `The charge point accepted its long-term password (${answer.said}); the provisioning password stays valid until it connects with the new one, at most until ${previousValidUntil}`,
        at,
      };
    } else {
      await setCredentials(cp.chargePointId, cp.credentials, rotated.current);
      rotation = { status: 'refused', detail: `The charge point did not accept a new password (${answer.said}); it keeps the provisioning password`, at };
    }
  } catch (err) {
    await setCredentials(cp.chargePointId, cp.credentials, rotated.current).catch(() => undefined);
    rotation = { status: 'failed', detail: `Could not rotate the password: ${(err as Error).message}`, at };
  }
  await documentClient().send(
    new UpdateCommand({
      TableName: config().tableName,
      Key: keys.chargePoint(cp.chargePointId),
      UpdateExpression: 'SET commissioning.passwordRotation = :r',
      ExpressionAttributeValues: { ':r': rotation },
    }),
  );
  const conn = cp.connection;
  if (conn && cp.boot?.status === 'Accepted' && cp.boot.at >= conn.connectedAt) return;
  await callChargePoint(identity, 'TriggerMessage', { requestedMessage: 'BootNotification' }, { requestedBy: 'commissioning' }).catch((err: unknown) =>
    log.warn('could not trigger the accepted boot', { identity, err }),
  );
}

/**
 * Did the charger take the new password? 1.6 ChangeConfiguration.conf has a status (Accepted, or
 * RebootRequired: stored, used after the reboot; 1.6 §5.3). 2.0.1 SetVariablesResponse has no
 * top-level status (the command outcome sums up every attribute, outcomeOf): what counts here is
 * the attributeStatus of the SecurityCtrlr.BasicAuthPassword result (2.0.1 B05; Accepted or
 * RebootRequired). Anything else, a missing result included, is a refusal: a Rejected password must
 * not stay stored as current.
 */
export function passwordChangeAnswer(protocol: OcppVersion, result: Pick<CommandRecord, 'status' | 'response'>): { accepted: boolean; said: string } {
  if (result.status !== 'accepted' && result.status !== 'rejected' && result.status !== 'partially_accepted') return { accepted: false, said: result.status };
  if (protocol === 'ocpp1.6') {
    const said = String(result.response?.status ?? result.status);
    return { accepted: said === 'Accepted' || said === 'RebootRequired', said };
  }
  const results = Array.isArray(result.response?.setVariableResult) ? (result.response.setVariableResult as SetVariableResult[]) : [];
  const mine = results.find((r) => r.component?.name === 'SecurityCtrlr' && r.variable?.name === 'BasicAuthPassword');
  const said = mine?.attributeStatus ?? 'no result for SecurityCtrlr.BasicAuthPassword';
  return { accepted: said === 'Accepted' || said === 'RebootRequired', said };
}

interface SetVariableResult {
  readonly attributeStatus?: string;
  readonly component?: { readonly name?: string };
  readonly variable?: { readonly name?: string };
}

async function setCredentials(chargePointId: string, credentials: Credentials, expectedCurrent: string): Promise<void> {
  await documentClient().send(
    new UpdateCommand({
      TableName: config().tableName,
      Key: keys.chargePoint(chargePointId),
      UpdateExpression: 'SET credentials = :c',
      ConditionExpression: 'credentials.#cur = :expected',
      ExpressionAttributeNames: { '#cur': 'current' },
      ExpressionAttributeValues: { ':c': credentials, ':expected': expectedCurrent },
    }),
  );
}

/** Lets this commissioning's BootNotifications be Accepted (bootAcceptedAt); only while it is in progress. */
async function openPendingGate(chargePointId: string, startedAt: string): Promise<void> {
  try {
    await documentClient().send(
      new UpdateCommand({
        TableName: config().tableName,
        Key: keys.chargePoint(chargePointId),
        UpdateExpression: 'SET commissioning.bootAcceptedAt = :at',
        ConditionExpression: 'commissioning.#s = :inProgress AND commissioning.startedAt = :startedAt AND attribute_not_exists(commissioning.bootAcceptedAt)',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':at': nowIso(), ':inProgress': 'in_progress', ':startedAt': startedAt },
      }),
    );
  } catch (err) {
    // Already open, or the commissioning ended or restarted meanwhile: nothing to open.
    if ((err as { name?: string }).name !== 'ConditionalCheckFailedException') throw err;
  }
}

/**
 * The runner (target of commissioning.started): ask the charge point for what the checks need and
 * keep re-evaluating, so a responsive charger completes in seconds. A charger that connects after
 * the start is nudged as soon as it appears, and a pending heartbeat is asked for again every
 * `renudgeMs`. Starting commissioning again (POST) restarts the runner. The budget stays well
 * inside the event functions' 60 s timeout, leaving room for a TriggerMessage round trip.
 */
export async function runCommissioning(chargePointId: string, budgetMs = intEnv('COMMISSIONING_RUNNER_BUDGET_MS', 40_000), renudgeMs = 15_000): Promise<void> {
  const deadline = Date.now() + budgetMs;
  const bootAskedOn = new Set<string>();
  const firmwareAskedOn = new Set<string>();
  const gateOpenedOn = new Set<string>();
  const bootRefusedOn = new Set<string>();
  let lastHeartbeatAsk = 0;
  for (;;) {
    const cp = await getChargePoint(chargePointId, true);
    if (!cp?.identity || cp.commissioning?.status !== 'in_progress') return;
    const conn = cp.connection;
    if (conn) {
      const checks = cp.commissioning.checks ?? [];
      const pending = (name: string) => checks.find((c) => c.name === name)?.status !== 'passed';
      const bootedHere = !!cp.boot && cp.boot.at >= conn.connectedAt;
      const acceptedHere = bootedHere && cp.boot!.status === 'Accepted';
      // Not booted on this connection yet. (A boot without a firmware version is not re-triggered: it
      // would be answered Pending, and TC_B_31 wants the boot triggered after a Pending one Accepted.)
      if (!bootedHere && !bootAskedOn.has(conn.connectionId)) {
        bootAskedOn.add(conn.connectionId);
        await callChargePoint(cp.identity, 'TriggerMessage', { requestedMessage: 'BootNotification' }, { requestedBy: 'commissioning' }).catch((err: unknown) =>
          log.warn('TriggerMessage(BootNotification) failed', { err }),
        );
      }
      // Booted on this connection without a firmware version: BootNotification may omit it.
      if (!cp.firmwareVersion && cp.boot && cp.boot.at >= conn.connectedAt && !firmwareAskedOn.has(conn.connectionId)) {
        firmwareAskedOn.add(conn.connectionId);
        await lookUpFirmwareVersion(cp).catch((err: unknown) => log.warn('firmware version lookup failed', { err }));
      }
      // Connected, booted and its firmware known: open the Pending gate and trigger the boot that is
      // now Accepted (2.0.1 B02 with F06, TC_B_31_CSMS: after a Pending boot, the first TriggerMessage
      // asks for BootNotification and that boot is Accepted). The heartbeat is asked for once the
      // boot is Accepted, when the charger may send one on its own too (1.6 §4.2, 2.0.1 B02.FR.09).
      if (!pending('ocpp_connection') && !pending('firmware_version') && !acceptedHere && !gateOpenedOn.has(conn.connectionId)) {
        gateOpenedOn.add(conn.connectionId);
        await openPendingGate(chargePointId, cp.commissioning.startedAt!);
        const r = await callChargePoint(cp.identity, 'TriggerMessage', { requestedMessage: 'BootNotification' }, { requestedBy: 'commissioning' }).catch((err: unknown) => {
          log.warn('TriggerMessage(BootNotification) failed', { err });
          return undefined;
        });
        // A charger that will not send the boot now gets the heartbeat asked for while Pending (a
        // triggered one is allowed); finishCommissioning then triggers the Accepted boot.
        if (r?.status !== 'accepted') bootRefusedOn.add(conn.connectionId);
      }
      if (pending('heartbeat') && (acceptedHere || bootRefusedOn.has(conn.connectionId)) && Date.now() - lastHeartbeatAsk >= renudgeMs) {
        lastHeartbeatAsk = Date.now();
        await callChargePoint(cp.identity, 'TriggerMessage', { requestedMessage: 'Heartbeat' }, { requestedBy: 'commissioning' }).catch((err: unknown) =>
          log.warn('TriggerMessage(Heartbeat) failed', { err }),
        );
      }
    }
    const current = await advanceCommissioning(chargePointId);
    if (current.commissioning?.status !== 'in_progress' || Date.now() > deadline) return;
    await new Promise((r) => setTimeout(r, 250));
  }
}
