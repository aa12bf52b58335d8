// The site allocator (issue #18): from a site's state (settings, meter, charging cars, each charger's
// limits, what was allocated before) it computes the current limit of every charger. Pure and
// deterministic: no clock, no I/O; the caller passes `now` and the state, and keeps the `ramp` the
// answer returns for the next call. The property tests (test/unit/power/allocator.test.ts) drive it
// through random sites and time and check the physics at every step.
//
// Rules (../shared/DOMAIN.md §3; each one is a property test):
// - The fuse: on every phase, what the building draws + what every charger may draw ≤ fuse − margin.
//   Chargers that refuse profiles are counted at their full rating (they cannot be limited).
// - A car that charges gets 0 (paused) or at least MIN_A (6 A, IEC 61851's floor), never between.
// - Limits are multiples of STEP_A (0.5 A), rounded down (rounding never adds current).
// - After a charger's limit was lowered while its car charged, it is not raised again before
//   `rampUpDelayMs` (10 s by default): control loops faster than that oscillate with the car.
// - A meter older than `meterStaleAfterMs` (or none) is not trusted: the site falls back to the
//   static reserve, never to "no limit".
// - Solar: the chargers share the site's export (never more than a production meter says the panels
//   make now); solar_plus_min guarantees each admitted car 6 A on top. Peak shaving keeps the
//   15-minute average import (fixed quarter-hour blocks, as grid operators bill them) under the
//   limit: the energy left in the block, spread over the time left.
//
// Units: currents in A per phase (OCPP's `A` unit is per phase), a site's phases are indexed 0..2;
// power in W; energy in W·s; times in epoch ms.

export const MIN_A = 6;
export const STEP_A = 0.5;
export const DEFAULT_RAMP_UP_DELAY_MS = 10_000;
export const PEAK_BLOCK_MS = 15 * 60_000;
/** Replans happen at least this often (issue #18: "at least every minute"). */
export const DEFAULT_REPLAN_HORIZON_MS = 60_000;
/** Float slack for comparisons of sums of halves. */
const EPS = 1e-9;

export type Phase = 0 | 1 | 2;
export const MODES = ['static', 'dynamic', 'solar', 'solar_plus_min', 'peak_shaving'] as const;
export type Mode = (typeof MODES)[number];
export const DISTRIBUTIONS = ['equal', 'first_come', 'priority'] as const;
export type Distribution = (typeof DISTRIBUTIONS)[number];

export interface SiteSettings {
  /** The main fuse, A per phase. */
  readonly fuseA: number;
  readonly phases: 1 | 3;
  readonly voltageV: number;
  /** Kept free on every phase, always. */
  readonly marginA: number;
  readonly mode: Mode;
  /** Peak shaving: the 15-minute average import limit. */
  readonly peakLimitKw?: number;
  readonly distribution: Distribution;
  /**
   * What all chargers together may draw per phase when no meter is trusted: the mode `static`, and the
   * fallback of every other mode when the meter is stale. The installer sets it from the building's
   * worst case; it is capped at fuse − margin here.
   */
  readonly staticChargingA: number;
  /** The meter measures the grid connection with the chargers behind it (their draw is in its reading). */
  readonly meterIncludesChargers: boolean;
  readonly meterStaleAfterMs: number;
  readonly rampUpDelayMs?: number;
  /** How long an allocation may stand before the next replan (the schedule's interval, 60 s by default). */
  readonly replanHorizonMs?: number;
}

export interface ChargerState {
  readonly chargerId: string;
  /** The charger's own maximum, A per phase (its rating, or what the installer set). */
  readonly maxA: number;
  readonly phases: 1 | 3;
  /** A single-phase charger on a three-phase site: the phase it is wired to (default L1). */
  readonly phase?: Phase;
  /** `priority` distribution: higher first. */
  readonly priority?: number;
  /** It refused charging profiles: not controlled, counted at its full rating. */
  readonly refusesProfiles?: boolean;
  /** A car that charges (a session that wants current), and since when (first come first served). */
  readonly charging?: { readonly since: number };
  /**
   * What the charger was last measured to draw (its own meter values, sessions.ts), per site phase,
   * and when (epoch ms). Subtracted from a meter that sees the chargers: see `subtractableA`.
   */
  readonly measured?: { readonly at: number; readonly currentA: readonly number[] };
  /**
   * The limits the charger was given, newest first, each with when it took effect (epoch ms): what the
   * planner sent last (maybe still unanswered), what it accepted, and the one before. Empty or absent:
   * no limit was ever sent, it may draw its rating. Before its oldest entry the limit is unknown,
   * unless that entry has `since` 0 (the planner lists the rating so when it knows the whole story).
   */
  readonly limitHistory?: ReadonlyArray<{ readonly limitA: number; readonly since: number }>;
}

export interface MeterReading {
  readonly at: number;
  /** Per site phase, A; positive is import, negative export. */
  readonly currentA: readonly number[];
}

/** What the allocator remembers per charger between calls (returned as `ramp`, passed back in). */
export interface RampState {
  readonly limitA: number;
  /** When the limit was last lowered while its car charged. */
  readonly loweredAt?: number;
}

/** The energy imported so far in the current quarter-hour block (peak shaving). */
export interface PeakBlock {
  readonly blockStart: number;
  readonly importedWs: number;
}

export interface SiteState {
  readonly settings: SiteSettings;
  readonly chargers: readonly ChargerState[];
  readonly meter?: MeterReading;
  /**
   * A solar production meter's reading, when the site has one besides the grid meter (A per phase,
   * the magnitude is the production whatever sign the meter gives). Only the solar modes read it,
   * and only to lower what the chargers take: see `solarCapA`.
   */
  readonly solar?: MeterReading;
  readonly ramp?: Readonly<Record<string, RampState>>;
  readonly peak?: PeakBlock;
  readonly now: number;
}

export type LimitReason =
  | 'charging'
  | 'at charger maximum'
  | 'paused: below 6 A'
  | 'waiting to ramp up'
  | 'idle'
  | 'refuses profiles: counted at full rating';

export interface ChargerLimit {
  readonly chargerId: string;
  /** A per phase; 0 = paused or idle. For a charger that refuses profiles: its rating (not sent). */
  readonly limitA: number;
  readonly reason: LimitReason;
  /** The site phases it draws on. */
  readonly sitePhases: readonly Phase[];
  /** Differs from the previous allocation: only these get a new profile. */
  readonly changed: boolean;
}

export type BudgetSource = 'static' | 'meter' | 'stale_meter_fallback' | 'no_meter_fallback';

export interface Allocation {
  readonly at: number;
  readonly source: BudgetSource;
  /** What the controlled chargers together could draw per site phase (before the 6 A floor). */
  readonly perPhaseA: readonly number[];
  /** A cap on the sum of their currents over all phases (solar, peak shaving), when the mode sets one. */
  readonly totalA?: number;
  /** The building's own draw per phase as the meter showed it (without the chargers), when trusted. */
  readonly buildingA?: readonly number[];
  readonly limits: readonly ChargerLimit[];
  readonly ramp: Readonly<Record<string, RampState>>;
}

const floorStep = (a: number) => Math.floor((a + EPS) / STEP_A) * STEP_A;

/** The site phases a charger draws on. */
export function sitePhasesOf(c: Pick<ChargerState, 'phases' | 'phase'>, site: Pick<SiteSettings, 'phases'>): Phase[] {
  if (site.phases === 1) return [0];
  return c.phases === 3 ? [0, 1, 2] : [c.phase ?? 0];
}

/** Is the meter trusted now? */
export function meterIsFresh(s: Pick<SiteState, 'settings' | 'meter' | 'now'>): boolean {
  return !!s.meter && s.now - s.meter.at <= s.settings.meterStaleAfterMs && s.meter.at <= s.now + s.settings.meterStaleAfterMs;
}

/** A charger's measurement counts only if taken this close to the meter reading (either side). */
export const MEASUREMENT_FRESH_MS = 30_000;
/**
 * How long a car may take to follow a new limit: IEC 61851-1 gives the car about 5 s to obey a lower
 * PWM duty cycle, and it takes up a higher one as slowly as it likes; a limit counts as in force for
 * this long after the next one was sent.
 */
export const CAR_RESPONSE_MS = 5_000;

/**
 * What may be taken off a meter reading that sees the chargers, for one charger, per site phase.
 *
 * Safety: the building's draw is the reading minus what the chargers drew at the moment of the
 * reading. Subtracting MORE than a charger drew then makes the building look smaller than it is and
 * hands the difference to the cars: over the fuse. Subtracting less only wastes some current. So every
 * doubt counts as "drew less":
 * - A measurement counts only when taken within MEASUREMENT_FRESH_MS of the meter reading, either
 *   side. Older, or none: the charger counts as drawing 0 (the reading's building keeps its draw).
 * - It counts at most the lowest limit the charger had from CAR_RESPONSE_MS before the earlier of
 *   the two moments until now. A car draws at most its limit, so a limit lowered between the
 *   measurement and the reading (or since) caps what it can have drawn at the reading; a limit raised
 *   after the reading cannot have been drawn by it. Taking the lowest is exact for a car that draws a
 *   steady current below or at its limits (what the property tests drive), and errs low otherwise.
 * - When the limits of that whole stretch are not known (more changes than the history holds), it
 *   counts 0. A charger that never got a limit, or refuses profiles, is capped at its rating.
 * What this cannot see: a car that lowers its own draw (full battery, a pause) after its measurement
 * and before the reading is subtracted at its older draw, by at most that drop and for at most
 * MEASUREMENT_FRESH_MS (2.0.1 chargers report a pause as a chargingState, which counts 0: planner.ts).
 */
export function subtractableA(c: ChargerState, meterAt: number, settings: Pick<SiteSettings, 'phases'>): number[] {
  const n = settings.phases;
  const none = Array.from({ length: n }, () => 0);
  const m = c.measured;
  if (!m || Math.abs(m.at - meterAt) > MEASUREMENT_FRESH_MS) return none;
  const from = Math.min(m.at, meterAt) - CAR_RESPONSE_MS;
  let cap = c.maxA;
  if (!c.refusesProfiles && c.limitHistory?.length) {
    let covered = false;
    for (const l of c.limitHistory) {
      cap = Math.min(cap, l.limitA);
      if (l.since <= from) {
        covered = true;
        break;
      }
    }
    if (!covered) return none;
  }
  const phases = sitePhasesOf(c, settings);
  return none.map((_, p) => (phases.includes(p as Phase) ? Math.min(cap, Math.max(0, m.currentA[p] ?? 0)) : 0));
}

/**
 * The solar modes' cap from a separate solar production meter: what the panels produce now, in A
 * summed over the phases; unlimited without a fresh one (the grid meter alone decides, as before).
 *
 * How it combines with the grid meter, safely: the grid meter stays the only source of the fuse
 * budget and of the export; the production meter can only LOWER the chargers' share of the export
 * (the minimum of the two), never raise anything. The export is production minus what the building
 * uses, so it cannot exceed the production: when a cloud cuts the production and the production
 * meter reports it before the grid meter's next reading, the cars follow the production at once
 * instead of importing until then. A wrong or odd production reading (either sign, noise) can only
 * make the cars take less. A stale production meter (older than the site's stale time, as the grid
 * meter) is ignored; without a trusted grid meter the site keeps its static reserve, as every mode
 * does: production alone says nothing of what the building uses, so it cannot say what is exported.
 */
export function solarCapA(s: Pick<SiteState, 'settings' | 'solar' | 'now'>): number {
  if (!s.solar || !meterIsFresh({ settings: s.settings, meter: s.solar, now: s.now })) return Number.POSITIVE_INFINITY;
  return s.solar.currentA.slice(0, s.settings.phases).reduce((sum, a) => sum + Math.abs(a), 0);
}

interface Budget {
  readonly source: BudgetSource;
  readonly perPhase: number[];
  readonly total?: number;
  readonly building?: number[];
}

/** What the controlled chargers may draw: per phase, and in total where the mode caps it. */
function budgetOf(s: SiteState, reserved: number[], charging: readonly ChargerState[]): Budget {
  const { settings } = s;
  const n = settings.phases;
  const line = settings.fuseA - settings.marginA;
  const staticCap = () => Array.from({ length: n }, (_, p) => Math.min(settings.staticChargingA, line) - reserved[p]!);
  if (settings.mode === 'static') return { source: 'static', perPhase: staticCap() };
  if (!meterIsFresh(s)) return { source: s.meter ? 'stale_meter_fallback' : 'no_meter_fallback', perPhase: staticCap() };

  // The building's own draw: the reading minus what the chargers drew when it was taken, when the
  // meter sees them (subtractableA says how much of a measurement may be taken off, and why).
  const drawn = Array.from({ length: n }, () => 0);
  if (settings.meterIncludesChargers) {
    for (const c of s.chargers) subtractableA(c, s.meter!.at, settings).forEach((a, p) => (drawn[p]! += a));
  }
  const building = Array.from({ length: n }, (_, p) => (s.meter!.currentA[p] ?? 0) - drawn[p]!);
  const perPhase = Array.from({ length: n }, (_, p) => line - building[p]! - reserved[p]!);
  const reservedTotal = reserved.reduce((a, b) => a + b, 0);
  const buildingTotal = building.reduce((a, b) => a + b, 0);

  switch (settings.mode) {
    case 'dynamic':
      return { source: 'meter', perPhase, building };
    case 'solar':
    case 'solar_plus_min': {
      // The export the building leaves (negative building draw), shared by the chargers, and never
      // more than the panels make now (solarCapA).
      const surplus = Math.min(Math.max(0, -buildingTotal - reservedTotal), solarCapA(s));
      const total =
        settings.mode === 'solar' ? surplus : Math.max(surplus, charging.reduce((sum, c) => sum + MIN_A * sitePhasesOf(c, settings).length, 0));
      return { source: 'meter', perPhase, total, building };
    }
    case 'peak_shaving': {
      const limitW = (settings.peakLimitKw ?? 0) * 1000;
      const blockStart = Math.floor(s.now / PEAK_BLOCK_MS) * PEAK_BLOCK_MS;
      const used = s.peak && s.peak.blockStart === blockStart ? s.peak.importedWs : 0;
      const leftS = Math.max(1, (blockStart + PEAK_BLOCK_MS - s.now) / 1000);
      // The average import power the rest of the block may have, so the block ends at the limit.
      let allowedW = (limitW * (PEAK_BLOCK_MS / 1000) - used) / leftS;
      // An allocation that may still stand when the next block begins must also suit that block:
      // at most the limit itself, so the new block's average starts within it.
      if (s.now + (settings.replanHorizonMs ?? DEFAULT_REPLAN_HORIZON_MS) > blockStart + PEAK_BLOCK_MS) allowedW = Math.min(allowedW, limitW);
      const total = Math.max(0, allowedW / settings.voltageV - buildingTotal - reservedTotal);
      return { source: 'meter', perPhase, total, building };
    }
    default:
      return { source: 'meter', perPhase, building };
  }
}

interface Candidate {
  readonly c: ChargerState;
  readonly phases: Phase[];
  /** Its own ceiling this round: maxA, or the held limit while ramping up. */
  readonly ceiling: number;
  readonly held: boolean;
  limit: number;
  /**
   * Its ramp-up hold, and nothing else, kept it from more: at some turn the budget had room for it and
   * only the hold's ceiling stood in the way. Until that turn a distribution with this car's hold
   * lifted runs exactly the same, so this is what lifting it alone would change (others' holds stay).
   */
  heldBack: boolean;
}

/** Would lifting x's hold let it take `step` more now? Only the hold's ceiling stands in the way. */
const holdBinds = (x: Candidate, step: number, budgetFits: boolean) => x.held && budgetFits && x.limit + step <= floorStep(x.c.maxA) + EPS && x.limit + step > x.ceiling + EPS;

/** Who goes first when there is not enough for everyone (equal share: who came first). */
function order(d: Distribution, cs: Candidate[]): Candidate[] {
  const since = (x: Candidate) => x.c.charging!.since;
  const byArrival = (a: Candidate, b: Candidate) => since(a) - since(b) || (a.c.chargerId < b.c.chargerId ? -1 : a.c.chargerId > b.c.chargerId ? 1 : 0);
  if (d === 'priority') return [...cs].sort((a, b) => (b.c.priority ?? 0) - (a.c.priority ?? 0) || byArrival(a, b));
  return [...cs].sort(byArrival);
}

/**
 * Raise the limits of `active` together (equal share), STEP_A at a time, in rounds: each round every
 * car that still fits gets one more step, in arrival order. A car that does not fit drops out for
 * good (what is left only shrinks). So cars on the same phases end at most one step apart, the
 * result lies on the 0.5 A grid with nothing to round, and the same inputs give the same limits again
 * (a replan with nothing changed sends nothing, also while some cars wait to ramp up).
 */
function fillEqually(active: Candidate[], left: number[], total: { left: number }): void {
  let rising = active;
  while (rising.length) {
    const next: Candidate[] = [];
    for (const x of rising) {
      const fits = x.phases.every((p) => left[p]! >= STEP_A - EPS) && total.left >= STEP_A * x.phases.length - EPS;
      if (x.limit + STEP_A > x.ceiling + EPS) {
        if (holdBinds(x, STEP_A, fits)) x.heldBack = true;
        continue;
      }
      if (!fits) continue;
      x.limit += STEP_A;
      for (const p of x.phases) left[p]! -= STEP_A;
      total.left -= STEP_A * x.phases.length;
      next.push(x);
    }
    rising = next;
  }
}

/**
 * Admission, then the rest of the budget: sets each candidate's `limit` (0 when not admitted). Pure
 * in its inputs: the budget arrays are copied.
 */
function distribute(distribution: Distribution, candidates: Candidate[], perPhase: readonly number[], totalA: number | undefined): void {
  const left = perPhase.map((a) => Math.max(0, a));
  const total = { left: totalA ?? Number.POSITIVE_INFINITY };
  // Admission: 6 A on each of its phases, in the distribution's order, while it fits.
  const admitted: Candidate[] = [];
  for (const x of order(distribution, candidates)) {
    const need = MIN_A * x.phases.length;
    const fits = x.phases.every((p) => left[p]! >= MIN_A - EPS) && total.left >= need - EPS;
    if (x.ceiling < MIN_A - EPS) {
      if (holdBinds(x, MIN_A, fits)) x.heldBack = true;
      continue;
    }
    if (fits) {
      x.limit = MIN_A;
      for (const p of x.phases) left[p]! -= MIN_A;
      total.left -= need;
      admitted.push(x);
    }
  }

  // The rest of the budget: equal share, or in order (first come, priority), each taking what fits.
  if (distribution === 'equal') fillEqually(order('equal', admitted), left, total);
  else {
    for (const x of order(distribution, admitted)) {
      const budgetRoom = floorStep(Math.min(...x.phases.map((p) => left[p]!), Number.isFinite(total.left) ? total.left / x.phases.length : Number.POSITIVE_INFINITY));
      const room = floorStep(Math.min(x.ceiling - x.limit, budgetRoom));
      if (holdBinds(x, room + STEP_A, budgetRoom >= room + STEP_A - EPS)) x.heldBack = true;
      if (room <= EPS) continue;
      x.limit += room;
      for (const p of x.phases) left[p]! -= room;
      total.left -= room * x.phases.length;
    }
  }
}

/** Allocates the site. See the rules at the top of this file. */
export function allocate(s: SiteState): Allocation {
  const { settings, now } = s;
  const n = settings.phases;
  const rampDelay = settings.rampUpDelayMs ?? DEFAULT_RAMP_UP_DELAY_MS;
  const ramp = s.ramp ?? {};

  const reserved = Array.from({ length: n }, () => 0);
  for (const c of s.chargers) if (c.refusesProfiles) for (const p of sitePhasesOf(c, settings)) reserved[p]! += c.maxA;

  const wanting = s.chargers.filter((c) => c.charging && !c.refusesProfiles);
  const budget = budgetOf(s, reserved, wanting);
  const candidates: Candidate[] = wanting.map((c) => {
    const before = ramp[c.chargerId];
    const held = !!before && before.loweredAt !== undefined && now - before.loweredAt < rampDelay;
    const ceiling = floorStep(Math.min(c.maxA, held ? before!.limitA : c.maxA));
    return { c, phases: sitePhasesOf(c, settings), ceiling, held, limit: 0, heldBack: false };
  });
  // Why a car held by its ramp-up wait got what it got: the wait only when lifting its own hold would
  // have given it more (`heldBack`). Otherwise the budget is what limits it, and the reason says so
  // (a car lowered a moment ago by a full site is still limited by the site).
  distribute(settings.distribution, candidates, budget.perPhase, budget.total);

  const next: Record<string, RampState> = {};
  const limits: ChargerLimit[] = s.chargers.map((c) => {
    const phases = sitePhasesOf(c, settings);
    const before = ramp[c.chargerId];
    const previous = before?.limitA;
    if (c.refusesProfiles) {
      next[c.chargerId] = { limitA: c.maxA };
      return { chargerId: c.chargerId, limitA: c.maxA, reason: 'refuses profiles: counted at full rating', sitePhases: phases, changed: previous !== c.maxA };
    }
    const x = candidates.find((y) => y.c === c);
    let limitA = 0;
    let reason: LimitReason = 'idle';
    if (x) {
      limitA = x.limit >= MIN_A - EPS ? floorStep(x.limit) : 0;
      reason = x.heldBack ? 'waiting to ramp up' : limitA === 0 ? 'paused: below 6 A' : limitA >= floorStep(c.maxA) ? 'at charger maximum' : 'charging';
    }
    // A limit lowered while the car charges starts the ramp-up wait; keep an unexpired wait.
    const lowered = x && previous !== undefined && limitA < previous;
    const loweredAt = lowered ? now : before?.loweredAt !== undefined && now - before.loweredAt < rampDelay ? before.loweredAt : undefined;
    next[c.chargerId] = { limitA, ...(loweredAt !== undefined ? { loweredAt } : {}) };
    return { chargerId: c.chargerId, limitA, reason, sitePhases: phases, changed: previous !== limitA };
  });

  return {
    at: now,
    source: budget.source,
    perPhaseA: budget.perPhase.map((a) => Math.max(0, a)),
    ...(budget.total !== undefined ? { totalA: budget.total } : {}),
    ...(budget.building ? { buildingA: budget.building } : {}),
    limits,
    ramp: next,
  };
}
