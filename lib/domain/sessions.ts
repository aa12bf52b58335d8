// Charging sessions (issue #15; docs/sessions.md). A session is the charger's transaction (1.6
// StartTransaction … StopTransaction, 2.0.1 TransactionEvent Started … Ended) grown with who charges
// (id token, driver), how it started (remote / card / free vend), who pays (payment method), the
// price group, the energy from the meter readings (session-meter.ts) and, at the end, its cost.
//
// Decisions:
// - The price group is resolved when the session starts and kept on the session (a snapshot): the
//   price shown when charging began is the price billed, even if the group changes meanwhile.
// - Payment method: a remote start's intent says it; otherwise free vend → `free`, a driver of a
//   team → `team`, a driver without one → `user`, an unknown token → none (null): the session is
//   recorded and flagged (the car is charging) and its cost computed, but nobody is named to pay.
// - `free` costs 0 (in the group's currency, or none); a force stop costs 0 (the payment is dropped).
// - A session ends by the charger (StopTransaction / TransactionEvent Ended), by force stop
//   (forceCloseSession), or by the lost-charger timeout (closeLostSessions). A charger's late stop
//   after a timeout still sets the real meter stop and cost; after a force stop it changes nothing.
import { isDeepStrictEqual } from 'node:util';
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../aws/clients';
import { transactWrite, type TransactItem } from '../aws/transact';
import { config } from '../config';
import { getChargePoint, type ChargePoint } from '../db/charge-points';
import { getDriver } from '../db/drivers';
import { ENTITY, keys } from '../db/keys';
import { getTeam } from '../db/projects';
import {
  ACTIVE_SESSION_SHARDS,
  activeSessionItems,
  activeShardOf,
  getSessionItem,
  getStartIntent,
  listActiveSessionPointers,
  listSessionsOfChargePoint,
  listSessionsOfDriver,
  listSessionsOfTeam,
  putStartIntent,
  sessionIdOf,
  sessionKeyOf,
  type SessionPage,
} from '../db/sessions';
import type { DomainEvent } from '../events/catalogue';
import { makeEvent, publish } from '../events/publish';
import { log } from '../log';
import type { JsonObject } from '../ocpp/codec';
import type { OcppVersion } from '../ocpp/versions';
import { describeActor, type Actor } from './actors';
import { authorizeAtChargePoint, idTagInfoFor, type Authorisation, type TokenVerdict } from './authorization';
import { authorizePresentation } from './card-capture';
import { Conflict, NotFound } from './errors';
import { costOf, resolvePriceGroup, type PaymentMethod, type PriceGroup, type SessionCost } from './pricing';
import { applyReadings, emptyMeter, energyEstimated, energyOf, newerDraw, type CurvePoint, type MeasuredDraw, type MeterState, type Reading } from './session-meter';

export { sessionIdOf, sessionKeyOf };
export type { PaymentMethod };

/** How long a remote start's intent waits for its session (contract: 2 minutes). */
export const START_INTENT_TTL_SECONDS = 120;

export type StartSource = 'remote' | 'card' | 'free_vend';
export type SessionStatus = 'active' | 'ended' | 'force_stopped';
export type EndedBy = 'charger' | 'force_stop' | 'timeout';

/** The cost as stored and shown: a session without a price group costs 0 with no currency. */
export type SessionCostRecord = Omit<SessionCost, 'currency'> & { readonly currency: string | null };

export interface StartIntent {
  /** 1.6 connectorId / 2.0.1 evseId the start was sent for. */
  readonly connector: number;
  readonly userId?: string;
  readonly idToken: string;
  readonly paymentMethod: PaymentMethod;
  readonly priceGroupId?: string;
  readonly actor: Actor;
}

export interface StartIntentItem {
  readonly pk: string;
  readonly sk: string;
  readonly type: string;
  readonly identity: string;
  readonly connector: number;
  readonly userId?: string;
  readonly idToken: string;
  readonly paymentMethod: PaymentMethod;
  readonly priceGroupId?: string;
  readonly startedBy: string;
  readonly createdAt: string;
  readonly expiresAt: number;
}

/** The transaction item as a session. Items from before sessions existed lack the newer fields. */
export interface SessionItem {
  readonly pk: string;
  readonly sk: string;
  readonly identity: string;
  readonly chargePointId: string;
  readonly transactionId: string;
  readonly status: SessionStatus;
  readonly sessionId?: string;
  readonly operatorId?: string;
  readonly teamId?: string;
  readonly ocppVersion?: OcppVersion;
  readonly connectorId?: number;
  readonly evse?: { readonly id: number; readonly connectorId?: number };
  readonly idTag?: string;
  readonly idToken?: { readonly idToken: string; readonly type?: string };
  readonly tokenStatus?: TokenVerdict;
  /** The token was not Accepted, yet the charger charges: recorded, and shown flagged. */
  readonly tokenFlagged?: boolean;
  readonly userId?: string;
  readonly startSource?: StartSource;
  readonly paymentMethod?: PaymentMethod | null;
  readonly priceGroupId?: string;
  readonly priceGroup?: PriceGroup;
  /** The charger's location balances power at the start (ChargePoint.powerManaged): its events say so. */
  readonly powerManaged?: boolean;
  /** Another operator bills this session (a billing backoffice connection, domain/backoffice.ts): its id. */
  readonly billingOperatorId?: string;
  /** describeActor() of a remote start's requester. */
  readonly startedBy?: string;
  readonly startedAt?: string;
  readonly stoppedAt?: string;
  readonly stopReason?: string;
  /** 2.0.1 name of stopReason (kept for items written before sessions). */
  readonly stoppedReason?: string;
  readonly endedBy?: EndedBy;
  readonly forceStop?: { readonly by: string; readonly reason: string };
  readonly meterStart?: number;
  readonly meterStop?: number;
  readonly meter?: MeterState;
  /**
   * What the charger drew at its latest meter value with a current or power (power management: the
   * planner takes it off a site meter that sees the chargers). Kept beside `meter`, whose shape the
   * energy curve's readers rely on.
   */
  readonly measured?: MeasuredDraw;
  readonly energyWh?: number | null;
  readonly cost?: SessionCostRecord | null;
  readonly lastSeqNo?: number;
  readonly chargingState?: string;
  /** Optimistic version: every read-modify-write is conditional on it. */
  readonly rev?: number;
}

export interface SessionView {
  readonly session_id: string;
  readonly charge_point_id: string;
  readonly charge_point_identity: string;
  readonly team_id: string | null;
  readonly ocpp_version: OcppVersion | null;
  readonly transaction_id: string;
  readonly connector_id: number | null;
  readonly evse_id: number | null;
  readonly id_token: string | null;
  readonly user_id: string | null;
  readonly token_status: TokenVerdict | null;
  readonly token_flagged: boolean;
  readonly start_source: StartSource | null;
  readonly payment_method: PaymentMethod | null;
  readonly price_group_id: string | null;
  /** The operator that bills the session when it is not the charger's own (issue #17 §3). */
  readonly billing_operator_id: string | null;
  readonly started_by: string | null;
  readonly status: SessionStatus;
  readonly started_at: string | null;
  readonly stopped_at: string | null;
  readonly stop_reason: string | null;
  readonly ended_by: EndedBy | null;
  readonly force_stop: { readonly by: string; readonly reason: string } | null;
  readonly meter_start_wh: number | null;
  readonly meter_stop_wh: number | null;
  readonly energy_wh: number | null;
  readonly energy_estimated: boolean;
  readonly meter_resets: number;
  readonly cost: {
    readonly currency: string | null;
    readonly energy_minor: number;
    readonly time_minor: number;
    readonly start_fee_minor: number;
    readonly net_minor: number;
    readonly vat_minor: number;
    readonly total_minor: number;
  } | null;
}

export interface SessionDetailView extends SessionView {
  readonly meter_curve: ReadonlyArray<{ readonly at: string; readonly meter_wh: number; readonly energy_wh: number }>;
}

// ---- views -------------------------------------------------------------------------------------

function meterOf(s: SessionItem): MeterState {
  return s.meter ?? emptyMeter();
}

export function sessionView(s: SessionItem): SessionView {
  const m = meterOf(s);
  const energy = s.energyWh !== undefined ? s.energyWh : energyOf(m);
  return {
    session_id: s.sessionId ?? sessionIdOf(s.identity, s.transactionId),
    charge_point_id: s.chargePointId,
    charge_point_identity: s.identity,
    team_id: s.teamId ?? null,
    ocpp_version: s.ocppVersion ?? null,
    transaction_id: s.transactionId,
    connector_id: s.connectorId ?? s.evse?.connectorId ?? null,
    evse_id: s.evse?.id ?? null,
    id_token: s.idTag ?? s.idToken?.idToken ?? null,
    user_id: s.userId ?? null,
    token_status: s.tokenStatus ?? null,
    token_flagged: s.tokenFlagged ?? false,
    start_source: s.startSource ?? null,
    payment_method: s.paymentMethod ?? null,
    price_group_id: s.priceGroupId ?? null,
    billing_operator_id: s.billingOperatorId ?? null,
    started_by: s.startedBy ?? null,
    status: s.status,
    started_at: s.startedAt ?? null,
    stopped_at: s.stoppedAt ?? null,
    stop_reason: s.stopReason ?? s.stoppedReason ?? null,
    ended_by: s.endedBy ?? (s.status === 'ended' ? 'charger' : null),
    force_stop: s.forceStop ?? null,
    meter_start_wh: s.meterStart ?? null,
    meter_stop_wh: s.meterStop ?? null,
    energy_wh: energy,
    energy_estimated: energy === null ? false : energyEstimated(m),
    meter_resets: m.meterResets,
    cost: s.cost
      ? {
          currency: s.cost.currency,
          energy_minor: s.cost.energyMinor,
          time_minor: s.cost.timeMinor,
          start_fee_minor: s.cost.startFeeMinor,
          net_minor: s.cost.netMinor,
          vat_minor: s.cost.vatMinor,
          total_minor: s.cost.totalMinor,
        }
      : null,
  };
}

export function sessionDetailView(s: SessionItem): SessionDetailView {
  return { ...sessionView(s), meter_curve: meterOf(s).curve.map((p: CurvePoint) => ({ at: p.at, meter_wh: p.meterWh, energy_wh: p.energyWh })) };
}

// ---- the shared functions of the contract -------------------------------------------------------

/** Remembered for the next session that starts on that connector within 2 min (remote start). */
export async function recordStartIntent(cp: ChargePoint, intent: StartIntent): Promise<void> {
  if (!cp.identity) throw new Conflict(`Charge point ${cp.chargePointId} has no serial yet`, { field: 'connector' });
  const now = Date.now();
  await putStartIntent({
    identity: cp.identity,
    connector: intent.connector,
    ...(intent.userId ? { userId: intent.userId } : {}),
    idToken: intent.idToken,
    paymentMethod: intent.paymentMethod,
    ...(intent.priceGroupId ? { priceGroupId: intent.priceGroupId } : {}),
    startedBy: describeActor(intent.actor),
    createdAt: new Date(now).toISOString(),
    expiresAt: Math.floor(now / 1000) + START_INTENT_TTL_SECONDS,
  });
}

/** The session running on the charge point (the newest if several connectors charge), else null. */
export async function runningSession(cp: ChargePoint): Promise<SessionView | null> {
  if (!cp.identity) return null;
  const items = await activeSessionItems(cp.identity);
  items.sort((a, b) => ((a.startedAt ?? '') < (b.startedAt ?? '') ? 1 : -1));
  return items[0] ? sessionView(items[0]) : null;
}

const zeroCost = (currency: string | null): SessionCostRecord => ({ currency, energyMinor: 0, timeMinor: 0, startFeeMinor: 0, netMinor: 0, vatMinor: 0, totalMinor: 0 });

/** Closes the session on our side: cost 0, status force_stopped, who and why. */
export async function forceCloseSession(cp: ChargePoint, sessionId: string, a: { actor: Actor; reason: string }): Promise<SessionView> {
  const key = sessionKeyOf(sessionId);
  if (!key || key.identity !== cp.identity) throw new NotFound(`Session ${sessionId} not found on charge point ${cp.chargePointId}`);
  const s = await getSessionItem(key.identity, key.transactionId);
  if (!s || s.chargePointId !== cp.chargePointId) throw new NotFound(`Session ${sessionId} not found on charge point ${cp.chargePointId}`);
  if (s.status !== 'active') throw new Conflict(`Session ${sessionId} has already ended (${s.status})`, { field: 'session_id' });
  const at = new Date().toISOString();
  const m = meterOf(s);
  const next: SessionItem = {
    ...s,
    status: 'force_stopped',
    stoppedAt: at,
    stopReason: 'ForceStop',
    endedBy: 'force_stop',
    forceStop: { by: describeActor(a.actor), reason: a.reason },
    energyWh: energyOf(m),
    cost: zeroCost(s.priceGroup?.currency ?? null),
  };
  const outcome = await transactWrite([putSession(next, s), ...endPointers(s)]);
  if (outcome.cancelled) throw new Conflict(`Session ${sessionId} changed while it was being closed; try again`, { field: 'session_id' });
  await publishEnded(next);
  return sessionView(next);
}

// ---- queries (operator API) ---------------------------------------------------------------------

export interface SessionListQuery {
  readonly limit?: number;
  readonly cursor?: string;
  readonly from?: string;
  readonly to?: string;
}

function pageQuery(q: SessionListQuery) {
  return {
    limit: q.limit ?? 50,
    ...(q.cursor ? { cursor: q.cursor } : {}),
    // Normalised to the stored form (ISO 8601 UTC with milliseconds) so a range is a key range.
    ...(q.from ? { from: new Date(q.from).toISOString() } : {}),
    ...(q.to ? { to: new Date(q.to).toISOString() } : {}),
  };
}

function pageView(page: SessionPage, operatorId: string): { sessions: SessionView[]; next_cursor: string | null } {
  return { sessions: page.items.filter((s) => s.operatorId === operatorId).map(sessionView), next_cursor: page.nextCursor ?? null };
}

export async function listChargePointSessions(operatorId: string, chargePointId: string, q: SessionListQuery) {
  const cp = await getChargePoint(chargePointId);
  if (!cp || cp.operatorId !== operatorId) throw new NotFound(`Charge point ${chargePointId} not found`);
  return pageView(await listSessionsOfChargePoint(chargePointId, pageQuery(q)), operatorId);
}

/**
 * The sessions another operator billed on a charger (a billing backoffice connection,
 * domain/backoffice.ts): only those it priced, i.e. started while it was connected; never the rest.
 */
export async function listSessionsBilledBy(billingOperatorId: string, chargePointId: string, q: SessionListQuery) {
  const page = await listSessionsOfChargePoint(chargePointId, pageQuery(q));
  return { sessions: page.items.filter((s) => s.billingOperatorId === billingOperatorId).map(sessionView), next_cursor: page.nextCursor ?? null };
}

export async function listTeamSessions(operatorId: string, teamId: string, q: SessionListQuery) {
  if (!(await getTeam(operatorId, teamId))) throw new NotFound(`Team ${teamId} not found`);
  return pageView(await listSessionsOfTeam(teamId, pageQuery(q)), operatorId);
}

export async function listDriverSessions(operatorId: string, userId: string, q: SessionListQuery) {
  if (!(await getDriver(operatorId, userId))) throw new NotFound(`Driver ${userId} not found`);
  return pageView(await listSessionsOfDriver(operatorId, userId, pageQuery(q)), operatorId);
}

export async function getSession(operatorId: string, sessionId: string): Promise<SessionDetailView> {
  const key = sessionKeyOf(sessionId);
  const s = key ? await getSessionItem(key.identity, key.transactionId) : undefined;
  if (!s || s.operatorId !== operatorId) throw new NotFound(`Session ${sessionId} not found`);
  return sessionDetailView(s);
}

// ---- writes -------------------------------------------------------------------------------------

/** The session item as a Put, conditional on the version read (or on absence for a new one). */
export function putSession(next: SessionItem, prev: SessionItem | undefined): TransactItem {
  const rev = (prev?.rev ?? 0) + 1;
  return {
    Put: {
      TableName: config().tableName,
      Item: { ...next, rev, type: ENTITY.transaction },
      ...(prev
        ? prev.rev === undefined
          ? { ConditionExpression: 'attribute_not_exists(rev)' }
          : { ConditionExpression: 'rev = :rev', ExpressionAttributeValues: { ':rev': prev.rev } }
        : { ConditionExpression: 'attribute_not_exists(pk)' }),
    },
  };
}

/**
 * A running session's pointers: the sweep's (AP-52, sharded over the whole table) and its charge
 * point's (AP-28, beside its transaction items), both put in its start transaction.
 */
function startPointers(s: SessionItem): TransactItem[] {
  const sessionId = s.sessionId!;
  return [
    {
      Put: {
        TableName: config().tableName,
        Item: { ...keys.activeSession(activeShardOf(sessionId), sessionId), type: ENTITY.activeSession, sessionId, identity: s.identity, transactionId: s.transactionId, chargePointId: s.chargePointId },
      },
    },
    { Put: { TableName: config().tableName, Item: { ...keys.runningTransaction(s.identity, s.transactionId), type: ENTITY.runningTransaction, transactionId: s.transactionId } } },
  ];
}

/**
 * The session's list entry (AP-48, AP-49): the charge point's and the team's index keys, on an item
 * of its own that never changes, so the session item is in no index (keys.ts `sessionListEntry`).
 */
function listEntry(s: SessionItem): TransactItem {
  const sessionId = s.sessionId ?? sessionIdOf(s.identity, s.transactionId);
  const startedAt = s.startedAt ?? '';
  return {
    Put: {
      TableName: config().tableName,
      Item: {
        ...keys.sessionListEntry(s.identity, s.transactionId),
        ...keys.sessionByChargePoint(s.chargePointId, startedAt, sessionId),
        ...(s.teamId ? keys.sessionByTeam(s.teamId, startedAt, sessionId) : {}),
        type: ENTITY.sessionListEntry,
        sessionId,
        sessionPk: s.pk,
        sessionSk: s.sk,
      },
    },
  };
}

/** A driver's pointer to the session (AP-43); none without a driver. */
function driverPointer(s: SessionItem): TransactItem[] {
  if (!s.userId || !s.operatorId || !s.startedAt || !s.sessionId) return [];
  return [
    {
      Put: {
        TableName: config().tableName,
        Item: { ...keys.driverSession(s.operatorId, s.userId, s.startedAt, s.sessionId), type: ENTITY.driverSession, sessionId: s.sessionId, sessionPk: s.pk, sessionSk: s.sk },
      },
    },
  ];
}

function endPointers(s: SessionItem): TransactItem[] {
  const sessionId = s.sessionId ?? sessionIdOf(s.identity, s.transactionId);
  return [
    { Delete: { TableName: config().tableName, Key: keys.activeSession(activeShardOf(sessionId), sessionId) } },
    { Delete: { TableName: config().tableName, Key: keys.runningTransaction(s.identity, s.transactionId) } },
  ];
}

function minutesBetween(from: string | undefined, to: string): number {
  if (!from) return 0;
  return Math.max(0, (Date.parse(to) - Date.parse(from)) / 60_000);
}

/** The cost at the end: free → 0; no price group → 0 with no currency; else costOf. */
export function finalCost(s: SessionItem, energyWh: number | null, stoppedAt: string): SessionCostRecord {
  if (!s.priceGroup) return zeroCost(null);
  if (s.paymentMethod === 'free') return zeroCost(s.priceGroup.currency);
  return costOf(s.priceGroup, energyWh ?? 0, minutesBetween(s.startedAt, stoppedAt));
}

/** The session as it ends, its energy from the readings and its cost. */
function ended(s: SessionItem, e: { at: string; reason: string; by: EndedBy; meter: MeterState; meterStop?: number }): SessionItem {
  const energy = energyOf(e.meter);
  return {
    ...s,
    status: 'ended',
    stoppedAt: e.at,
    stopReason: e.reason,
    endedBy: e.by,
    meter: e.meter,
    ...(e.meterStop !== undefined ? { meterStop: e.meterStop } : {}),
    energyWh: energy,
    cost: finalCost(s, energy, e.at),
  };
}

// ---- events -------------------------------------------------------------------------------------

function eventData(s: SessionItem) {
  const v = sessionView(s);
  return {
    session_id: v.session_id,
    charge_point_id: v.charge_point_id,
    charge_point_identity: v.charge_point_identity,
    ...(v.team_id ? { team_id: v.team_id } : {}),
    transaction_id: v.transaction_id,
    ...(v.connector_id !== null ? { connector_id: v.connector_id } : {}),
    ...(v.evse_id !== null ? { evse_id: v.evse_id } : {}),
    ...(v.user_id ? { user_id: v.user_id } : {}),
    token_flagged: v.token_flagged,
    ...(v.start_source ? { start_source: v.start_source } : {}),
    payment_method: v.payment_method,
    price_group_id: v.price_group_id,
    started_at: v.started_at ?? '',
    ...(s.powerManaged ? { power_managed: true } : {}),
  };
}

function startedEvent(s: SessionItem): DomainEvent<'session.started'> {
  return makeEvent('session.started', s.operatorId ?? '', eventData(s));
}

async function publishEnded(s: SessionItem): Promise<void> {
  const v = sessionView(s);
  await publish([
    makeEvent('session.ended', s.operatorId ?? '', {
      ...eventData(s),
      status: s.status === 'force_stopped' ? 'force_stopped' : 'ended',
      ended_by: v.ended_by ?? 'charger',
      stopped_at: v.stopped_at ?? '',
      stop_reason: v.stop_reason ?? '',
      energy_wh: v.energy_wh,
      energy_estimated: v.energy_estimated,
      cost: v.cost,
    }),
  ]);
}

// ---- the charger's messages (ocpp/actions/transactions.ts adapts them) --------------------------

export interface ChargerRef {
  readonly version: OcppVersion;
  readonly identity: string;
  readonly chargePointId: string;
  readonly operatorId: string;
  readonly receivedAt: string;
}

export interface SessionStep {
  /** The writes that record it, to go into the message's transaction (with the log and replay guard). */
  readonly writes: TransactItem[];
  /** To run once the writes took (webhooks). */
  readonly effects: Array<() => Promise<void>>;
  /** The token's verdict, when the message carried one (the answer's idTagInfo / idTokenInfo). */
  readonly idTagInfo?: JsonObject;
  /**
   * The writes set what the message says on the session alone, under the session's own condition
   * (`rev`, or running): applied again they change nothing, so they need no transaction and no replay
   * guard (ActionResult.writesAlone). A meter reading or a 2.0.1 Updated event.
   */
  readonly alone?: boolean;
}

interface StartFacts {
  readonly transactionId: string;
  readonly connectorId?: number;
  readonly evse?: { id: number; connectorId?: number };
  readonly idToken?: { idToken: string; type?: string };
  readonly startedAt: string;
  readonly meterStartWh?: number;
}

/**
 * What a new session is: reads the charge point (team, free vend) and the connector's start intent
 * in parallel, then the token's verdict (cached by authorization.ts) and the price group. An intent
 * matches when it is for this connector, unexpired, and (when the charger names a token) for the
 * same token; the platform sent that start, so its token is accepted.
 */
async function newSession(c: ChargerRef, f: StartFacts): Promise<{ item: SessionItem; authorisation: Authorisation | null; intentKey?: { pk: string; sk: string } }> {
  const connector = c.version === 'ocpp1.6' ? f.connectorId : f.evse?.id;
  const [cp, intent] = await Promise.all([
    getChargePoint(c.chargePointId),
    connector !== undefined ? getStartIntent(c.identity, connector, Math.floor(Date.now() / 1000)) : Promise.resolve(undefined),
  ]);
  const matched = intent && (!f.idToken || f.idToken.idToken.toUpperCase() === intent.idToken.toUpperCase()) ? intent : undefined;
  const teamId = cp?.teamId;
  const authorisation: Authorisation | null = matched
    ? { verdict: 'Accepted', freeVend: false, ...(matched.userId ? { driver: { userId: matched.userId } } : {}) }
    : f.idToken && cp
      ? // Through the charger's card-learning window: a token captured while learning and unknown is
        // refused, so the session is recorded unpaid (payment method none) and flagged (card-learning.ts).
        await authorizePresentation(c.chargePointId, { ...f.idToken, source: c.version === 'ocpp1.6' ? 'StartTransaction' : 'TransactionEvent', ...(f.connectorId !== undefined ? { connectorId: f.connectorId } : {}), ...(f.evse ? { evseId: f.evse.id } : {}) }, cp)
      : null;
  let priceGroup: PriceGroup | null = null;
  // A billing backoffice connection prices every new session, a remote start's override included
  // (domain/backoffice.ts): resolvePriceGroup reads it from the charge point.
  const overrideId = cp?.billing ? undefined : matched?.priceGroupId;
  if (cp && teamId) {
    const base = { operatorId: c.operatorId, teamId, chargePointId: c.chargePointId };
    priceGroup = await resolvePriceGroup({ ...base, ...(overrideId ? { overrideId } : {}) }).catch(async (err: unknown) => {
      // An override deleted since the start was asked for: the defaults apply.
      log.warn('price group of a start could not be resolved; using the defaults', { identity: c.identity, err });
      return overrideId ? resolvePriceGroup(base).catch(() => null) : null;
    });
  }
  const driver = authorisation?.driver;
  const paymentMethod: PaymentMethod | null = matched
    ? matched.paymentMethod
    : authorisation?.freeVend
      ? 'free'
      : driver && authorisation?.verdict === 'Accepted'
        ? driver.teamId
          ? 'team'
          : 'user'
        : null;
  const sessionId = sessionIdOf(c.identity, f.transactionId);
  const meter = f.meterStartWh !== undefined ? applyReadings(emptyMeter(), [{ at: f.startedAt, wh: f.meterStartWh }]) : { ...emptyMeter(), startUnknown: true };
  const item: SessionItem = {
    ...(cp?.powerManaged ? { powerManaged: true } : {}),
    ...keys.transaction(c.identity, f.transactionId),
    identity: c.identity,
    chargePointId: c.chargePointId,
    operatorId: c.operatorId,
    ...(teamId ? { teamId } : {}),
    ocppVersion: c.version,
    transactionId: f.transactionId,
    sessionId,
    status: 'active',
    ...(f.connectorId !== undefined ? { connectorId: f.connectorId } : {}),
    ...(f.evse ? { evse: f.evse } : {}),
    ...(f.idToken ? (c.version === 'ocpp1.6' ? { idTag: f.idToken.idToken } : { idToken: f.idToken }) : {}),
    ...(authorisation ? { tokenStatus: authorisation.verdict, tokenFlagged: authorisation.verdict !== 'Accepted' } : {}),
    ...(driver ? { userId: driver.userId } : matched?.userId ? { userId: matched.userId } : {}),
    startSource: matched ? 'remote' : authorisation?.freeVend ? 'free_vend' : 'card',
    paymentMethod,
    ...(priceGroup ? { priceGroupId: priceGroup.priceGroupId, priceGroup } : {}),
    ...(cp?.billing ? { billingOperatorId: cp.billing.operatorId } : {}),
    ...(matched ? { startedBy: matched.startedBy } : {}),
    startedAt: f.startedAt,
    ...(f.meterStartWh !== undefined ? { meterStart: f.meterStartWh } : {}),
    meter,
  };
  return { item, authorisation, ...(matched ? { intentKey: keys.startIntent(c.identity, connector!) } : {}) };
}

/** 1.6 StartTransaction (§4.8): a new session; an unknown token is recorded and flagged, not refused. */
/**
 * A 1.6 StartTransaction the charger sent before (its answer was lost) under a new message id: the
 * replay guard knows ids only, so the running session of that connector with the same token, start
 * time and meter start is the same transaction. Its id is answered again instead of a second
 * session that the charger would never stop (it stops the one whose id it received). Read only when
 * the connector has a running session, which a charger that stopped properly does not.
 */
export async function repeatedStart16(c: ChargerRef, p: { connectorId: number; idTag: string; meterStart: number; timestamp: string }): Promise<{ transactionId: number; idTagInfo: JsonObject } | undefined> {
  const startedAt = Date.parse(p.timestamp);
  const same = (await activeSessionItems(c.identity)).find(
    (s) =>
      s.connectorId === p.connectorId &&
      s.meterStart === p.meterStart &&
      s.idTag !== undefined &&
      s.idTag.toUpperCase() === p.idTag.toUpperCase() &&
      s.startedAt !== undefined &&
      Date.parse(s.startedAt) === startedAt &&
      /^\d+$/.test(s.transactionId),
  );
  if (!same) return undefined;
  return { transactionId: Number(same.transactionId), idTagInfo: idTagInfoFor(c.version, { verdict: same.tokenStatus ?? 'Accepted', freeVend: false }) };
}

export async function startSession16(c: ChargerRef, p: { transactionId: number; connectorId: number; idTag: string; meterStart: number; timestamp: string }): Promise<SessionStep> {
  const { item, authorisation, intentKey } = await newSession(c, {
    transactionId: String(p.transactionId),
    connectorId: p.connectorId,
    idToken: { idToken: p.idTag },
    startedAt: p.timestamp,
    meterStartWh: p.meterStart,
  });
  return {
    writes: [putSession(item, undefined), listEntry(item), ...startPointers(item), ...driverPointer(item), ...(intentKey ? [{ Delete: { TableName: config().tableName, Key: intentKey } }] : [])],
    effects: [() => publish([startedEvent(item)])],
    idTagInfo: idTagInfoFor(c.version, authorisation ?? { verdict: 'Accepted', freeVend: false }),
  };
}

/**
 * 1.6 MeterValues with a transactionId: the energy register readings join the session's meter, and
 * the charger's current draw (current or power) is kept on the session for the power planner.
 *
 * With energy readings the session is read and put back conditional on its `rev`: the draw rides in
 * that put. Without them the session's `measured` alone is updated without reading the session:
 * conditional on the session running, and leaving `rev` alone so it never fails a concurrent
 * read-modify-write (which may put back an older draw: a draw lost or older counts less in the
 * planner, which is safe). Either write is sent alone, then the log entry (`alone`): a retried
 * message's readings are already applied (applyReadings skips them), so no transaction or replay
 * guard is needed, and a transaction would bill the session's write units twice (issue #13).
 */
export async function meterValuesSession16(c: ChargerRef, transactionId: string, readings: readonly Reading[], draw?: MeasuredDraw): Promise<SessionStep> {
  if (readings.length === 0) return { writes: draw ? [updateDraw(c.identity, transactionId, draw)] : [], effects: [], alone: true };
  const s = await getSessionItem(c.identity, transactionId);
  if (!s || s.status !== 'active') return { writes: [], effects: [] };
  const measured = newerDraw(s.measured, draw);
  const meter = applyReadings(meterOf(s), readings);
  // A retried message (its answer was lost) brings nothing new: nothing to write.
  if (isDeepStrictEqual(meter, meterOf(s)) && isDeepStrictEqual(measured, s.measured)) return { writes: [], effects: [] };
  return { writes: [putSession({ ...s, meter, ...(measured ? { measured } : {}) }, s)], effects: [], alone: true };
}

/** The session's latest draw, set without reading it (see meterValuesSession16). */
function updateDraw(identity: string, transactionId: string, draw: MeasuredDraw): TransactItem {
  return {
    Update: {
      TableName: config().tableName,
      Key: keys.transaction(identity, transactionId),
      UpdateExpression: 'SET #m = :m',
      ConditionExpression: 'attribute_exists(pk) AND #s = :active',
      ExpressionAttributeNames: { '#m': 'measured', '#s': 'status' },
      ExpressionAttributeValues: { ':m': draw, ':active': 'active' },
    },
  };
}

/**
 * 1.6 StopTransaction (§4.10): the stop reading (and any transactionData) closes the meter; the
 * cost follows. A stop for a session we never saw is answered and only logged. A stop after the
 * lost-charger timeout corrects that session (real stop reading and time); after a force stop, the
 * dropped payment stands.
 */
export async function stopSession16(
  c: ChargerRef,
  p: { transactionId: number; meterStop: number; timestamp: string; reason?: string; idTag?: string },
  readings: readonly Reading[],
): Promise<SessionStep> {
  const s = await getSessionItem(c.identity, String(p.transactionId));
  const idTagInfo = p.idTag ? await tokenInfo(c, p.idTag) : undefined;
  const reopenable = s && (s.status === 'active' || s.endedBy === 'timeout');
  if (!s || !reopenable) return { writes: [], effects: [], ...(idTagInfo ? { idTagInfo } : {}) };
  const meter = applyReadings(meterOf(s), [...readings, { at: p.timestamp, wh: p.meterStop }]);
  const next = ended(s, { at: p.timestamp, reason: p.reason ?? 'Local', by: 'charger', meter, meterStop: p.meterStop });
  return {
    writes: [putSession(next, s), ...(s.status === 'active' ? endPointers(s) : [])],
    // A correction after a timeout was announced as ended already: no second session.ended.
    effects: s.status === 'active' ? [() => publishEnded(next)] : [],
    ...(idTagInfo ? { idTagInfo } : {}),
  };
}

/** The verdict on a token named by a stop or a later event: the cached charge point and token (no read when warm). */
async function tokenInfo(c: ChargerRef, idToken: string): Promise<JsonObject> {
  return idTagInfoFor(c.version, await authorizeAtChargePoint(c.chargePointId, idToken));
}

export interface TransactionEvent201 {
  readonly eventType: 'Started' | 'Updated' | 'Ended';
  readonly timestamp: string;
  readonly triggerReason: string;
  readonly seqNo: number;
  readonly transactionInfo: { transactionId: string; chargingState?: string; stoppedReason?: string };
  readonly idToken?: { idToken: string; type: string };
  readonly evse?: { id: number; connectorId?: number };
  readonly meterValue?: ReadonlyArray<{ timestamp: string; sampledValue: ReadonlyArray<{ value: number; measurand?: string; phase?: string; unitOfMeasure?: { unit?: string; multiplier?: number } }> }>;
}

/**
 * 2.0.1 TransactionEvent (E01–E07). Later seqNo wins: an event older than the last one applied does
 * not change the session (DESIGN.md §2.7); it is still answered and logged. The first event seen
 * makes the session (Started may be lost); the token of a later event (E03: authorised after the
 * cable was plugged in) names the driver if none is known yet. Reads: the session (strongly
 * consistent), and for a new session what newSession reads.
 */
export async function transactionEventSession201(c: ChargerRef, e: TransactionEvent201, readings: readonly Reading[], draw?: MeasuredDraw): Promise<SessionStep> {
  const info = e.transactionInfo;
  const prev = await getSessionItem(c.identity, info.transactionId);
  if (prev && prev.lastSeqNo !== undefined && prev.lastSeqNo >= e.seqNo) {
    // Seen already (a retry, or a straggler): nothing to write. Without a token the answer is empty
    // whatever happens, so no replay guard is needed either; with one, the guard answers a retry as
    // the first time.
    return { writes: [], effects: [], ...(e.idToken ? { idTagInfo: await tokenInfo(c, e.idToken.idToken) } : { alone: true }) };
  }
  let s: SessionItem;
  let authorisation: Authorisation | null = null;
  let startEffects: Array<() => Promise<void>> = [];
  /** Writes that belong to the session's start (intent consumed, driver pointer), kept also when it ends at once. */
  let startWrites: TransactItem[] = [];
  let startsRunning = false;
  const isNew = !prev || prev.sessionId === undefined;
  if (isNew) {
    const made = await newSession(c, {
      transactionId: info.transactionId,
      ...(e.evse ? { evse: e.evse } : {}),
      ...(e.idToken ? { idToken: e.idToken } : {}),
      startedAt: prev?.startedAt ?? e.timestamp,
    });
    s = { ...made.item, ...(prev ? { rev: prev.rev } : {}) };
    authorisation = made.authorisation;
    if (made.intentKey) startWrites.push({ Delete: { TableName: config().tableName, Key: made.intentKey } });
    startWrites.push(listEntry(s), ...driverPointer(s));
    startsRunning = true;
    const started = s;
    startEffects = [() => publish([startedEvent(started)])];
  } else {
    s = prev;
    if (e.idToken) {
      // Started / Updated present a token (a learning window captures it); a stop by card (Ended) does not.
      authorisation =
        e.eventType === 'Ended'
          ? await authorizeAtChargePoint(c.chargePointId, e.idToken.idToken)
          : await authorizePresentation(c.chargePointId, { ...e.idToken, source: 'TransactionEvent', ...(e.evse ? { evseId: e.evse.id } : {}) });
      if (!s.userId && !s.idToken) {
        const driver = authorisation.driver;
        s = {
          ...s,
          idToken: e.idToken,
          tokenStatus: authorisation.verdict,
          tokenFlagged: authorisation.verdict !== 'Accepted',
          ...(driver ? { userId: driver.userId } : {}),
          ...(s.paymentMethod == null && driver && authorisation.verdict === 'Accepted' ? { paymentMethod: driver.teamId ? 'team' : 'user' } : {}),
        };
        startWrites = driverPointer(s);
      }
    }
  }
  s = {
    ...s,
    lastSeqNo: e.seqNo,
    ...(info.chargingState ? { chargingState: info.chargingState } : {}),
    ...(e.evse && !s.evse ? { evse: e.evse } : {}),
    meter: applyReadings(meterOf(s), readings),
  };
  const measured = newerDraw(s.measured, draw);
  if (measured) s = { ...s, measured };
  const idTagInfo = e.idToken ? idTagInfoFor(c.version, authorisation ?? { verdict: 'Accepted', freeVend: false }) : undefined;
  if (e.eventType === 'Ended' && s.status === 'active') {
    const done = ended(s, { at: e.timestamp, reason: info.stoppedReason ?? 'Local', by: 'charger', meter: meterOf(s) });
    const last = meterOf(done).lastMeterWh;
    const final: SessionItem = { ...done, stoppedReason: done.stopReason!, ...(last !== undefined ? { meterStop: Math.round(last) } : {}) };
    return {
      // A session first seen at its end never had a sweep pointer: nothing to delete.
      writes: [putSession(final, prev), ...startWrites, ...(startsRunning ? [] : endPointers(final))],
      effects: [...startEffects, () => publishEnded(final)],
      ...(idTagInfo ? { idTagInfo } : {}),
    };
  }
  if (isNew && s.meter && s.meter.readings > 0) s = { ...s, meterStart: Math.round(s.meter.segmentStartWh ?? 0), meter: { ...s.meter, startUnknown: e.eventType !== 'Started' } };
  return {
    writes: [putSession(s, prev), ...startWrites, ...(startsRunning && s.status === 'active' ? startPointers(s) : [])],
    effects: startEffects,
    ...(idTagInfo ? { idTagInfo } : {}),
    // An Updated event of a known session: its seqNo (checked above) and `rev` make a retry a no-op.
    ...(!startsRunning && startWrites.length === 0 ? { alone: true } : {}),
  };
}

// ---- lost chargers --------------------------------------------------------------------------------

/**
 * A charger disconnected longer than this has its running sessions ended by timeout (the sweep runs
 * every 15 minutes: events/rules.ts). 2 hours: API Gateway cuts every connection after 2 h and the
 * charger reconnects within seconds, and chargers keep charging offline and report the stop when
 * back (1.6 §4.10 / 2.0.1 E04 queue transaction messages), so a shorter bound would end sessions
 * that are fine. LOST_CHARGER_TIMEOUT_MINUTES overrides it.
 */
export const LOST_CHARGER_TIMEOUT_MINUTES = 120;

export function lostChargerTimeoutMs(): number {
  const v = Number(process.env.LOST_CHARGER_TIMEOUT_MINUTES);
  return (Number.isFinite(v) && v > 0 ? v : LOST_CHARGER_TIMEOUT_MINUTES) * 60_000;
}

/**
 * Ends, by timeout, the running sessions of chargers that have been disconnected longer than the
 * bound. The energy and cost are what was read until then (the session says `ended_by: timeout`);
 * a late StopTransaction corrects it. Returns the sessions it ended.
 */
export async function closeLostSessions(now = new Date()): Promise<string[]> {
  const closed: string[] = [];
  const chargePoints = new Map<string, ChargePoint | undefined>();
  for (let shard = 0; shard < ACTIVE_SESSION_SHARDS; shard++) {
    for (const p of await listActiveSessionPointers(shard)) {
      if (!chargePoints.has(p.chargePointId)) chargePoints.set(p.chargePointId, await getChargePoint(p.chargePointId));
      const cp = chargePoints.get(p.chargePointId);
      const lostSince = cp?.connection ? undefined : cp?.lastDisconnectedAt;
      if (cp && (cp.connection || !lostSince || Date.parse(lostSince) > now.getTime() - lostChargerTimeoutMs())) continue;
      const s = await getSessionItem(p.identity, p.transactionId);
      if (!s || s.status !== 'active') {
        await documentClient().send(new DeleteCommand({ TableName: config().tableName, Key: keys.activeSession(shard, p.sessionId) }));
        continue;
      }
      const at = now.toISOString();
      const next = ended(s, { at, reason: 'Timeout', by: 'timeout', meter: meterOf(s) });
      const outcome = await transactWrite([putSession(next, s), ...endPointers(s)]);
      if (outcome.cancelled) continue; // the charger came back meanwhile; the next run looks again
      await publishEnded(next).catch((err: unknown) => log.error('session.ended not published', { sessionId: p.sessionId, err }));
      closed.push(p.sessionId);
    }
  }
  return closed;
}
