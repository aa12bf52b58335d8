// Remote actions on one charge point (issue #14 item 4, issue #15; remote actions guide,
// shared/DOMAIN.md §2): start, stop, force stop, unlock, reboot and check. Run through
// callChargePoint, the same command path as the operator's raw commands (lib/ocpp/commands.ts), so
// there is no second implementation of sending, waiting, the one-call-at-a-time slot or the Pending
// rules. The operator API and the public job page both call runRemoteAction; the job page offers
// only start, stop, unlock and reboot (JOB_PAGE_ACTIONS).
import { randomInt } from 'node:crypto';
import { getDriver, listIdTokensOfDriver } from '../db/drivers';
import { recordLastRemoteAction, type ChargePoint, type LastRemoteAction } from '../db/charge-points';
import { activeTransactions, firstEntrySince, latestConnectorStatuses, listLog, putLogEntry, type ActiveTransaction, type ConnectorStatusEntry } from '../db/logs';
import { intEnv } from '../env';
import { log } from '../log';
import { callChargePoint, type CommandRecord } from '../ocpp/commands';
import type { JsonObject } from '../ocpp/codec';
import type { OcppVersion } from '../ocpp/versions';
import { describeActor, type Actor } from './actors';
import { INSTALLER_TEST_ID_TAG } from './authorization';
import { connectorCountOf, type ChargePointView } from './charge-point-view';
import { Conflict, ValidationFailed } from './errors';
import { firmwareSourceText } from './firmware-source';
import { PAYMENT_METHODS, resolvePriceGroup, type PaymentMethod } from './pricing';
import { forceCloseSession, recordStartIntent, sessionIdOf } from './sessions';

import { JOB_PAGE_ACTIONS, REMOTE_ACTIONS } from '../api/schemas';

export { JOB_PAGE_ACTIONS, REMOTE_ACTIONS };
export type RemoteAction = (typeof REMOTE_ACTIONS)[number];
export type JobPageAction = (typeof JOB_PAGE_ACTIONS)[number];
export type ActionOutcome = LastRemoteAction['outcome'];

/** What was asked, as the operator API's body says it (api/schemas.ts RemoteActionBody). */
export interface RemoteActionRequest {
  readonly action: RemoteAction;
  readonly hard?: boolean;
  readonly connector?: number;
  readonly userId?: string;
  readonly idToken?: string;
  readonly paymentMethod?: PaymentMethod;
  readonly priceGroupId?: string;
  readonly reason?: string;
  /**
   * The job page's start: the installer's test charge with INSTALLER_TEST_ID_TAG, free, on a
   * connector that can start (no driver, no payment method exists at installation time).
   */
  readonly installerTest?: boolean;
}

/** One OCPP call (or our own step) an action made, in order. */
export interface ActionStep {
  readonly step: string;
  readonly outcome: string;
  readonly detail: string;
  readonly command_id: string | null;
}

export interface CheckResult {
  readonly connectivity: {
    readonly connected: boolean;
    readonly connected_at: string | null;
    readonly last_disconnected_at: string | null;
    /** Whether the Heartbeat we triggered arrived (a round trip through the charger's OCPP stack). */
    readonly heartbeat: 'answered' | 'not_answered' | 'not_asked';
    readonly heartbeat_at: string | null;
  };
  readonly firmware: { readonly version: string | null; readonly source: string | null };
  readonly connectors: ReadonlyArray<{
    readonly connector: number;
    readonly evse_id: number | null;
    readonly connector_id: number;
    readonly status: string;
    readonly error_code: string | null;
    readonly at: string;
    /** Reported after the check's trigger; false = the last status known, from before. */
    readonly fresh: boolean;
  }>;
  readonly last_error: { readonly code: string; readonly source: 'StatusNotification' | 'NotifyEvent'; readonly connector: number | null; readonly at: string } | null;
}

export interface ActionResultView {
  readonly action: RemoteAction;
  readonly outcome: ActionOutcome;
  /** What happened, in words the installer understands. */
  readonly detail: string;
  readonly at: string;
  readonly connector?: number;
  readonly session_id?: string;
  /** force_stop: whether the charger itself ended the transaction within the bound (the session is closed on our side either way). */
  readonly charger_stopped?: boolean;
  readonly steps?: readonly ActionStep[];
  readonly check?: CheckResult;
}

/**
 * The idTag (1.6, CiString20) / idToken (2.0.1, type Central, ≤ 36 chars) a remote start uses. The
 * installer tests the charger before any driver or card exists, so the start names the platform as
 * the authoriser (2.0.1 IdTokenEnumType `Central`: "a centrally, in the CSMS, generated id"). Our
 * StartTransaction / TransactionEvent handlers accept it like any tag; issue #15 brings real
 * authorisation, which must keep accepting this tag for starts the platform itself sent.
 */

/**
 * At most 20 s for the charger's answer: the HTTP API that waits for it (operator route, public job
 * page) is cut at 30 s by API Gateway (29 s integration timeout), and the rest of the request needs
 * a few reads and writes. COMMAND_TIMEOUT_MS (the commands' wait) may shorten it, never lengthen it.
 */
export const REMOTE_ACTION_TIMEOUT_MS = 20_000;
export function remoteActionTimeoutMs(): number {
  return Math.min(intEnv('COMMAND_TIMEOUT_MS', REMOTE_ACTION_TIMEOUT_MS), REMOTE_ACTION_TIMEOUT_MS);
}

/**
 * A check or a force stop makes several calls; together they stay inside the same 20 s as one
 * call (every call gets what is left of this budget), so the HTTP request ends within ~22 s with its
 * reads and writes, under API Gateway's 29 s, and no asynchronous follow-up is needed.
 */
function deadlineFromNow(): number {
  return Date.now() + remoteActionTimeoutMs();
}
const left = (deadline: number) => Math.max(deadline - Date.now(), 1);

/** Connector statuses from which a start can begin (1.6 §4.9: Preparing = plugged in, not yet started). */
const STARTABLE = new Set(['Available', 'Preparing']);

/** The physical connectors (1.6 connectorId > 0; 2.0.1 evseId > 0), not the whole charge point. */
function physical(version: OcppVersion | null, c: ConnectorStatusEntry): boolean {
  return version === 'ocpp2.0.1' ? (c.evseId ?? 0) > 0 : c.connectorId > 0;
}

/** The number the operator API calls `connector`: 1.6 connectorId, 2.0.1 evseId. */
function connectorNumberOf(version: OcppVersion, c: Pick<ConnectorStatusEntry, 'evseId' | 'connectorId'>): number {
  return version === 'ocpp2.0.1' ? (c.evseId ?? 0) : c.connectorId;
}

function startableConnector(version: OcppVersion | null, connectors: readonly ConnectorStatusEntry[]): ConnectorStatusEntry | undefined {
  const usable = connectors.filter((c) => physical(version, c) && STARTABLE.has(c.status));
  // Preparing first: a car is plugged in there, which is where the installer wants the test charge.
  return usable.find((c) => c.status === 'Preparing') ?? usable[0];
}

/**
 * What can work now, from the view (one read of the charge point's state, shared with the page):
 * - start: connected, boot Accepted (OCPP 1.6 §4.2 / 2.0.1 B02 forbid remote start while Pending),
 *   a connector Available or Preparing, and no session running;
 * - stop: while a session runs (connected, and not Pending for the same reason);
 * - neither once the charge point is active (open to drivers);
 * - unlock, reboot: whenever the charger is connected.
 * A charge point that shows a validation message (no serial, serial taken) offers nothing.
 */
export function offeredActions(cp: ChargePoint, view: ChargePointView): Record<JobPageAction, boolean> {
  const connected = !!cp.identity && view.integration_state === 'connected' && view.validation_message === null;
  const accepted = connected && view.last_boot?.status === 'Accepted';
  // An active charge point is open to drivers: the job page no longer starts or stops charges on it (public-job.ts).
  const live = view.active;
  return {
    start: accepted && !live && view.session === null && startableConnector(cp.protocol ?? null, view.connectors) !== undefined,
    stop: accepted && !live && view.session !== null,
    unlock: connected,
    reboot: connected,
  };
}

/** The outcome of the last remote action, kept on the charge point (a reload of the page still shows it). */
export function lastRemoteAction(cp: ChargePoint): ActionResultView | null {
  const a = cp.lastAction;
  return a ? { action: a.action, outcome: a.outcome, detail: a.detail, at: a.at } : null;
}

const VERB: Record<RemoteAction, string> = { start: 'Start', stop: 'Stop', force_stop: 'Force stop', unlock: 'Unlock', reboot: 'Reboot', check: 'Check' };

/** The command's outcome in the five words the page shows, with a sentence that says why. */
export function actionOutcomeOf(action: RemoteAction, record: CommandRecord): { outcome: ActionOutcome; detail: string } {
  const verb = VERB[action];
  const answered = typeof record.response?.status === 'string' ? record.response.status : undefined;
  switch (record.status) {
    case 'accepted':
    case 'partially_accepted':
      return { outcome: 'accepted', detail: `${verb}: the charger accepted (${record.action} ${answered ?? 'Accepted'})` };
    case 'rejected':
      return { outcome: 'rejected', detail: `${verb}: the charger refused (${record.action} ${answered ?? 'Rejected'})` };
    case 'timed_out':
      return { outcome: 'timed_out', detail: `${verb}: the charger did not answer ${record.action} in time; it may still act on it` };
    case 'not_connected':
      return { outcome: 'not_connected', detail: `${verb}: the charger is not connected, so nothing was sent` };
    case 'error':
    case 'sent':
      return { outcome: 'error', detail: `${verb}: the charger answered with an error${record.error ? ` (${record.error.code}: ${record.error.description})` : ''}` };
  }
}

/** Which request fields each action takes: anything else is a 400 naming the field, not silently ignored. */
const FIELDS_OF: Record<RemoteAction, ReadonlyArray<keyof RemoteActionRequest>> = {
  reboot: ['hard'],
  start: ['connector', 'userId', 'idToken', 'paymentMethod', 'priceGroupId', 'installerTest'],
  stop: ['connector'],
  force_stop: ['connector', 'reason'],
  unlock: ['connector'],
  check: [],
};
const WIRE_NAME: Record<keyof RemoteActionRequest, string> = {
  action: 'action',
  hard: 'hard',
  connector: 'connector',
  userId: 'user_id',
  idToken: 'id_token',
  paymentMethod: 'payment_method',
  priceGroupId: 'price_group_id',
  reason: 'reason',
  installerTest: 'action',
};

function checkFields(req: RemoteActionRequest): void {
  const allowed = new Set<keyof RemoteActionRequest>(['action', ...FIELDS_OF[req.action]]);
  const extra = (Object.keys(req) as Array<keyof RemoteActionRequest>).filter((k) => req[k] !== undefined && !allowed.has(k));
  if (extra.length) {
    throw new ValidationFailed(
      `${extra.map((k) => WIRE_NAME[k]).join(', ')} does not apply to ${req.action}`,
      extra.map((k) => ({ field: WIRE_NAME[k], message: `does not apply to ${req.action}` })),
    );
  }
  if (req.action === 'force_stop' && !req.reason) {
    throw new ValidationFailed('A force stop drops the payment, so it needs a reason', [{ field: 'reason', message: 'required for force_stop: why the session is closed without payment' }]);
  }
  if (req.action === 'start' && !req.installerTest) {
    const issues = [];
    if (!req.userId && !req.idToken) issues.push({ field: 'user_id', message: 'required for start: the driver who charges (or their id_token)' });
    if (!req.paymentMethod) issues.push({ field: 'payment_method', message: `required for start: one of ${PAYMENT_METHODS.join(', ')}` });
    if (issues.length) throw new ValidationFailed('A remote start needs the driver and the payment method', issues);
  }
}

type Registered = ChargePoint & { identity: string; protocol: OcppVersion };

/** The physical connectors the charger reported, keyed by the API's connector number. */
function reportedConnectors(cp: Registered, statuses: readonly ConnectorStatusEntry[]): Map<number, ConnectorStatusEntry> {
  const byNumber = new Map<number, ConnectorStatusEntry>();
  for (const s of statuses.filter((c) => physical(cp.protocol, c))) {
    // 2.0.1: one status per connector of an EVSE; the EVSE's first connector stands for it.
    const n = connectorNumberOf(cp.protocol, s);
    if (!byNumber.has(n)) byNumber.set(n, s);
  }
  return byNumber;
}

/**
 * The connector an action applies to: the one asked for (it must exist), else the only one, else a
 * 400 naming `connector`. How many there are is connectorCountOf (the one count the views show).
 */
function chosenConnector(cp: Registered, statuses: readonly ConnectorStatusEntry[], asked: number | undefined, action: RemoteAction): number {
  const count = connectorCountOf(cp, statuses);
  const known = new Set([...Array.from({ length: count }, (_, i) => i + 1), ...reportedConnectors(cp, statuses).keys()]);
  if (asked !== undefined) {
    if (!known.has(asked)) throw new ValidationFailed(`Charge point ${cp.identity} has no connector ${asked}`, [{ field: 'connector', message: `must be one of ${[...known].sort((a, b) => a - b).join(', ')}` }]);
    return asked;
  }
  if (count === 1) return [...known][0] ?? 1;
  throw new ValidationFailed(`Charge point ${cp.identity} has ${count} connectors: say which one to ${VERB[action].toLowerCase()}`, [
    { field: 'connector', message: `required: this charge point has ${count} connectors` },
  ]);
}

function connectorOfTransaction(cp: Registered, t: ActiveTransaction): number | undefined {
  return cp.protocol === 'ocpp2.0.1' ? t.evseId : t.connectorId;
}

/**
 * The running session a stop or force stop applies to: on the connector asked for, else the only
 * one running; several running and none named is a 400 naming `connector`; none is a 409.
 */
async function runningTransaction(cp: Registered, asked: number | undefined, action: RemoteAction): Promise<ActiveTransaction> {
  const running = (await activeTransactions(cp.identity)).filter((t) => asked === undefined || connectorOfTransaction(cp, t) === asked);
  if (running.length === 0) {
    throw new Conflict(`No charging session is running on ${cp.identity}${asked === undefined ? '' : ` connector ${asked}`}: ${action} applies only while one runs`, {
      field: asked === undefined ? 'action' : 'connector',
    });
  }
  if (running.length > 1) {
    throw new ValidationFailed(`${running.length} charging sessions run on ${cp.identity}: say on which connector to ${VERB[action].toLowerCase()}`, [
      { field: 'connector', message: `required: sessions run on connectors ${running.map((t) => connectorOfTransaction(cp, t)).join(', ')}` },
    ]);
  }
  return running[0]!;
}

interface Done {
  readonly outcome: ActionOutcome;
  readonly detail: string;
  readonly commandId?: string;
  readonly ocppAction: string;
  readonly extra?: Omit<ActionResultView, 'action' | 'outcome' | 'detail' | 'at'>;
}

async function call(cp: Registered, action: string, payload: JsonObject, by: string, timeoutMs = remoteActionTimeoutMs()): Promise<CommandRecord> {
  return callChargePoint(cp.identity, action, payload, { timeoutMs, requestedBy: by });
}

function done(action: RemoteAction, record: CommandRecord, extra?: Done['extra']): Done {
  return { ...actionOutcomeOf(action, record), commandId: record.commandId, ocppAction: record.action, ...(extra ? { extra } : {}) };
}

/**
 * Why a charger refused a start, from what its connector last reported: "no car is plugged in" is
 * the common case (issue #15). 1.6 §4.9 statuses; 2.0.1 ConnectorStatusEnumType has only Available,
 * Occupied, Reserved, Unavailable, Faulted, with the reason in statusInfo when the station gives one.
 */
export function whyStartRefused(connector: number, last: ConnectorStatusEntry | undefined, statusInfo?: { reasonCode?: unknown; additionalInfo?: unknown }): string {
  const reason = typeof statusInfo?.reasonCode === 'string' ? ` (the charger says ${statusInfo.reasonCode}${typeof statusInfo.additionalInfo === 'string' ? `: ${statusInfo.additionalInfo}` : ''})` : '';
  if (!last) return `connector ${connector} has not reported a status, so the cause is unknown${reason}`;
  const said = `it reports ${last.status}`;
  switch (last.status) {
    case 'Available':
      return `no car is plugged in to connector ${connector} (${said}): plug the car in, then start again${reason}`;
    case 'Preparing':
    case 'Occupied':
      return `a car is plugged in to connector ${connector} (${said}) but the charger would not start${reason}; check the car is ready to charge`;
    case 'Charging':
    case 'SuspendedEV':
    case 'SuspendedEVSE':
      return `connector ${connector} is already charging (${said})${reason}`;
    case 'Finishing':
      return `the last session on connector ${connector} is finishing (${said}): unplug the car and plug it in again${reason}`;
    case 'Reserved':
      return `connector ${connector} is reserved (${said})${reason}`;
    case 'Unavailable':
      return `connector ${connector} is out of service (${said}); make it available first${reason}`;
    case 'Faulted':
      return `connector ${connector} is faulted (${said}${last.errorCode && last.errorCode !== 'NoError' ? `, error ${last.errorCode}` : ''})${reason}`;
    default:
      return `connector ${connector} ${said}${reason}`;
  }
}

/**
 * The id token a driver's start is sent with: the one named (`id_token`), else the driver's first
 * active, unexpired token (db/drivers.ts). 2.0.1 gets the token's own type (an RFID card is
 * ISO14443); a token named directly is `Central`, the CSMS vouching for it. The start intent makes
 * the session accept it either way (domain/sessions.ts), so a blocked card cannot start through
 * here: only the driver's usable tokens are picked.
 */
async function driverToken(cp: Registered, req: RemoteActionRequest): Promise<{ value: string; type: string }> {
  if (req.idToken) return { value: req.idToken, type: 'Central' };
  const driver = await getDriver(cp.operatorId, req.userId!);
  if (!driver) throw new ValidationFailed(`No driver ${req.userId}`, [{ field: 'user_id', message: `is not a driver of this operator: ${req.userId}` }]);
  const now = new Date().toISOString();
  const usable = (await listIdTokensOfDriver(cp.operatorId, req.userId!)).filter((t) => t.status === 'active' && (!t.validUntil || t.validUntil > now));
  const t = usable[0];
  if (!t) throw new ValidationFailed(`Driver ${req.userId} has no active id token to start with`, [{ field: 'user_id', message: 'has no active, unexpired id token' }]);
  return { value: t.value, type: t.tokenType };
}

async function start(cp: Registered, req: RemoteActionRequest, actor: Actor, by: string): Promise<Done> {
  const statuses = await latestConnectorStatuses(cp.identity);
  const v16 = cp.protocol === 'ocpp1.6';
  let connector: number | undefined;
  if (req.installerTest && req.connector === undefined) {
    // The job page's test charge: a free connector, Preparing first; none known lets the charger
    // choose (1.6 RemoteStartTransaction.connectorId and 2.0.1 evseId are optional).
    const free = startableConnector(cp.protocol, statuses);
    connector = free ? connectorNumberOf(cp.protocol, free) : undefined;
  } else {
    connector = chosenConnector(cp, statuses, req.connector, 'start');
  }
  const token = req.installerTest ? { value: INSTALLER_TEST_ID_TAG, type: 'Central' } : await driverToken(cp, req);
  const idToken = token.value;
  if (v16 && idToken.length > 20) throw new ValidationFailed('A 1.6 idTag is at most 20 characters (CiString20Type)', [{ field: 'id_token', message: 'at most 20 characters for an OCPP 1.6 charger' }]);
  // An unknown price group is a 400 naming price_group_id now, not a surprise when the session starts.
  if (req.priceGroupId) await resolvePriceGroup({ operatorId: cp.operatorId, teamId: cp.teamId, chargePointId: cp.chargePointId, overrideId: req.priceGroupId });
  // Before the start is sent: the session it makes (StartTransaction / TransactionEvent may come
  // before our wait for the answer ends) finds who pays and at which price (domain/sessions.ts).
  // Without a known connector (the job page's test, nothing reported) the charger chooses and the
  // session is priced from its token like a card's (free vend while the charge point is inactive).
  if (connector !== undefined) {
    await recordStartIntent(cp, {
      connector,
      ...(req.userId ? { userId: req.userId } : {}),
      idToken,
      paymentMethod: req.installerTest ? 'free' : req.paymentMethod!,
      ...(req.priceGroupId ? { priceGroupId: req.priceGroupId } : {}),
      actor,
    });
  }
  const command = v16
    ? { action: 'RemoteStartTransaction', payload: { idTag: idToken, ...(connector !== undefined ? { connectorId: connector } : {}) } }
    : {
        action: 'RequestStartTransaction',
        payload: {
          // Central: the CSMS vouches for the token it sends (2.0.1 IdTokenEnumType).
          idToken: { idToken, type: token.type },
          // 2.0.1 F01: the station echoes remoteStartId in its TransactionEvent; any integer will do.
          remoteStartId: randomInt(1, 2 ** 31 - 1),
          ...(connector !== undefined ? { evseId: connector } : {}),
        },
      };
  const record = await call(cp, command.action, command.payload, by);
  const result = done('start', record, connector !== undefined ? { connector } : undefined);
  if (record.status !== 'rejected') return result;
  const last = connector === undefined ? undefined : reportedConnectors(cp, statuses).get(connector);
  const statusInfo = record.response?.statusInfo as { reasonCode?: unknown; additionalInfo?: unknown } | undefined;
  return { ...result, detail: `Start: the charger refused (${record.action} Rejected): ${whyStartRefused(connector ?? 1, last, statusInfo)}` };
}

async function stop(cp: Registered, req: RemoteActionRequest, by: string): Promise<Done> {
  const running = await runningTransaction(cp, req.connector, 'stop');
  // 1.6 transactionId is the integer we assigned (§4.8); 2.0.1's is the station's string.
  const record =
    cp.protocol === 'ocpp1.6'
      ? await call(cp, 'RemoteStopTransaction', { transactionId: Number(running.transactionId) }, by)
      : await call(cp, 'RequestStopTransaction', { transactionId: running.transactionId }, by);
  const connector = connectorOfTransaction(cp, running);
  return done('stop', record, { ...(connector !== undefined ? { connector } : {}), session_id: sessionIdOf(cp.identity, running.transactionId) });
}

/**
 * How long a force stop waits for the charger to end the transaction after the stop request (its
 * answer included) before the fallbacks. 10 s: a charger that accepted a stop ends it within a few
 * seconds, and with two fallback calls of at most 5 s each the request ends within ~20 s, inside
 * API Gateway's 29 s, so no asynchronous follow-up is needed. FORCE_STOP_WAIT_MS may shorten it
 * (tests), never lengthen it.
 */
export const FORCE_STOP_WAIT_MS = 10_000;
const FALLBACK_CALL_MS = 5_000;
export function forceStopWaitMs(): number {
  return Math.min(intEnv('FORCE_STOP_WAIT_MS', FORCE_STOP_WAIT_MS), FORCE_STOP_WAIT_MS);
}
const fallbackCallMs = () => Math.min(FALLBACK_CALL_MS, remoteActionTimeoutMs());

/**
 * Has the charger ended this transaction since `since`: its 1.6 StopTransaction or 2.0.1
 * TransactionEvent Ended, read from the newest transaction log entries (AP-11, no new query). Our
 * own session is already closed, so the session item cannot say it.
 */
async function chargerEnded(cp: Registered, transactionId: string, since: string): Promise<boolean> {
  const { entries } = await listLog(cp.identity, { category: 'transaction', limit: 50 });
  return entries.some((e) => {
    if (e.at < since || e.kind !== 'call_in' || !e.frameIn || (e.action !== 'StopTransaction' && e.action !== 'TransactionEvent')) return false;
    try {
      const p = (JSON.parse(e.frameIn) as [number, string, string, Record<string, unknown>])[3];
      if (e.action === 'StopTransaction') return String(p.transactionId) === transactionId;
      return p.eventType === 'Ended' && (p.transactionInfo as { transactionId?: unknown } | undefined)?.transactionId === transactionId;
    } catch {
      return false;
    }
  });
}

/**
 * Force stop (remote actions guide: "ends the session even if the charger does not cooperate, and
 * the payment for that charge is dropped"). The order, decided:
 * 1. Close the session on our side first (forceCloseSession: cost 0, force_stopped, who and why):
 *    the payment is dropped whatever the charger does next, and a StopTransaction arriving later
 *    does not bill it (domain/sessions.ts keeps the dropped payment). An offline charger gets
 *    nothing more: the session is closed at once and the result says not_connected.
 * 2. The stop request (RemoteStopTransaction / RequestStopTransaction), then wait for the charger's
 *    StopTransaction / TransactionEvent Ended, both within FORCE_STOP_WAIT_MS.
 * 3. If the charger did not end it (refused, error, no answer, or no end in time): make the
 *    connector Unavailable (ChangeAvailability Inoperative, 1.6 §5.2 / 2.0.1 G03), so nobody starts
 *    an unbilled charge on a charger we cannot control. Answered Scheduled (a transaction still
 *    runs) or Rejected: Reset Hard (1.6 §5.14) / Immediate (2.0.1 B12, stoppedReason
 *    ImmediateReset), which ends the transaction on the charger. No reset after a ChangeAvailability
 *    that got no answer: the charger is not listening, and a reset would only wait the same way.
 * The connector stays Unavailable until someone makes it Operative (the raw command route).
 */
async function forceStop(cp: Registered, req: RemoteActionRequest, actor: Actor, by: string): Promise<Done> {
  const running = await runningTransaction(cp, req.connector, 'force_stop');
  const sessionId = sessionIdOf(cp.identity, running.transactionId);
  const connector = connectorOfTransaction(cp, running);
  await forceCloseSession(cp, sessionId, { actor, reason: req.reason! });
  const steps: ActionStep[] = [{ step: 'session closed on our side', outcome: 'accepted', detail: `cost 0, force_stopped ${by}: ${req.reason}`, command_id: null }];
  const extra = { ...(connector !== undefined ? { connector } : {}), session_id: sessionId, steps };
  const step = (record: CommandRecord, detail: string) => steps.push({ step: record.action, outcome: record.status, detail, command_id: record.commandId });
  if (!cp.connection) {
    return { outcome: 'not_connected', ocppAction: 'ForceStop', detail: 'Force stop: the charger is not connected; the session is closed on our side without payment, and nothing was sent', extra: { ...extra, charger_stopped: false } };
  }
  const since = new Date().toISOString();
  const bound = Date.now() + forceStopWaitMs();
  const v16 = cp.protocol === 'ocpp1.6';
  const stopRecord = v16
    ? await call(cp, 'RemoteStopTransaction', { transactionId: Number(running.transactionId) }, by, forceStopWaitMs())
    : await call(cp, 'RequestStopTransaction', { transactionId: running.transactionId }, by, forceStopWaitMs());
  const stopOutcome = actionOutcomeOf('force_stop', stopRecord);
  step(stopRecord, stopOutcome.detail);
  let ended = await chargerEnded(cp, running.transactionId, since);
  while (!ended && stopRecord.status === 'accepted' && Date.now() < bound) {
    await sleep(POLL_MS * 2);
    ended = await chargerEnded(cp, running.transactionId, since);
  }
  if (ended) {
    return { outcome: stopOutcome.outcome, ocppAction: stopRecord.action, commandId: stopRecord.commandId, detail: 'Force stop: the charger ended the session; it is closed without payment', extra: { ...extra, charger_stopped: true } };
  }
  const why = stopRecord.status === 'accepted' ? `the charger accepted but had not ended the session after ${Math.round(forceStopWaitMs() / 1000)} s` : stopOutcome.detail.replace(/^Force stop: /, '');
  let fallback = `the session is closed on our side without payment (${why})`;
  if (stopRecord.status !== 'not_connected') {
    const availability = await call(cp, 'ChangeAvailability', v16 ? { connectorId: connector ?? 0, type: 'Inoperative' } : { operationalStatus: 'Inoperative', ...(connector !== undefined ? { evse: { id: connector } } : {}) }, by, fallbackCallMs());
    const answered = typeof availability.response?.status === 'string' ? availability.response.status : availability.status;
    step(availability, `ChangeAvailability Inoperative: ${answered}`);
    fallback += availability.status === 'accepted' && answered === 'Accepted' ? `; connector ${connector ?? 'all'} made Unavailable` : `; ChangeAvailability Inoperative: ${answered}`;
    if (availability.status === 'rejected' || answered === 'Scheduled') {
      const reset = await call(cp, 'Reset', { type: v16 ? 'Hard' : 'Immediate' }, by, fallbackCallMs());
      const resetAnswer = typeof reset.response?.status === 'string' ? reset.response.status : reset.status;
      step(reset, `Reset ${v16 ? 'Hard' : 'Immediate'}: ${resetAnswer}`);
      fallback += `; Reset ${v16 ? 'Hard' : 'Immediate'}: ${resetAnswer}`;
    }
  }
  return { outcome: stopOutcome.outcome, ocppAction: stopRecord.action, commandId: stopRecord.commandId, detail: `Force stop: ${fallback}`, extra: { ...extra, charger_stopped: false } };
}

async function unlock(cp: Registered, req: RemoteActionRequest, by: string): Promise<Done> {
  const connector = chosenConnector(cp, await latestConnectorStatuses(cp.identity), req.connector, 'unlock');
  // 2.0.1: the guide's chargers have one connector per EVSE, so connector 1 of the EVSE.
  const record = await call(cp, 'UnlockConnector', cp.protocol === 'ocpp1.6' ? { connectorId: connector } : { evseId: connector, connectorId: 1 }, by);
  return done('unlock', record, { connector });
}

/**
 * 1.6 Reset Soft stops transactions gracefully, then restarts the software; Hard restarts the
 * hardware (§5.14). 2.0.1 has no Soft/Hard but OnIdle ("schedules a reboot after all transactions
 * are stopped", B12, TC_B_21) and Immediate (stops transactions with stoppedReason ImmediateReset,
 * then reboots, TC_B_22). Soft → OnIdle: the reboot that does not cut a charge short, the gentle
 * one the operator gets by default; hard → Immediate, the one that acts now, as 1.6 Hard does.
 */
async function reboot(cp: Registered, req: RemoteActionRequest, by: string): Promise<Done> {
  const type = cp.protocol === 'ocpp1.6' ? (req.hard ? 'Hard' : 'Soft') : req.hard ? 'Immediate' : 'OnIdle';
  return done('reboot', await call(cp, 'Reset', { type }, by));
}

/** What the check waits for the triggered messages to arrive after the charger accepted (they follow its answer, 1.6 §5.17). */
const CHECK_ARRIVAL_MS = 3_000;
const POLL_MS = 100;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The worst outcome of several calls: what the operator needs to know first. */
const SEVERITY: readonly ActionOutcome[] = ['not_connected', 'timed_out', 'error', 'rejected', 'accepted'];
function worst(outcomes: readonly ActionOutcome[]): ActionOutcome {
  return SEVERITY.find((o) => outcomes.includes(o)) ?? 'accepted';
}

/**
 * The last error code: the newest non-NoError errorCode among the connectors' latest 1.6
 * StatusNotifications, or (2.0.1, whose StatusNotification has no errorCode) the newest NotifyEvent
 * among the last 50 ocpp_state log entries (AP-11, no new query), its techCode or component.variable.
 */
async function lastErrorOf(cp: Registered, statuses: readonly ConnectorStatusEntry[]): Promise<CheckResult['last_error']> {
  if (cp.protocol === 'ocpp1.6') {
    const errors = statuses.filter((s) => s.errorCode && s.errorCode !== 'NoError').sort((a, b) => b.at.localeCompare(a.at));
    const e = errors[0];
    return e ? { code: e.errorCode!, source: 'StatusNotification', connector: e.connectorId || null, at: e.at } : null;
  }
  const page = await listLog(cp.identity, { category: 'ocpp_state', limit: 50 });
  for (const entry of page.entries) {
    if (entry.action !== 'NotifyEvent' || entry.kind !== 'call_in' || !entry.frameIn) continue;
    try {
      const frame = JSON.parse(entry.frameIn) as [number, string, string, { eventData?: Array<Record<string, unknown>> }];
      const events = (frame[3]?.eventData ?? []).filter((e) => e.cleared !== true);
      const e = events.at(-1);
      if (!e) continue;
      const component = e.component as { name?: string; evse?: { id?: number } } | undefined;
      const variable = e.variable as { name?: string } | undefined;
      const code = typeof e.techCode === 'string' ? e.techCode : `${component?.name ?? '?'}.${variable?.name ?? '?'}=${String(e.actualValue)}`;
      return { code, source: 'NotifyEvent', connector: component?.evse?.id ?? null, at: typeof e.timestamp === 'string' ? e.timestamp : entry.at };
    } catch {
      continue; // a clipped frame (over 16 KB) is not evidence
    }
  }
  return null;
}

/**
 * "Run a check" (remote actions guide): TriggerMessage StatusNotification (1.6 without connectorId
 * = the charge point and every connector, §5.17; 2.0.1 one per known EVSE, as TC_F_23 sends it
 * with evse.id and connectorId), then TriggerMessage Heartbeat, wait briefly for what they trigger,
 * and report connectivity, firmware, each connector's status and the last error code as one result.
 * An offline charger gets no calls: the result says so and shows what was last known.
 */
async function check(cp: Registered, by: string): Promise<Done> {
  const deadline = deadlineFromNow();
  const since = new Date().toISOString();
  const before = await latestConnectorStatuses(cp.identity);
  const steps: ActionStep[] = [];
  const outcomes: ActionOutcome[] = [];
  const trigger = async (requestedMessage: 'StatusNotification' | 'Heartbeat', extra: JsonObject = {}): Promise<CommandRecord> => {
    const record = await call(cp, 'TriggerMessage', { requestedMessage, ...extra }, by, left(deadline));
    const o = actionOutcomeOf('check', record);
    steps.push({ step: `TriggerMessage ${requestedMessage}${extra.evse ? ` EVSE ${(extra.evse as { id: number }).id}` : ''}`, outcome: record.status, detail: o.detail, command_id: record.commandId });
    outcomes.push(o.outcome);
    return record;
  };
  let heartbeatAsked = false;
  if (cp.connection) {
    if (cp.protocol === 'ocpp1.6') {
      await trigger('StatusNotification');
    } else {
      const evses = [...reportedConnectors(cp, before).values()];
      const targets = evses.length ? evses.map((s) => ({ id: s.evseId!, connectorId: s.connectorId })) : Array.from({ length: connectorCountOf(cp, before) }, (_, i) => ({ id: i + 1, connectorId: 1 }));
      for (const evse of targets) {
        const r = await trigger('StatusNotification', { evse });
        if (r.status === 'not_connected' || r.status === 'timed_out') break;
      }
    }
    if (!outcomes.includes('not_connected') && !outcomes.includes('timed_out')) {
      heartbeatAsked = (await trigger('Heartbeat')).status === 'accepted';
    }
  }
  // The triggered messages come after the answers: give them a moment, within the budget.
  const waitUntil = Math.min(Date.now() + CHECK_ARRIVAL_MS, deadline);
  let statuses = before;
  let heartbeat: Awaited<ReturnType<typeof firstEntrySince>>;
  const statusAsked = steps.some((s) => s.step.startsWith('TriggerMessage StatusNotification') && s.outcome === 'accepted');
  for (;;) {
    statuses = statusAsked ? await latestConnectorStatuses(cp.identity) : before;
    heartbeat = heartbeatAsked ? await firstEntrySince(cp.identity, since, 'Heartbeat') : undefined;
    const statusesIn = !statusAsked || statuses.some((s) => physical(cp.protocol, s) && s.at >= since);
    if ((statusesIn && (!heartbeatAsked || heartbeat)) || Date.now() >= waitUntil) break;
    await sleep(POLL_MS);
  }
  const result: CheckResult = {
    connectivity: {
      connected: !!cp.connection,
      connected_at: cp.connection?.connectedAt ?? null,
      last_disconnected_at: cp.lastDisconnectedAt ?? null,
      heartbeat: heartbeatAsked ? (heartbeat ? 'answered' : 'not_answered') : 'not_asked',
      heartbeat_at: heartbeat?.at ?? null,
    },
    firmware: { version: cp.firmwareVersion ?? null, source: cp.firmwareVersion ? firmwareSourceText(cp) : null },
    connectors: [...reportedConnectors(cp, statuses).entries()]
      .sort(([a], [b]) => a - b)
      .map(([n, s]) => ({ connector: n, evse_id: s.evseId ?? null, connector_id: s.connectorId, status: s.status, error_code: s.errorCode ?? null, at: s.at, fresh: s.at >= since })),
    last_error: await lastErrorOf(cp, statuses),
  };
  const outcome = cp.connection ? worst(outcomes) : 'not_connected';
  const summary = result.connectors.map((c) => `connector ${c.connector} ${c.status}${c.fresh ? '' : ' (not refreshed)'}`).join(', ') || 'no connector has reported';
  const detail = !cp.connection
    ? `Check: the charger is not connected (last disconnected ${cp.lastDisconnectedAt ?? 'never'}); last known: ${summary}`
    : `Check: ${outcome === 'accepted' ? 'the charger answered' : (steps.find((s) => s.outcome !== 'accepted')?.detail ?? outcome)}; ${summary}; heartbeat ${result.connectivity.heartbeat.replace('_', ' ')}; firmware ${result.firmware.version ?? 'unknown'}; last error ${result.last_error?.code ?? 'none'}`;
  return { outcome, detail, ocppAction: 'TriggerMessage', ...(steps[0]?.command_id ? { commandId: steps[0].command_id } : {}), extra: { steps, check: result } };
}

/**
 * Runs one action and waits for the charger's answer (at most REMOTE_ACTION_TIMEOUT_MS; a check or
 * a force stop share that budget across their calls). The offer is not re-checked here: the page
 * may be a few seconds old and the charger is the authority, so its answer (or not_connected) is
 * the result. Refusals before anything is sent are errors: a field that does not apply (400), a
 * connector missing or unknown (400), a Pending station's start/stop (Conflict from callChargePoint,
 * OCPP 1.6 §4.2), stop without a session, another command in flight, no serial yet (Conflict). The
 * outcome is kept on the charge point and logged with who asked.
 */
export async function runRemoteAction(cp: ChargePoint, req: RemoteActionRequest, actor: Actor): Promise<ActionResultView> {
  checkFields(req);
  const { action } = req;
  if (!cp.identity || !cp.protocol) throw new Conflict(`Charge point ${cp.chargePointId} has no serial yet: there is no charger to send ${action} to`, { field: 'action' });
  const registered = cp as Registered;
  const by = describeActor(actor);
  const result = await perform(registered, req, actor, by);
  const at = new Date().toISOString();
  await recordLastRemoteAction(cp.chargePointId, { action, outcome: result.outcome, detail: result.detail, at, by, ...(result.commandId ? { commandId: result.commandId } : {}) });
  await putLogEntry({
    identity: registered.identity,
    at,
    category: action === 'start' || action === 'stop' || action === 'force_stop' ? 'transaction' : 'ocpp_state',
    kind: 'remote_action',
    action: result.ocppAction,
    detail: {
      remote_action: action,
      outcome: result.outcome,
      detail: result.detail,
      by,
      ...(result.commandId ? { command_id: result.commandId } : {}),
      ...(req.hard !== undefined ? { hard: req.hard } : {}),
      ...(result.extra?.connector !== undefined ? { connector: result.extra.connector } : {}),
      ...(req.reason ? { reason: req.reason } : {}),
      ...(result.extra?.steps ? { steps: result.extra.steps } : {}),
    },
  }).catch((err: unknown) => log.warn('remote action log entry failed', { err }));
  return { action, outcome: result.outcome, detail: result.detail, at, ...result.extra };
}

async function perform(cp: Registered, req: RemoteActionRequest, actor: Actor, by: string): Promise<Done> {
  switch (req.action) {
    case 'start':
      return start(cp, req, actor, by);
    case 'stop':
      return stop(cp, req, by);
    case 'force_stop':
      return forceStop(cp, req, actor, by);
    case 'unlock':
      return unlock(cp, req, by);
    case 'reboot':
      return reboot(cp, req, by);
    case 'check':
      return check(cp, by);
  }
}
