// PowerBank activations (issue #19, "Activations"; docs/powerbank.md): an aggregator's or TSO's signal
// to shed power in a zone. The charging enrolled chargers of the zone get a TxProfile on their running
// transaction, and at the end the profile is cleared so the site's own limit applies again.
//
// Why a TxProfile: the composite schedule is the minimum of ChargePointMaxProfile (what the power
// planner sends, lib/domain/power/planner.ts) and TxProfile/TxDefaultProfile (OCPP 1.6 §3.13.3; 2.0.1
// K "Composite schedule", ChargingStationMaxProfile). So the activation's limit can only lower what
// power management allows, never raise it, and neither overwrites the other (different purposes).
// A TxProfile is set on a connector > 0 with the transactionId (1.6 §3.13.1, §5.16) and lapses with
// the transaction ("After the transaction is stopped, the profile SHOULD be deleted").
//
// Vocabulary: a TSO's "up-regulation" (FCR-D up, mFRR up) means the grid needs more power: for a load,
// LESS consumption. That is `direction: "up"`, the only direction supported. "down" (consume more) is
// refused (422): a charger cannot make a car draw more than it asks.
import { createHash } from 'node:crypto';
import { getChargePoints, getConnections, type ChargePoint, type ConnectionRecord } from '../../db/charge-points';
import { latestStatusOfConnector } from '../../db/logs';
import { readPowerState, type PowerState } from '../../db/power';
import {
  ACTIVATION_LEASE_MS,
  createActivation,
  getActivation,
  listActivations,
  listDueActivations,
  listTargets,
  moveActivation,
  putTargets,
  recordTargetSend,
  targetPut,
  type Activation,
  type ActivationRequest,
  type ActivationTag,
  type ActivationTarget,
} from '../../db/powerbank-activations';
import { listEnrolledInZone, type Enrolment } from '../../db/powerbank';
import { activeSessionItemsOfMany, getSessionItem } from '../../db/sessions';
import { makeEvent, publish } from '../../events/publish';
import type { OperatorPrincipal } from '../../http/operator-auth';
import { newId } from '../../ids';
import { log } from '../../log';
import { sendToChargePoints, type CallOptions } from '../../ocpp/commands';
import type { JsonObject } from '../../ocpp/codec';
import { Conflict, NotFound, Unprocessable, ValidationFailed } from '../errors';
import { capabilitiesFrom } from '../power/capabilities';
import { DEFAULT_CHARGER_MAX_A } from '../power/planner';
import type { SessionItem } from '../sessions';
import { intervalPower, spreadShed, type ShedCandidate } from './shed';
import type { Zone } from './zones';

/** The activation's profile id on every charger: not the planner's (1818), so clearing it leaves the planner's alone. */
export const POWERBANK_PROFILE_ID = 1919;
/** Chargers asked at once. Each send is a few reads and one transaction, not a wait for the answer. */
export const FANOUT_CONCURRENCY = 64;
/** How long a charger's slot is held for its answer; an answer after it is "not answered". */
export const ANSWER_TIMEOUT_MS = 30_000;
/** How long a fan-out may take before its last command is sent (1,000 chargers, 64 at a time). */
const FANOUT_GRACE_MS = 30_000;
/** A start this far in the past is taken as "now" (clock skew, a retried request); further is refused. */
export const START_PAST_TOLERANCE_MS = 5 * 60_000;
/** A start at most this far ahead (a day-ahead market's horizon plus margin). */
export const START_AHEAD_MAX_MS = 7 * 86_400_000;
export const DURATION_S = { min: 60, max: 6 * 3600 } as const;
/** A meter interval older than this (before the start) says nothing about the present power. */
const METER_FRESH_MS = 15 * 60_000;
const VOLTAGE_V = 230;
const REQUESTED_BY = 'powerbank activation';

export const SHED_METHOD =
  'Sum over the chargers that accepted the limit of (average power over the last energy-register interval (Energy.Active.Import.Register, two consecutive readings) before the start, minus the average power over the newest interval wholly after the charger accepted); only chargers with both intervals count.';

export interface ActivationInput {
  readonly external_id: string;
  readonly zone: Zone;
  readonly direction: 'up' | 'down';
  readonly power_kw?: number | undefined;
  readonly share?: number | undefined;
  readonly start?: string | undefined;
  readonly duration_s: number;
}

/** The fingerprint of a request as given: key order and absent optional fields do not change it. */
export function fingerprintOf(r: ActivationRequest): string {
  const canonical = { external_id: r.external_id, zone: r.zone, direction: r.direction, power_kw: r.power_kw ?? null, share: r.share ?? null, start: r.start ? new Date(r.start).toISOString() : null, duration_s: r.duration_s };
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex');
}

/** POST …/activations: validates, records (idempotent by external id), and starts it off the request path when its start is now. */
export async function requestActivation(p: OperatorPrincipal, input: ActivationInput, now = Date.now()) {
  if (input.direction !== 'up') {
    throw new Unprocessable('Only up-regulation (less consumption) is supported: chargers cannot make cars draw more', [{ field: 'direction', message: 'must be "up" (up-regulation: the grid needs power, chargers consume less)' }]);
  }
  if ((input.power_kw === undefined) === (input.share === undefined)) {
    throw new ValidationFailed('Give either power_kw or share', [{ field: input.power_kw === undefined ? 'power_kw' : 'share', message: 'give exactly one of power_kw and share' }]);
  }
  const startMs = input.start === undefined ? now : Date.parse(input.start);
  if (startMs < now - START_PAST_TOLERANCE_MS) throw new ValidationFailed('start is in the past', [{ field: 'start', message: 'must not be more than 5 minutes in the past' }]);
  if (startMs > now + START_AHEAD_MAX_MS) throw new ValidationFailed('start is too far ahead', [{ field: 'start', message: 'must be within 7 days' }]);
  const effectiveStart = Math.max(startMs, now);
  const request: ActivationRequest = {
    external_id: input.external_id,
    zone: input.zone,
    direction: 'up',
    ...(input.power_kw !== undefined ? { power_kw: input.power_kw } : {}),
    ...(input.share !== undefined ? { share: input.share } : {}),
    ...(input.start !== undefined ? { start: input.start } : {}),
    duration_s: input.duration_s,
  };
  const at = new Date(now).toISOString();
  const a: Activation = {
    activationId: newId('pba'),
    operatorId: p.operatorId,
    externalId: input.external_id,
    fingerprint: fingerprintOf(request),
    request,
    zone: input.zone,
    startAt: new Date(effectiveStart).toISOString(),
    endAt: new Date(effectiveStart + input.duration_s * 1000).toISOString(),
    status: 'scheduled',
    createdBy: p.actor,
    createdAt: at,
    updatedAt: at,
  };
  const created = await createActivation(a);
  if (!created.created) {
    const existing = created.activationId ? await getActivation(p.operatorId, created.activationId) : undefined;
    if (!existing) throw new Conflict('An activation with this external_id is being created; retry', { field: 'external_id' });
    if (existing.fingerprint !== a.fingerprint) {
      throw new Conflict(`external_id ${input.external_id} was used for another activation (${existing.activationId}) with a different body`, { field: 'external_id', activation_id: existing.activationId });
    }
    return activationView(existing);
  }
  if (effectiveStart <= now) await publish([makeEvent('powerbank.activation_due', p.operatorId, { activation_id: a.activationId })]);
  return activationView(a);
}

/** Runs `fn` over `items`, at most `limit` at once. */
async function eachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  await eachLimited(
    items.map((item, i) => ({ item, i })),
    limit,
    async ({ item, i }) => {
      out[i] = await fn(item);
    },
  );
  return out;
}

interface Charging {
  readonly cp: ChargePoint & { identity: string; protocol: 'ocpp1.6' | 'ocpp2.0.1' };
  readonly connection: ConnectionRecord;
  readonly session: SessionItem;
  readonly connectorId: number;
}

/**
 * Charge points with their live connection (none: not connected), two BatchGets of 100 keys a
 * request (strongly consistent: a send reuses these reads as callChargePoint's `known`).
 */
async function withConnections(chargePointIds: readonly string[]): Promise<Array<{ cp: ChargePoint; conn: ConnectionRecord | undefined }>> {
  const cps = await getChargePoints(chargePointIds, true);
  const connections = new Map((await getConnections(cps.flatMap((cp) => (cp.connection ? [cp.connection.connectionId] : [])))).map((c) => [c.connectionId, c]));
  return cps.map((cp) => ({ cp, conn: cp.connection ? connections.get(cp.connection.connectionId) : undefined }));
}

/**
 * A target: connected, booted Accepted, with a running session that is charging (2.0.1: the
 * transaction's chargingState `Charging`; 1.6, whose transactions carry no state: its connector's
 * last StatusNotification `Charging`). SuspendedEV/SuspendedEVSE and idle chargers are left alone.
 */
async function chargingOf(cp: ChargePoint, conn: ConnectionRecord, sessions: readonly SessionItem[]): Promise<Charging | undefined> {
  if (!sessions.length) return undefined;
  const typed = cp as Charging['cp'];
  if (cp.protocol === 'ocpp2.0.1') {
    const s = sessions.find((x) => x.chargingState === 'Charging' && x.evse?.id !== undefined);
    return s ? { cp: typed, connection: conn, session: s, connectorId: s.evse!.id } : undefined;
  }
  // Only the connectors with a running session: one small Query each, not a walk over every connector.
  for (const x of sessions) {
    if (x.connectorId === undefined) continue;
    const status = await latestStatusOfConnector(cp.identity!, String(x.connectorId));
    if (status?.status === 'Charging') return { cp: typed, connection: conn, session: x, connectorId: x.connectorId };
  }
  return undefined;
}

/**
 * The enrolled charge points that are targets. Their items and connections come with BatchGet (100
 * a request, strongly consistent: the send reuses these reads, callChargePoint `known`), so a
 * thousand chargers cost some twenty reads before the per-charger session queries, not two thousand
 * (the 50 %-in-5-s target is mostly the time before the first profile goes out).
 */
async function chargingAmong(enrolled: readonly Enrolment[]): Promise<Charging[]> {
  const operatorOf = new Map(enrolled.map((e) => [e.chargePointId, e.operatorId]));
  const booted = (await withConnections([...operatorOf.keys()])).flatMap(({ cp, conn }) =>
    cp.identity && cp.protocol && conn && conn.bootStatus === 'Accepted' && cp.operatorId === operatorOf.get(cp.chargePointId) ? [{ cp, conn }] : [],
  );
  // Their running sessions: for a large zone from the sweep's shards (AP-52), else a pointer Query each
  // (AP-28); then all the sessions by BatchGet.
  const running = await activeSessionItemsOfMany(booted.map(({ cp }) => cp.identity!));
  return (await mapLimited(booted, FANOUT_CONCURRENCY, ({ cp, conn }) => chargingOf(cp, conn, running.get(cp.identity!) ?? []))).filter((c): c is Charging => c !== undefined);
}

/** Present power: the session's energy register, else the power planner's applied limit, else the rating. */
function presentOf(c: Charging, power: PowerState | undefined, at: string): Pick<ActivationTarget, 'presentW' | 'presentSource' | 'phases' | 'voltageV'> {
  const item = power?.chargers.get(c.cp.chargePointId);
  const settings = power?.settings?.settings;
  const phases = item?.phases ?? settings?.phases ?? 3;
  const voltageV = settings?.voltageV ?? VOLTAGE_V;
  const plannerW = item?.applied ? item.applied.limitA * phases * voltageV : undefined;
  const metered = intervalPower(c.session.meter?.curve ?? [], { before: at });
  if (metered && Date.parse(at) - Date.parse(metered.to) <= METER_FRESH_MS) {
    // Never above what power management allows now: the interval may predate its latest limit, and a
    // share of more than the charger may draw would send a Tx limit above the site's own.
    return { presentW: Math.round(Math.min(metered.w, plannerW ?? Number.POSITIVE_INFINITY)), presentSource: 'meter', phases, voltageV };
  }
  if (plannerW !== undefined) return { presentW: plannerW, presentSource: 'planner_limit', phases, voltageV };
  return { presentW: (item?.maxA ?? DEFAULT_CHARGER_MAX_A) * phases * voltageV, presentSource: 'rated', phases, voltageV };
}

/** The TxProfile on the running transaction, lasting until the activation's end (it lapses by itself if the clear is lost). */
export function activationProfile(version: 'ocpp1.6' | 'ocpp2.0.1', t: Pick<ActivationTarget, 'connectorId' | 'transactionId' | 'unit' | 'value' | 'phases'>, stackLevel: number, startAt: string, durationS: number): JsonObject {
  const period = { startPeriod: 0, limit: t.value, numberPhases: t.phases };
  if (version === 'ocpp1.6') {
    return {
      connectorId: t.connectorId,
      csChargingProfiles: {
        chargingProfileId: POWERBANK_PROFILE_ID,
        transactionId: Number(t.transactionId),
        stackLevel,
        chargingProfilePurpose: 'TxProfile',
        chargingProfileKind: 'Absolute',
        chargingSchedule: { duration: durationS, startSchedule: startAt, chargingRateUnit: t.unit, chargingSchedulePeriod: [period] },
      },
    };
  }
  return {
    evseId: t.connectorId,
    chargingProfile: {
      id: POWERBANK_PROFILE_ID,
      stackLevel,
      chargingProfilePurpose: 'TxProfile',
      chargingProfileKind: 'Absolute',
      transactionId: t.transactionId,
      chargingSchedule: [{ id: POWERBANK_PROFILE_ID, startSchedule: startAt, duration: durationS, chargingRateUnit: t.unit, chargingSchedulePeriod: [period] }],
    },
  };
}

/** ClearChargingProfile of the activation's profile id only (1.6 §5.5 `id`; 2.0.1 K10 `chargingProfileId`). */
export function clearPayload(version: 'ocpp1.6' | 'ocpp2.0.1'): JsonObject {
  return version === 'ocpp1.6' ? { id: POWERBANK_PROFILE_ID } : { chargingProfileId: POWERBANK_PROFILE_ID };
}

interface StepSend {
  readonly t: ActivationTarget;
  readonly action: 'SetChargingProfile' | 'ClearChargingProfile';
  readonly payload: JsonObject;
  readonly known: NonNullable<CallOptions['known']>;
}

/**
 * Sends one step's commands without waiting for their answers (receiveCallResponse records each on
 * its target, with the send time), the slots of many chargers taken per transaction
 * (sendToChargePoints); records why a command was not sent (not connected, the charger's slot busy).
 * The limit step writes each target in the transaction that takes its charger's slot (no write of
 * its own before the first profile can go out); one that was not sent is written with why.
 */
async function sendStep(step: ActivationTag['step'], sends: readonly StepSend[]): Promise<void> {
  const tagOf = (x: StepSend): ActivationTag => ({ activationId: x.t.activationId, chargePointId: x.t.chargePointId, step });
  const results = await sendToChargePoints(
    sends.map((x) => ({
      identity: x.t.identity,
      action: x.action,
      payload: x.payload,
      opts: { wait: false, timeoutMs: ANSWER_TIMEOUT_MS, requestedBy: `${REQUESTED_BY} ${x.t.activationId}`, activation: tagOf(x), known: x.known },
      ...(step === 'limit' ? { alsoWrite: [targetPut(x.t)] } : {}),
    })),
  );
  const notSent = (r: (typeof results)[number], x: StepSend) => ({
    outcome: r.status === 'fulfilled' && r.value.status === 'not_connected' ? ('not_connected' as const) : ('not_sent' as const),
    error: r.status === 'rejected' ? (r.reason instanceof Error ? r.reason.message : String(r.reason)) : `${x.action}: ${r.value.status}`,
  });
  if (step === 'limit') {
    // Not sent, so not written with a slot: written here, whole, with why.
    const unsent: ActivationTarget[] = [];
    results.forEach((r, i) => {
      if (r.status === 'fulfilled' && r.value.status === 'sent') return;
      const why = notSent(r, sends[i]!);
      unsent.push({ ...sends[i]!.t, limitOutcome: why.outcome, limitError: why.error });
    });
    await putTargets(unsent);
    return;
  }
  await eachLimited(
    results.map((r, i) => ({ r, x: sends[i]! })),
    FANOUT_CONCURRENCY,
    async ({ r, x }) => {
      if (r.status === 'fulfilled' && r.value.status === 'sent') return;
      await recordTargetSend(tagOf(x), notSent(r, x));
    },
  );
}

/**
 * Starts a scheduled activation whose start has come, or takes over one whose start stalled (its
 * lease ran out: the run crashed or timed out); does nothing when another run claimed it. Taking
 * over starts again: the targets are written afresh and the profiles sent again (the same profile
 * id replaces the one a charger may have got, 1.6 §3.13.2, 2.0.1 K01.FR.05).
 */
export async function startActivation(a: Activation, now = Date.now()): Promise<Activation | undefined> {
  const at = new Date(now).toISOString();
  if (a.status !== 'scheduled' && a.status !== 'starting') return undefined;
  const claimed = await moveActivation(a, a.status, { status: 'starting' }, at);
  if (!claimed) return undefined;
  const enrolled = await listEnrolledInZone(a.zone, a.operatorId);
  const charging = await chargingAmong(enrolled);
  // The sites' power state (one Query per site, AP-110): the planner's stored capabilities, its limit, the rating.
  const sites = [...new Set(charging.map((c) => c.cp.siteId))];
  const states = new Map(await mapLimited(sites, FANOUT_CONCURRENCY, async (s) => [s, await readPowerState(s)] as const));
  const present = charging.map((c) => presentOf(c, states.get(c.cp.siteId), at));
  const candidates: ShedCandidate[] = charging.map((c, i) => ({ id: c.cp.chargePointId, ...present[i]! }));
  const requestedW = a.request.power_kw !== undefined ? a.request.power_kw * 1000 : (a.request.share ?? 0) * candidates.reduce((s, c) => s + c.presentW, 0);
  const plan = spreadShed(candidates, requestedW);
  const durationS = Math.max(1, Math.ceil((Date.parse(a.endAt) - now) / 1000));

  const targets: Array<{ t: ActivationTarget; stackLevel: number; known: NonNullable<CallOptions['known']> }> = [];
  charging.forEach((c, i) => {
    const share = plan.shares[i]!;
    const p = present[i]!;
    // The planner's capability reading (stored when it planned this charger), else OCPP's defaults: A, stack level 0.
    const caps = states.get(c.cp.siteId)?.chargers.get(c.cp.chargePointId)?.capabilities ?? capabilitiesFrom(undefined, undefined, undefined);
    const unit: 'A' | 'W' = caps.units.includes('A') || !caps.units.includes('W') ? 'A' : 'W';
    const value = unit === 'A' ? share.limitA : Math.floor(share.limitA * p.voltageV * p.phases);
    targets.push({
      stackLevel: caps.maxStackLevel,
      known: { chargePoint: c.cp, connection: c.connection },
      t: {
        activationId: a.activationId,
        chargePointId: c.cp.chargePointId,
        identity: c.cp.identity,
        protocol: c.cp.protocol,
        siteId: c.cp.siteId,
        transactionId: c.session.transactionId,
        connectorId: c.connectorId,
        ...p,
        limitA: share.limitA,
        unit,
        value,
        plannedShedW: Math.round(share.plannedShedW),
      },
    });
  });
  const started = {
    at,
    enrolled: enrolled.length,
    asked: targets.length,
    presentW: Math.round(plan.presentW),
    requestedW: Math.round(requestedW),
    plannedShedW: Math.round(plan.plannedShedW),
    shortfallW: Math.round(plan.shortfallW),
  };
  const active = await moveActivation(claimed, 'starting', { status: 'active', started }, at);
  if (active) {
    await publish([
      makeEvent('powerbank.activation_started', a.operatorId, {
        activation_id: a.activationId,
        external_id: a.externalId,
        zone: a.zone,
        started_at: at,
        end: a.endAt,
        chargers_asked: started.asked,
        requested_kw: started.requestedW / 1000,
        planned_shed_kw: started.plannedShedW / 1000,
      }),
    ]).catch((err: unknown) => log.error('publish powerbank.activation_started failed', { err }));
  }
  // Largest planned shed first: the first seconds shed the most (the 50 % target).
  const order = [...targets].sort((x, y) => y.t.plannedShedW - x.t.plannedShedW);
  await sendStep(
    'limit',
    order.map(({ t, stackLevel, known }) => ({ t, action: 'SetChargingProfile', payload: activationProfile(t.protocol, t, stackLevel, at, durationS), known })),
  );
  log.info('powerbank activation started', { activationId: a.activationId, zone: a.zone, asked: targets.length, requestedW: started.requestedW, plannedShedW: started.plannedShedW });
  return active;
}

/**
 * Ends an active activation (or takes over an end that stalled): clears its profile on every charger
 * it was sent to, so the site's own limit applies again. Clearing twice is harmless (Unknown).
 */
export async function endActivation(a: Activation, now = Date.now()): Promise<Activation | undefined> {
  const at = new Date(now).toISOString();
  if (a.status !== 'active' && a.status !== 'ending') return undefined;
  const claimed = await moveActivation(a, a.status, { status: 'ending' }, at);
  if (!claimed) return undefined;
  // Every charger the profile may have reached: all but those it was never sent to. One that never
  // got it answers the clear with Unknown, which harms nothing.
  const targets = (await listTargets(a.activationId)).filter((t) => t.limitOutcome !== 'not_sent' && t.limitOutcome !== 'not_connected');
  // Their items and connections as now (as the start read them): one that went away is not_connected.
  const found = new Map((await withConnections(targets.map((t) => t.chargePointId))).map((x) => [x.cp.chargePointId, x]));
  const sends: StepSend[] = [];
  for (const t of targets) {
    const { cp, conn } = found.get(t.chargePointId) ?? {};
    if (!cp || cp.identity !== t.identity) {
      await recordTargetSend({ activationId: t.activationId, chargePointId: t.chargePointId, step: 'restore' }, { outcome: 'not_sent', error: 'ClearChargingProfile: the charge point is no longer registered' });
      continue;
    }
    sends.push({ t, action: 'ClearChargingProfile', payload: clearPayload(t.protocol), known: { chargePoint: cp, connection: conn } });
  }
  await sendStep('restore', sends);
  log.info('powerbank activation ended', { activationId: a.activationId, restoreAsked: targets.length });
  const ended = await moveActivation(claimed, 'ending', { status: 'ended', ended: { at, restoreAsked: targets.length } }, at);
  if (ended) await publishEnded(ended);
  return ended;
}

async function publishEnded(a: Activation): Promise<void> {
  await publish([
    makeEvent('powerbank.activation_ended', a.operatorId, { activation_id: a.activationId, external_id: a.externalId, zone: a.zone, ended_at: a.ended?.at ?? a.updatedAt, chargers_restored: a.ended?.restoreAsked ?? 0 }),
  ]).catch((err: unknown) => log.error('publish powerbank.activation_ended failed', { err }));
}

/** The start event's handler: start it now if its start has come (the tick catches it otherwise). */
export async function runDueActivation(operatorId: string, activationId: string, now = Date.now()): Promise<void> {
  const a = await getActivation(operatorId, activationId);
  if (a?.status === 'scheduled' && Date.parse(a.startAt) <= now) await startActivation(a, now);
}

/**
 * The minute's tick: starts activations whose start has come and ends those whose end has come
 * (precision: within a minute of the time, plus the fan-out). One that was never started and whose
 * end is already past is closed without asking any charger.
 */
export async function tickActivations(now = Date.now()): Promise<{ started: number; ended: number }> {
  const due = await listDueActivations(new Date(now).toISOString());
  let started = 0;
  let ended = 0;
  for (const d of due) {
    try {
      const a = await getActivation(d.operatorId, d.activationId);
      if (!a) continue;
      if (a.status === 'scheduled' && Date.parse(a.endAt) <= now) {
        const closed = await moveActivation(a, 'scheduled', { status: 'ended', ended: { at: new Date(now).toISOString(), restoreAsked: 0 } }, new Date(now).toISOString());
        if (closed) await publishEnded(closed);
      } else if (a.status === 'scheduled' && Date.parse(a.startAt) <= now) {
        if (await startActivation(a, now)) started += 1;
      } else if (a.status === 'active' && Date.parse(a.endAt) <= now) {
        if (await endActivation(a, now)) ended += 1;
      } else if ((a.status === 'starting' || a.status === 'ending') && Date.parse(a.updatedAt) + ACTIVATION_LEASE_MS <= now) {
        // A start or an end that stalled (crashed, timed out): taken over.
        log.warn('powerbank activation taken over after its lease ran out', { activationId: a.activationId, status: a.status });
        if (a.status === 'starting' && (await startActivation(a, now))) started += 1;
        if (a.status === 'ending' && (await endActivation(a, now))) ended += 1;
      }
    } catch (err) {
      log.error('powerbank activation tick failed', { activationId: d.activationId, err });
    }
  }
  return { started, ended };
}

// --- Reading --------------------------------------------------------------------------------------

const kw = (w: number | undefined | null) => (w === undefined || w === null ? null : Math.round(w) / 1000);

export function activationView(a: Activation) {
  return {
    activation_id: a.activationId,
    external_id: a.externalId,
    zone: a.zone,
    direction: a.request.direction,
    status: a.status,
    start: a.startAt,
    end: a.endAt,
    duration_s: a.request.duration_s,
    requested: { power_kw: a.request.power_kw ?? null, share: a.request.share ?? null, resolved_kw: kw(a.started?.requestedW) },
    created_by: a.createdBy,
    created_at: a.createdAt,
    started_at: a.started?.at ?? null,
    ended_at: a.ended?.at ?? null,
  };
}

export async function activationsOf(operatorId: string, limit = 50) {
  return { activations: (await listActivations(operatorId, limit)).map(activationView) };
}

type Answer = 'accepted' | 'refused' | 'not_answered' | 'waiting' | 'not_connected' | 'not_sent';

/**
 * A step's answer. Without one: `waiting` until the answer timeout after the step began (the fan-out
 * of its start or end; a sent command's own time is only recorded with its answer), then `not_answered`.
 */
function answerOf(outcome: ActivationTarget['limitOutcome'], stepAt: string | undefined, now: number): Answer {
  if (outcome === 'accepted') return 'accepted';
  if (outcome === 'rejected' || outcome === 'error') return 'refused';
  if (outcome === 'not_connected' || outcome === 'not_sent') return outcome;
  if (!stepAt || now - Date.parse(stepAt) < ANSWER_TIMEOUT_MS + FANOUT_GRACE_MS) return 'waiting';
  return 'not_answered';
}

const msBetween = (from?: string, to?: string) => (from && to ? Math.max(0, Date.parse(to) - Date.parse(from)) : null);

/** GET …/activations/{id}: who was asked, who answered what and how fast, and the power shed as measured. */
export async function activationReport(operatorId: string, activationId: string, now = Date.now()) {
  const a = await getActivation(operatorId, activationId);
  if (!a) throw new NotFound(`Activation ${activationId} not found`);
  const targets = await listTargets(activationId);
  const restoring = (t: ActivationTarget) => a.ended !== undefined && t.limitOutcome !== 'not_sent' && t.limitOutcome !== 'not_connected';
  const rows = targets.map((t) => ({ t, answer: answerOf(t.limitOutcome, a.started?.at, now), restore: restoring(t) ? answerOf(t.restoreOutcome, a.ended?.at, now) : null }));
  const count = (answer: Answer) => rows.filter((r) => r.answer === answer).length;

  // Measured: the session's energy register after the charger accepted, against the interval before the start.
  const accepted = rows.filter((r) => r.answer === 'accepted' && r.t.presentSource === 'meter');
  const measured = await mapLimited(accepted, FANOUT_CONCURRENCY, async ({ t }) => {
    const s = await getSessionItem(t.identity, t.transactionId);
    const during = intervalPower(s?.meter?.curve ?? [], { after: t.limitAnsweredAt ?? a.started?.at ?? a.startAt, ...(a.ended ? { before: a.ended.at } : {}) });
    return during ? { before: t.presentW, during: during.w } : undefined;
  });
  const both = measured.filter((m): m is { before: number; during: number } => m !== undefined);
  const beforeW = both.reduce((s, m) => s + m.before, 0);
  const duringW = both.reduce((s, m) => s + m.during, 0);
  const restoreRows = rows.filter((r) => r.restore !== null);

  return {
    ...activationView(a),
    chargers: {
      enrolled: a.started?.enrolled ?? null,
      asked: targets.length,
      accepted: count('accepted'),
      refused: count('refused'),
      not_answered: count('not_answered'),
      waiting: count('waiting'),
      not_connected: count('not_connected'),
      not_sent: count('not_sent'),
    },
    requested_kw: kw(a.started?.requestedW) ?? a.request.power_kw ?? null,
    present_kw: kw(a.started?.presentW),
    planned_shed_kw: kw(a.started?.plannedShedW),
    planned_shed_accepted_kw: kw(rows.filter((r) => r.answer === 'accepted').reduce((s, r) => s + r.t.plannedShedW, 0)),
    shortfall_kw: kw(a.started?.shortfallW),
    shed_estimate: {
      method: SHED_METHOD,
      chargers_measured: both.length,
      before_kw: both.length ? kw(beforeW) : null,
      during_kw: both.length ? kw(duringW) : null,
      shed_kw: both.length ? kw(beforeW - duringW) : null,
    },
    restore: a.ended
      ? {
          at: a.ended.at,
          asked: a.ended.restoreAsked,
          accepted: restoreRows.filter((r) => r.restore === 'accepted').length,
          refused: restoreRows.filter((r) => r.restore === 'refused').length,
          not_answered: restoreRows.filter((r) => r.restore === 'not_answered' || r.restore === 'waiting').length,
          not_sent: restoreRows.filter((r) => r.restore === 'not_sent' || r.restore === 'not_connected').length,
        }
      : null,
    charge_points: rows.map(({ t, answer, restore }) => ({
      charge_point_id: t.chargePointId,
      transaction_id: t.transactionId,
      present_kw: kw(t.presentW),
      present_source: t.presentSource,
      limit_a: t.limitA,
      unit: t.unit,
      limit: t.value,
      planned_shed_kw: kw(t.plannedShedW),
      answer,
      response_ms: msBetween(t.limitSentAt, t.limitAnsweredAt),
      error: t.limitError ?? null,
      restore,
      restore_response_ms: msBetween(t.restoreSentAt, t.restoreAnsweredAt),
      restore_error: t.restoreError ?? null,
    })),
  };
}
