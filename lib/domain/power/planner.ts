// The site power planner (issue #18, docs/power.md "The planner"): reads a location's power state
// with one Query, asks the pure allocator (allocator.ts) for every charger's limit, and applies the
// limits with real charging profiles, to the chargers whose limit differs from what they accepted
// last, and to no other.
//
// - 1.6: SetChargingProfile, ChargePointMaxProfile on connector 0 (OCPP 1.6 §5.16, §7.8: connector 0
//   with ChargePointMaxProfile limits the whole charge point); 2.0.1: SetChargingProfile,
//   ChargingStationMaxProfile on EVSE 0, Absolute (K01.FR.38 forbids Relative for it).
// - The unit is A (per phase) unless the charger allows only W; stack level and allowed units are read
//   once from its configuration (1.6 ChargeProfileMaxStackLevel, ChargingScheduleAllowedChargingRateUnit,
//   ChargingScheduleMaxPeriods; 2.0.1 SmartChargingCtrlr.ProfileStackLevel, RateUnit, PeriodsPerSchedule).
// - Accepted profiles are checked with GetCompositeSchedule (1.6 §5.7, 2.0.1 K08). A charger that
//   refuses (Rejected, NotSupported, a CALLERROR) or whose composite schedule is above what it was sent
//   is flagged `refusesProfiles` and the location is planned again at once, counting it at its full
//   rating. A charger that is offline or does not answer in time is not flagged: it is tried again at
//   the next replan (what it accepted last is what is compared).
// - Lowered limits are sent, and answered, before raised ones, so the site does not briefly draw the
//   old high limits and the new ones together.
// - The plan's state is written conditionally on the `planVersion` it was computed from, before any
//   profile is sent: of two replans that read the same state, one applies and the other plans again
//   from the winner's state.
import { listChargePointsOfProject, markPowerManaged, type ChargePoint } from '../../db/charge-points';
import {
  readPowerState,
  recordChargerFacts,
  writePlanState,
  putAllocationLog,
  type AppliedProfile,
  type ChargersPeak,
  type PowerChargerItem,
  type PowerMeterItem,
  type StoredAllocation,
} from '../../db/power';
import { listProjectsOfSite } from '../../db/projects';
import { activeSessionItemsOf } from '../../db/sessions';
import { readCapabilities } from './capabilities';
import type { SessionItem } from '../sessions';
import type { PhaseValues } from '../session-meter';
import { newId } from '../../ids';
import { log } from '../../log';
import { callChargePoint, type CommandRecord } from '../../ocpp/commands';
import type { JsonObject } from '../../ocpp/codec';
import { allocate, MEASUREMENT_FRESH_MS, PEAK_BLOCK_MS, sitePhasesOf, type ChargerLimit, type ChargerState, type MeterReading, type PeakBlock, type SiteSettings } from './allocator';

/** The profile id the planner uses on every charger: a new profile with the same id replaces the old (1.6 §5.16.2, 2.0.1 K01.FR.05). */
export const POWER_PROFILE_ID = 1818;
/** A charger without its own settings: a common AC rating, on every phase of the site. */
export const DEFAULT_CHARGER_MAX_A = 32;
/** GetCompositeSchedule's window: the allocation stands at most until the next replan (a minute). */
const COMPOSITE_DURATION_S = 60;
const COMMAND_TIMEOUT_MS = 15_000;
/** How long a plan's profiles may still be on their way: configuration read, profile, composite schedule. */
const IN_FLIGHT_MS = 3 * COMMAND_TIMEOUT_MS;
/** A refusal plans again; a charger can refuse once per round, so this bounds the rounds. */
const MAX_ROUNDS = 4;
const REQUESTED_BY = 'power planner';

export interface ReplanResult {
  readonly planVersion: number;
  readonly planId: string;
  readonly limits: readonly ChargerLimit[];
  /** Chargers a SetChargingProfile went to, in every round of this replan. */
  readonly sent: readonly string[];
  readonly flagged: readonly string[];
}

/** The location's chargers with an identity (the projects of the site, then their chargers: AP-78, AP-07). */
async function chargersOfLocation(siteId: string): Promise<ChargePoint[]> {
  const projects = await listProjectsOfSite(siteId);
  return (await Promise.all(projects.map((p) => listChargePointsOfProject(p.projectId)))).flat().filter((cp) => cp.identity && cp.protocol);
}

/**
 * The site meter the allocator reads: the grid meter with the newest reading. A solar production
 * meter (solarMeterOf) only lowers the solar modes' share of the export (allocator.ts `solarCapA`).
 */
export function siteMeterOf(meters: readonly PowerMeterItem[], measures: PowerMeterItem['measures'] = 'grid'): PowerMeterItem | undefined {
  return meters.filter((m) => m.measures === measures && m.last).sort((a, b) => b.last!.at - a.last!.at)[0];
}

function chargerStateOf(
  cp: ChargePoint,
  item: PowerChargerItem | undefined,
  settings: SiteSettings,
  sessions: readonly SessionItem[],
  meterAt: number | undefined,
  sending: { readonly limitA: number; readonly at: number } | undefined,
): ChargerState {
  const since = chargingSinceOf(sessions);
  const base = {
    chargerId: cp.chargePointId,
    maxA: item?.maxA ?? DEFAULT_CHARGER_MAX_A,
    phases: item?.phases ?? settings.phases,
    ...(item?.phase !== undefined ? { phase: item.phase } : {}),
  };
  const measured = settings.meterIncludesChargers && meterAt !== undefined ? measuredDrawOf(sessions, base, settings, meterAt) : undefined;
  const limitHistory = limitHistoryOf(item, base.maxA, sending);
  return {
    ...base,
    ...(item?.priority !== undefined ? { priority: item.priority } : {}),
    ...(item?.refusesProfiles ? { refusesProfiles: true } : {}),
    ...(since !== undefined ? { charging: { since } } : {}),
    ...(measured ? { measured } : {}),
    ...(limitHistory.length ? { limitHistory } : {}),
  };
}

/** The highest voltage a low-voltage supply may have (EN 50160: nominal + 10 %): power over it gives the lowest current. */
const HIGHEST_VOLTAGE_FACTOR = 1.1;

/**
 * What a charger drew, A per site phase, from its running sessions' latest meter values, for a meter
 * that sees it; undefined when none is near the meter reading. Every choice errs towards less (less
 * taken off the meter is safe; more is not, allocator.ts `subtractableA`):
 * - `Current.Import` by phase; a single-phase charger (or any charger on a single-phase site) takes
 *   the highest of its values, a phase-less one included, on its site phase.
 * - A three-phase charger takes, on every site phase, the LOWEST of its three phase currents: how its
 *   L1–L3 are wired to the site's (rotated to balance single-phase cars) is not known, and a car
 *   using one phase leaves the others at 0. A missing phase counts 0; a phase-less current on it says
 *   nothing per phase and is not used.
 * - Otherwise `Power.Active.Import` over the highest voltage the supply may have (nominal + 10 %),
 *   which with a power factor ≤ 1 is at most the current: by phase as above, or phase-less on a
 *   single-phase charger (phase-less power on a three-phase charger could all be one phase: not used).
 * - A 2.0.1 session whose chargingState is not Charging (SuspendedEV, EVConnected…) draws nothing
 *   worth taking off: 0. Several sessions (EVSEs) add up; only those within MEASUREMENT_FRESH_MS of
 *   the meter reading count, and the result carries the oldest of their times.
 */
export function measuredDrawOf(
  sessions: readonly SessionItem[],
  charger: Pick<ChargerState, 'phases' | 'phase'>,
  settings: Pick<SiteSettings, 'phases' | 'voltageV'>,
  meterAt: number,
): { at: number; currentA: number[] } | undefined {
  const n = settings.phases;
  const onPhases = sitePhasesOf(charger, settings);
  const single = onPhases.length === 1;
  const highestV = settings.voltageV * HIGHEST_VOLTAGE_FACTOR;
  const perPhase = (v: PhaseValues | undefined, phaseless: boolean): number | undefined => {
    if (!v) return undefined;
    const byPhase = [v.L1, v.L2, v.L3];
    if (single) {
      const values = [...byPhase, ...(phaseless ? [v.none] : [])].filter((x): x is number => x !== undefined);
      return values.length ? Math.max(0, ...values) : undefined;
    }
    return byPhase.some((x) => x !== undefined) ? Math.max(0, Math.min(...byPhase.map((x) => x ?? 0))) : undefined;
  };
  let at: number | undefined;
  const currentA = Array.from({ length: n }, () => 0);
  for (const s of sessions) {
    const m = s.measured;
    if (!m || (s.chargingState !== undefined && s.chargingState !== 'Charging')) continue;
    const t = Date.parse(m.at);
    if (!Number.isFinite(t) || Math.abs(t - meterAt) > MEASUREMENT_FRESH_MS) continue;
    const fromCurrent = perPhase(m.currentA, true);
    const fromPower = perPhase(m.powerW, single);
    const a = fromCurrent ?? (fromPower !== undefined ? fromPower / highestV : undefined);
    if (a === undefined) continue;
    for (const p of onPhases) currentA[p]! += a;
    at = at === undefined ? t : Math.min(at, t);
  }
  return at === undefined ? undefined : { at, currentA };
}

/**
 * The charger's limits newest first, for the allocator's subtraction: a lower profile still on its
 * way (it may already hold; a higher one may not yet, so it is left out), the accepted one, the one
 * before it, and its rating before the first. Times are when each was sent: a little before it took
 * hold (the car's response time covers the rest, allocator.ts CAR_RESPONSE_MS).
 */
export function limitHistoryOf(item: PowerChargerItem | undefined, maxA: number, sending: { readonly limitA: number; readonly at: number } | undefined): Array<{ limitA: number; since: number }> {
  const applied = item?.applied;
  const out: Array<{ limitA: number; since: number }> = [];
  if (sending && (!applied || (sending.at > Date.parse(applied.sentAt) && sending.limitA < applied.limitA))) out.push({ limitA: sending.limitA, since: sending.at });
  if (!applied) {
    // Nothing accepted yet: its rating until the profile on its way, if any.
    return out.length ? [...out, { limitA: maxA, since: 0 }] : [];
  }
  out.push({ limitA: applied.limitA, since: Date.parse(applied.sentAt) });
  if (applied.previous === 'none') out.push({ limitA: maxA, since: 0 });
  else if (applied.previous) out.push({ limitA: applied.previous.limitA, since: Date.parse(applied.previous.sentAt) });
  return out;
}

/**
 * The chargers' import in the quarter-hour block of `now`: what the last plan let them draw, from
 * when it was made (or the block's start) until now, added to what the block held before.
 */
export function chargersPeakUntil(previous: ChargersPeak | undefined, now: number): PeakBlock {
  const blockStart = Math.floor(now / PEAK_BLOCK_MS) * PEAK_BLOCK_MS;
  if (!previous) return { blockStart, importedWs: 0 };
  const carried = previous.blockStart === blockStart ? previous.importedWs : 0;
  return { blockStart, importedWs: carried + (previous.drawW * Math.max(0, now - Math.max(previous.at, blockStart))) / 1000 };
}

/**
 * The block's import so far, as the allocator's peak shaving needs it: the grid meter's readings, and
 * when the meter does not see the chargers (meter_includes_chargers false), the chargers' own import
 * too, or the block's average would leave out what the cars drew. Their draw is taken at their
 * allocated limits (a car may draw less): over-counting only makes the rest of the block stricter.
 */
export function peakBlockOf(settings: SiteSettings, meterPeak: PeakBlock | undefined, chargersImport: PeakBlock): PeakBlock | undefined {
  if (settings.meterIncludesChargers) return meterPeak;
  const fromMeter = meterPeak?.blockStart === chargersImport.blockStart ? meterPeak.importedWs : 0;
  return { blockStart: chargersImport.blockStart, importedWs: fromMeter + chargersImport.importedWs };
}

/** When its oldest running session started; undefined when no car is there. */
function chargingSinceOf(sessions: readonly SessionItem[]): number | undefined {
  const starts = sessions.map((s) => Date.parse(s.startedAt ?? '')).filter((t) => Number.isFinite(t));
  return sessions.length ? (starts.length ? Math.min(...starts) : Date.now()) : undefined;
}

/** Replans a location now. Undefined when it has no power settings. */
export async function replanLocation(siteId: string, trigger: string): Promise<ReplanResult | undefined> {
  const sent: string[] = [];
  const flagged: string[] = [];
  let why = trigger;
  const startedAt = Date.now();
  let lostRace = false;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const readAt = Date.now();
    const power = await readPowerState(siteId);
    if (!power.settings) return undefined;
    // A plan that won the race read the table after this replan's trigger was recorded (reads are
    // strongly consistent): it saw everything this one would, so there is nothing left to do.
    if (lostRace && (power.state?.readAt ?? 0) >= startedAt) return undefined;
    const { settings } = power.settings;
    const cps = await chargersOfLocation(siteId);
    // Chargers new to the plan are marked, so their own sessions and status changes trigger replans
    // from now on (the rule matches `power_managed` events only; until a reconnect, status changes of
    // an already connected charger still rely on the minute's replan).
    if (round === 0) await Promise.all(cps.filter((cp) => !cp.powerManaged).map((cp) => markPowerManaged(cp.chargePointId)));
    const running = await activeSessionItemsOf(cps.map((cp) => cp.identity!));
    const sessions = cps.map((cp) => running.get(cp.identity!) ?? []);
    const gridMeter = siteMeterOf(power.meters);
    const meter: MeterReading | undefined = gridMeter?.last ? { at: gridMeter.last.at, currentA: gridMeter.last.currentA } : undefined;
    const solarMeter = siteMeterOf(power.meters, 'solar');
    const solar: MeterReading | undefined = solarMeter?.last ? { at: solarMeter.last.at, currentA: solarMeter.last.currentA } : undefined;
    const chargers = cps.map((cp, i) => chargerStateOf(cp, power.chargers.get(cp.chargePointId), settings, sessions[i]!, meter?.at, power.state?.sending?.[cp.chargePointId]));
    const now = Date.now();
    const chargersImport = chargersPeakUntil(power.state?.chargersPeak, now);
    const peak = peakBlockOf(settings, gridMeter?.peak, chargersImport);
    const allocation = allocate({ settings, chargers, ...(meter ? { meter } : {}), ...(solar ? { solar } : {}), ...(power.state ? { ramp: power.state.ramp } : {}), ...(peak ? { peak } : {}), now });
    const chargersPeak: ChargersPeak = { ...chargersImport, at: now, drawW: allocation.limits.reduce((w, l) => w + l.limitA * l.sitePhases.length * settings.voltageV, 0) };

    const byId = new Map(cps.map((cp) => [cp.chargePointId, cp]));
    // What to send: a controlled, connected charger whose limit changed from the previous plan, or
    // whose accepted limit differs from it (it was offline or did not answer), unless a recent plan's
    // profile with that limit may still be on its way (replans triggered together must not send twice).
    const sending = Object.fromEntries(Object.entries(power.state?.sending ?? {}).filter(([, v]) => now - v.at < IN_FLIGHT_MS));
    const toSend = allocation.limits.filter((l) => {
      const item = power.chargers.get(l.chargerId);
      if (item?.refusesProfiles || byId.get(l.chargerId)?.connection === undefined) return false;
      return l.changed || (item?.applied?.limitA !== l.limitA && sending[l.chargerId]?.limitA !== l.limitA);
    });
    for (const l of toSend) sending[l.chargerId] = { limitA: l.limitA, at: now };

    const readVersion = power.state?.planVersion;
    const planVersion = (readVersion ?? 0) + 1;
    const planId = newId('plan');
    const stored: StoredAllocation = {
      at: now,
      planId,
      trigger: why,
      source: allocation.source,
      perPhaseA: allocation.perPhaseA,
      ...(allocation.totalA !== undefined ? { totalA: allocation.totalA } : {}),
      limits: allocation.limits.map((l) => ({ chargerId: l.chargerId, limitA: l.limitA, reason: l.reason })),
      sent: toSend.map((l) => l.chargerId),
    };
    const claimed = await writePlanState({ siteId, planVersion, ramp: allocation.ramp, lastAllocation: stored, sending, chargersPeak, readAt, updatedAt: new Date(now).toISOString() }, readVersion);
    if (!claimed) {
      // Another replan wrote a newer plan since this one read: plan again on its state, unless it saw all this one saw.
      why = `${trigger} (planned again after a concurrent plan)`;
      lostRace = true;
      continue;
    }
    await putAllocationLog(siteId, stored);

    const previous = (l: ChargerLimit) => power.chargers.get(l.chargerId)?.applied?.limitA ?? Number.POSITIVE_INFINITY;
    const lowering = toSend.filter((l) => l.limitA < previous(l));
    const raising = toSend.filter((l) => l.limitA >= previous(l));
    const refusedNow: string[] = [];
    for (const group of [lowering, raising]) {
      const outcomes = await Promise.all(group.map((l) => applyLimit(byId.get(l.chargerId)!, power.chargers.get(l.chargerId), l, settings, planVersion)));
      group.forEach((l, i) => {
        sent.push(l.chargerId);
        if (outcomes[i] === 'refused') refusedNow.push(l.chargerId);
      });
    }
    if (!refusedNow.length) return { planVersion, planId, limits: allocation.limits, sent, flagged };
    flagged.push(...refusedNow);
    why = `${trigger}; ${refusedNow.join(', ')} refused profiles: counted at full rating`;
  }
  log.warn('power replan gave up after its rounds', { siteId, trigger });
  return undefined;
}

type ApplyOutcome = 'accepted' | 'refused' | 'not_applied';

/** Sends one charger its limit; records what it accepted, or flags it when it refuses. */
async function applyLimit(cp: ChargePoint, item: PowerChargerItem | undefined, limit: ChargerLimit, settings: SiteSettings, planVersion: number): Promise<ApplyOutcome> {
  const identity = cp.identity!;
  const version = cp.protocol!;
  const refuse = async (reason: string): Promise<ApplyOutcome> => {
    await recordChargerFacts(cp.siteId, cp.chargePointId, { refusesProfiles: { at: new Date().toISOString(), reason } });
    log.warn('charger refuses charging profiles', { identity, reason });
    return 'refused';
  };
  try {
    const capabilities = item?.capabilities ?? (await readCapabilities(identity, version, REQUESTED_BY, COMMAND_TIMEOUT_MS));
    if (capabilities && !item?.capabilities) await recordChargerFacts(cp.siteId, cp.chargePointId, { capabilities });
    const caps = capabilities ?? { maxStackLevel: 0, units: ['A'] as const, readAt: '' };
    const unit = caps.units.includes('A') ? 'A' : caps.units.includes('W') ? 'W' : undefined;
    if (!unit) return await refuse('its configuration allows neither A nor W as a charging rate unit');
    const numberPhases = item?.phases ?? settings.phases;
    // OCPP's A is per phase; W is the total over the phases (1.6 §7.13, 2.0.1 2.13 ChargingRateUnitEnumType).
    const value = unit === 'A' ? limit.limitA : Math.floor(limit.limitA * settings.voltageV * numberPhases);
    const record = await callChargePoint(identity, 'SetChargingProfile', profilePayload(version, caps.maxStackLevel, unit, value, numberPhases), {
      timeoutMs: COMMAND_TIMEOUT_MS,
      requestedBy: REQUESTED_BY,
    });
    if (record.status === 'rejected' || record.status === 'error') return await refuse(refusalWords(record));
    if (record.status !== 'accepted') return 'not_applied';
    const verified = await compositeLimit(identity, version, unit);
    // Above what it accepted: it does not obey its profile. Below is fine (another limit is lower).
    if (verified !== undefined && verified > value + 0.05) return await refuse(`its composite schedule allows ${verified} ${unit}, above the ${value} ${unit} it accepted`);
    // No composite schedule (Accepted without one, Rejected, a CALLERROR, no answer): the charger
    // accepted the profile, which is all OCPP asks of it; GetCompositeSchedule is a report it may be
    // unable to give (1.6 §5.7, 2.0.1 K08). So it is not flagged as refusing: the limit is applied,
    // unverified (`applied_verified` false), and counted as obeyed.
    if (verified === undefined) log.info('charging profile accepted, unverified: no composite schedule', { identity });
    const applied: AppliedProfile = {
      limitA: limit.limitA,
      previous: item?.applied ? { limitA: item.applied.limitA, sentAt: item.applied.sentAt } : 'none',
      unit,
      value,
      profileId: POWER_PROFILE_ID,
      stackLevel: caps.maxStackLevel,
      sentAt: record.sentAt,
      planVersion,
      ...(verified !== undefined ? { verifiedLimit: verified } : {}),
    };
    await recordChargerFacts(cp.siteId, cp.chargePointId, { applied });
    return 'accepted';
  } catch (err) {
    // A busy charger (another command holds its slot) or a profile the schemas refuse: not a refusal
    // by the charger; the next replan tries again.
    log.warn('charging profile not applied', { identity, err });
    return 'not_applied';
  }
}

function refusalWords(record: CommandRecord): string {
  if (record.error) return `${record.action}: CALLERROR ${record.error.code}${record.error.description ? ` (${record.error.description})` : ''}`;
  return `${record.action}: ${String(record.response?.status ?? 'Rejected')}`;
}

export function profilePayload(version: 'ocpp1.6' | 'ocpp2.0.1', stackLevel: number, unit: 'A' | 'W', limit: number, numberPhases: number): JsonObject {
  const startSchedule = new Date().toISOString();
  const period = { startPeriod: 0, limit, numberPhases };
  if (version === 'ocpp1.6') {
    return {
      connectorId: 0,
      csChargingProfiles: {
        chargingProfileId: POWER_PROFILE_ID,
        stackLevel,
        chargingProfilePurpose: 'ChargePointMaxProfile',
        chargingProfileKind: 'Absolute',
        chargingSchedule: { startSchedule, chargingRateUnit: unit, chargingSchedulePeriod: [period] },
      },
    };
  }
  return {
    evseId: 0,
    chargingProfile: {
      id: POWER_PROFILE_ID,
      stackLevel,
      chargingProfilePurpose: 'ChargingStationMaxProfile',
      chargingProfileKind: 'Absolute',
      chargingSchedule: [{ id: POWER_PROFILE_ID, startSchedule, chargingRateUnit: unit, chargingSchedulePeriod: [period] }],
    },
  };
}

/** The first limit of the composite schedule on connector / EVSE 0, when the charger gives one. */
async function compositeLimit(identity: string, version: 'ocpp1.6' | 'ocpp2.0.1', unit: 'A' | 'W'): Promise<number | undefined> {
  const payload = version === 'ocpp1.6' ? { connectorId: 0, duration: COMPOSITE_DURATION_S, chargingRateUnit: unit } : { evseId: 0, duration: COMPOSITE_DURATION_S, chargingRateUnit: unit };
  const record = await callChargePoint(identity, 'GetCompositeSchedule', payload, { timeoutMs: COMMAND_TIMEOUT_MS, requestedBy: REQUESTED_BY });
  if (record.status !== 'accepted' || !record.response) return undefined;
  const schedule = (version === 'ocpp1.6' ? record.response.chargingSchedule : record.response.schedule) as { chargingSchedulePeriod?: Array<{ limit?: number }> } | undefined;
  const first = schedule?.chargingSchedulePeriod?.[0]?.limit;
  return typeof first === 'number' ? first : undefined;
}

