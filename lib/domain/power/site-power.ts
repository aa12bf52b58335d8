// A location's power management through the API (issue #18, docs/power.md "API"): settings and
// per-charger settings (`location:configure` to change, `location:read` to see), meters, the
// meters' own ingestion route, and the current allocation. The planning itself is planner.ts.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { getChargePoint } from '../../db/charge-points';
import {
  deleteMeter,
  getMeterById,
  listAllocationLog,
  putChargerSettings,
  putMeter,
  putPowerSettings,
  readPowerState,
  recordReading,
  type MeterReadingRecord,
  type PowerChargerItem,
  type PowerMeterItem,
  type StoredAllocation,
} from '../../db/power';
import { hitWindow } from '../../db/rate-limits';
import { makeEvent, publish } from '../../events/publish';
import type { AccountPrincipal } from '../../http/handler';
import { newId, nowIso } from '../../ids';
import { Conflict, NotFound, TooManyRequests, Unauthorized, ValidationFailed, type FieldIssue } from '../errors';
import { locationAccess, requireOn } from '../locations';
import { meterIsFresh, PEAK_BLOCK_MS, type Distribution, type Mode, type Phase, type SiteSettings } from './allocator';

/** A reading may be this far ahead of our clock (meters' clocks drift; more is a wrong clock). */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;
/** A reading that moves any phase by more than this replans the location at once (else the minute's replan). */
export const REPLAN_THRESHOLD_A = 1;
/** Readings one meter may send per window: one a second is plenty for a control loop of 10–30 s (DOMAIN.md §3). */
export const METER_READING_LIMIT = { limit: 60, windowSeconds: 60 } as const;
const HISTORY_SHOWN = 20;

export interface SettingsInput {
  readonly fuse_a: number;
  readonly phases: 1 | 3;
  readonly voltage_v: number;
  readonly margin_a: number;
  readonly mode: Mode;
  readonly peak_limit_kw?: number | undefined;
  readonly distribution: Distribution;
  readonly static_charging_a: number;
  readonly meter_includes_chargers: boolean;
  readonly meter_stale_after_s: number;
  readonly ramp_up_delay_s: number;
}

function invalid(issues: FieldIssue[]): never {
  throw new ValidationFailed(`Invalid power settings: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`, issues);
}

/** The checks across fields (the schema checks each field alone). */
export function settingsFrom(input: SettingsInput): SiteSettings {
  const issues: FieldIssue[] = [];
  if (input.margin_a >= input.fuse_a) issues.push({ field: 'margin_a', message: `must be below fuse_a (${input.fuse_a} A)` });
  else if (input.static_charging_a > input.fuse_a - input.margin_a) issues.push({ field: 'static_charging_a', message: `must be at most fuse_a − margin_a (${input.fuse_a - input.margin_a} A)` });
  if (input.mode === 'peak_shaving' && input.peak_limit_kw === undefined) issues.push({ field: 'peak_limit_kw', message: 'is required for the mode peak_shaving' });
  if (issues.length) invalid(issues);
  return {
    fuseA: input.fuse_a,
    phases: input.phases,
    voltageV: input.voltage_v,
    marginA: input.margin_a,
    mode: input.mode,
    ...(input.peak_limit_kw !== undefined ? { peakLimitKw: input.peak_limit_kw } : {}),
    distribution: input.distribution,
    staticChargingA: input.static_charging_a,
    meterIncludesChargers: input.meter_includes_chargers,
    meterStaleAfterMs: input.meter_stale_after_s * 1000,
    rampUpDelayMs: input.ramp_up_delay_s * 1000,
  };
}

function settingsView(s: SiteSettings) {
  return {
    fuse_a: s.fuseA,
    phases: s.phases,
    voltage_v: s.voltageV,
    margin_a: s.marginA,
    mode: s.mode,
    peak_limit_kw: s.peakLimitKw ?? null,
    distribution: s.distribution,
    static_charging_a: s.staticChargingA,
    meter_includes_chargers: s.meterIncludesChargers,
    meter_stale_after_s: Math.round(s.meterStaleAfterMs / 1000),
    ramp_up_delay_s: Math.round((s.rampUpDelayMs ?? 10_000) / 1000),
  };
}

function chargerView(chargePointId: string, c: PowerChargerItem | undefined) {
  return {
    charge_point_id: chargePointId,
    max_a: c?.maxA ?? null,
    phases: c?.phases ?? null,
    phase: c?.phase !== undefined ? c.phase + 1 : null,
    priority: c?.priority ?? null,
    refuses_profiles: c?.refusesProfiles ?? null,
  };
}

async function configurable(who: AccountPrincipal, locationId: string, action: 'location:read' | 'location:configure') {
  const access = await locationAccess(who, locationId);
  requireOn(access, action);
  return access.site;
}

export async function getPowerSettings(who: AccountPrincipal, locationId: string) {
  const site = await configurable(who, locationId, 'location:read');
  const power = await readPowerState(site.siteId);
  return {
    location_id: site.siteId,
    settings: power.settings ? settingsView(power.settings.settings) : null,
    version: power.settings?.version ?? 0,
    updated_at: power.settings?.updatedAt ?? null,
    charge_points: [...power.chargers.values()].map((c) => chargerView(c.chargePointId, c)),
  };
}

export async function setPowerSettings(who: AccountPrincipal, locationId: string, input: SettingsInput) {
  const site = await configurable(who, locationId, 'location:configure');
  const settings = settingsFrom(input);
  const before = await readPowerState(site.siteId);
  // A site that becomes single-phase cannot keep chargers booked on L2/L3.
  const misplaced = settings.phases === 1 ? [...before.chargers.values()].filter((c) => (c.phase ?? 0) > 0) : [];
  if (misplaced.length) invalid([{ field: 'phases', message: `charge points ${misplaced.map((c) => c.chargePointId).join(', ')} are set on phase L2/L3; set them to phase 1 first` }]);
  await putPowerSettings({ siteId: site.siteId, operatorId: site.operatorId, settings, version: (before.settings?.version ?? 0) + 1, updatedAt: nowIso() });
  await requestReplan(site.operatorId, site.siteId, 'settings changed');
  return getPowerSettings(who, locationId);
}

export async function setChargerPower(who: AccountPrincipal, locationId: string, chargePointId: string, input: { max_a: number; phases: 1 | 3; phase?: 1 | 2 | 3 | undefined; priority?: number | undefined }) {
  const access = await locationAccess(who, locationId);
  const cp = await getChargePoint(chargePointId, true);
  if (!cp || cp.siteId !== access.site.siteId) throw new NotFound(`Charge point ${chargePointId} not found`);
  requireOn(access, 'location:configure');
  const power = await readPowerState(access.site.siteId);
  const sitePhases = power.settings?.settings.phases ?? 3;
  if (input.phase !== undefined && input.phases === 3) invalid([{ field: 'phase', message: 'is only for a single-phase charger (phases 1)' }]);
  if (input.phase !== undefined && input.phase > sitePhases) invalid([{ field: 'phase', message: `must be 1 on a single-phase site` }]);
  if (power.settings && input.max_a > power.settings.settings.fuseA) invalid([{ field: 'max_a', message: `must be at most the fuse (${power.settings.settings.fuseA} A)` }]);
  await putChargerSettings(access.site.siteId, chargePointId, {
    maxA: input.max_a,
    phases: input.phases,
    ...(input.phase !== undefined ? { phase: (input.phase - 1) as Phase } : {}),
    ...(input.priority !== undefined ? { priority: input.priority } : {}),
  });
  await requestReplan(access.site.operatorId, access.site.siteId, `charger ${chargePointId} settings changed`);
  return chargerView(chargePointId, (await readPowerState(access.site.siteId)).chargers.get(chargePointId));
}

// --- Meters ---------------------------------------------------------------------------------------

export function hashMeterSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('base64url');
}

function meterView(m: PowerMeterItem, staleAfterMs: number | undefined, now = Date.now()) {
  return {
    meter_id: m.meterId,
    name: m.name,
    measures: m.measures,
    created_at: m.createdAt,
    last_reading: m.last
      ? { at: new Date(m.last.at).toISOString(), current_a: [...m.last.currentA], power_w: m.last.powerW ?? null, received_at: m.last.receivedAt }
      : null,
    stale: !m.last || staleAfterMs === undefined || !meterIsFresh({ settings: { meterStaleAfterMs: staleAfterMs } as SiteSettings, meter: { at: m.last.at, currentA: m.last.currentA }, now }),
  };
}

export function readingsUrl(meterId: string): string {
  return `${process.env.PUBLIC_BASE_URL ?? ''}/api/v1/meters/${meterId}/readings`;
}

/** A new meter and its secret, shown once (only its SHA-256 is kept). */
export async function createMeter(who: AccountPrincipal, locationId: string, input: { name: string; measures: 'grid' | 'solar' }) {
  const site = await configurable(who, locationId, 'location:configure');
  const secret = randomBytes(32).toString('base64url');
  const meter: PowerMeterItem = { siteId: site.siteId, operatorId: site.operatorId, meterId: newId('mtr'), name: input.name, measures: input.measures, secretHash: hashMeterSecret(secret), createdAt: nowIso() };
  await putMeter(meter);
  const settings = (await readPowerState(site.siteId)).settings?.settings;
  return { ...meterView(meter, settings?.meterStaleAfterMs), secret, readings_url: readingsUrl(meter.meterId) };
}

export async function listMeters(who: AccountPrincipal, locationId: string) {
  const site = await configurable(who, locationId, 'location:read');
  const power = await readPowerState(site.siteId);
  return { meters: power.meters.map((m) => meterView(m, power.settings?.settings.meterStaleAfterMs)) };
}

export async function removeMeter(who: AccountPrincipal, locationId: string, meterId: string): Promise<void> {
  const site = await configurable(who, locationId, 'location:configure');
  if (!(await deleteMeter(site.siteId, meterId))) throw new NotFound(`Meter ${meterId} not found`);
  await requestReplan(site.operatorId, site.siteId, `meter ${meterId} removed`);
}

export interface ReadingInput {
  readonly at: string;
  readonly current_a?: readonly number[] | undefined;
  readonly power_w?: number | undefined;
  readonly direction: 'import' | 'export';
}

/** Constant-time comparison of the hashes (equal length by construction). */
function secretMatches(meter: PowerMeterItem, secret: string | undefined): boolean {
  if (!secret) return false;
  const a = Buffer.from(hashMeterSecret(secret));
  const b = Buffer.from(meter.secretHash);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The meter a reading claims to come from, authenticated by its own secret (a bearer token; the
 * route has no account). Checked before anything of the request is validated (the route's
 * OwnCredential), so a caller without the secret gets 401 whatever it sends and learns nothing of the
 * reading's rules. Unknown meter and wrong secret answer the same 401, so the route tells nobody
 * which meter ids exist. The per-meter limit is counted after the secret is checked: nobody else can
 * use up a meter's allowance.
 */
export async function authenticateMeter(meterId: string | undefined, secret: string | undefined, now = Date.now()): Promise<PowerMeterItem> {
  const meter = meterId ? await getMeterById(meterId) : undefined;
  if (!meter || !secretMatches(meter, secret)) throw new Unauthorized("Send the meter's secret as `Authorization: Bearer <secret>`");
  const hit = await hitWindow('meter-readings', meter.meterId, METER_READING_LIMIT.limit, METER_READING_LIMIT.windowSeconds, now);
  if (!hit.allowed) throw new TooManyRequests(`Too many readings from this meter; send at most ${METER_READING_LIMIT.limit} a minute`, { retry_after_seconds: hit.retryAfterSeconds });
  return meter;
}

/** A reading of an authenticated meter (authenticateMeter): validated, recorded, and a replan asked for when it moved. */
export async function ingestReading(meter: PowerMeterItem, input: ReadingInput, now = Date.now()) {
  const meterId = meter.meterId;
  const settings = (await readPowerState(meter.siteId)).settings?.settings;
  const at = Date.parse(input.at);
  const issues: FieldIssue[] = [];
  if ((input.current_a === undefined) === (input.power_w === undefined)) issues.push({ field: 'current_a', message: 'send either current_a (A per phase) or power_w (W), not both and not neither' });
  const phases = settings?.phases;
  if (input.current_a && phases !== undefined && input.current_a.length !== phases) issues.push({ field: 'current_a', message: `must have ${phases} value(s), one per phase of the site` });
  if (input.current_a && settings) {
    // A reading beyond twice the fuse is a wrong unit (mA, W) or a broken meter, not a real current.
    const bad = input.current_a.findIndex((a) => Math.abs(a) > 2 * settings.fuseA);
    if (bad >= 0) issues.push({ field: `current_a.${bad}`, message: `must be within ±${2 * settings.fuseA} A (twice the fuse): is the unit A?` });
  }
  if (at > now + MAX_CLOCK_SKEW_MS) issues.push({ field: 'at', message: "is more than 5 minutes ahead of the server's clock: check the meter's clock" });
  if (meter.last && at < meter.last.at) issues.push({ field: 'at', message: `is older than the last accepted reading (${new Date(meter.last.at).toISOString()})` });
  if (issues.length) throw new ValidationFailed(`Reading refused: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`, issues);

  const n = phases ?? input.current_a?.length ?? 3;
  const voltage = settings?.voltageV ?? 230;
  // Power is spread evenly over the phases: a meter that reports only W cannot say more.
  const currentA = input.current_a ? [...input.current_a] : Array.from({ length: n }, () => ((input.direction === 'export' ? -1 : 1) * input.power_w!) / voltage / n);
  const last: MeterReadingRecord = { at, currentA, ...(input.power_w !== undefined ? { powerW: input.direction === 'export' ? -input.power_w : input.power_w } : {}), receivedAt: new Date(now).toISOString() };
  const peak = nextPeakBlock(meter, last, voltage, settings?.meterStaleAfterMs);
  if (!(await recordReading(meter.siteId, meterId, last, peak))) {
    throw new Conflict('A newer reading of this meter was accepted meanwhile', { field: 'at' });
  }
  // A solar production meter matters only to the solar modes (it caps their share: allocator.ts solarCapA).
  const read = meter.measures === 'grid' || settings?.mode === 'solar' || settings?.mode === 'solar_plus_min';
  const moved = read && (!meter.last || currentA.some((a, p) => Math.abs(a - (meter.last!.currentA[p] ?? 0)) > REPLAN_THRESHOLD_A));
  if (moved && settings) await requestReplan(meter.operatorId, meter.siteId, `meter ${meterId} reading moved`);
  return { meter_id: meterId, at: new Date(at).toISOString(), replan_requested: moved && !!settings };
}

/**
 * The import energy of the current quarter-hour block, integrated from the readings (the previous
 * reading's import held until this one, at most the stale time: a gap is not guessed).
 */
function nextPeakBlock(meter: PowerMeterItem, next: MeterReadingRecord, voltage: number, staleAfterMs = 120_000) {
  if (meter.measures !== 'grid') return undefined;
  const blockStart = Math.floor(next.at / PEAK_BLOCK_MS) * PEAK_BLOCK_MS;
  const prev = meter.last;
  const importW = prev ? Math.max(0, prev.powerW ?? prev.currentA.reduce((s, a) => s + a, 0) * voltage) : 0;
  const from = prev ? Math.max(prev.at, blockStart, next.at - staleAfterMs) : next.at;
  const added = (importW * Math.max(0, next.at - from)) / 1000;
  const carried = meter.peak && meter.peak.blockStart === blockStart ? meter.peak.importedWs : 0;
  return { blockStart, importedWs: carried + added };
}

/** Asks for a replan through the bus (the planner's rule runs it), so the caller does not wait for chargers. */
export async function requestReplan(operatorId: string, siteId: string, trigger: string): Promise<void> {
  await publish([makeEvent('power.replan_requested', operatorId, { location_id: siteId, trigger, power_managed: true })]);
}

// --- The allocation -------------------------------------------------------------------------------

function allocationView(a: StoredAllocation) {
  return {
    at: new Date(a.at).toISOString(),
    plan_id: a.planId,
    trigger: a.trigger,
    source: a.source,
    budget_a_per_phase: [...a.perPhaseA],
    total_a: a.totalA ?? null,
    limits: a.limits.map((l) => ({ charge_point_id: l.chargerId, limit_a: l.limitA, reason: l.reason })),
    sent_to: [...a.sent],
  };
}

export async function getAllocation(who: AccountPrincipal, locationId: string) {
  const site = await configurable(who, locationId, 'location:read');
  const [power, history] = await Promise.all([readPowerState(site.siteId), listAllocationLog(site.siteId, HISTORY_SHOWN)]);
  const current = power.state?.lastAllocation;
  return {
    location_id: site.siteId,
    configured: power.settings !== undefined,
    plan_version: power.state?.planVersion ?? 0,
    current: current ? allocationView(current) : null,
    charge_points: (current?.limits ?? []).map((l) => {
      const c = power.chargers.get(l.chargerId);
      return {
        charge_point_id: l.chargerId,
        limit_a: l.limitA,
        reason: l.reason,
        applied_limit_a: c?.applied?.limitA ?? null,
        applied_at: c?.applied?.sentAt ?? null,
        applied_verified: c?.applied ? c.applied.verifiedLimit !== undefined : null,
        refuses_profiles: !!c?.refusesProfiles,
      };
    }),
    flagged: [...power.chargers.values()].filter((c) => c.refusesProfiles).map((c) => ({ charge_point_id: c.chargePointId, since: c.refusesProfiles!.at, reason: c.refusesProfiles!.reason })),
    history: history.map(allocationView),
  };
}
