// Property tests of the site allocator (issue #18): random sites (fuses, 1–50 chargers mixed 1- and
// 3-phase, some refusing profiles), meter traces, cars arriving and leaving, stale meters, driven
// through time. At every step: no phase over fuse − margin, no charging car below 6 A, limits in
// 0.5 A steps, no limit raised before the ramp-up delay, equal share within 0.5 A, solar only from
// export, and the 15-minute average import under the peak limit.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  allocate,
  CAR_RESPONSE_MS,
  DISTRIBUTIONS,
  MEASUREMENT_FRESH_MS,
  MIN_A,
  PEAK_BLOCK_MS,
  sitePhasesOf,
  STEP_A,
  subtractableA,
  type Allocation,
  type ChargerState,
  type Mode,
  type PeakBlock,
  type RampState,
  type SiteSettings,
} from '../../../lib/domain/power/allocator';

const EPS = 1e-6;
const RAMP_MS = 10_000;

interface ChargerSpec {
  readonly maxA: number;
  readonly phases: 1 | 3;
  readonly phase: 0 | 1 | 2;
  readonly priority: number;
  readonly refuses: boolean;
  /** Its car draws at most this share of the charger's maximum (cars draw less than their limit). */
  readonly want: number;
  /** How long its car takes to follow a new limit (at most CAR_RESPONSE_MS). */
  readonly responseMs: number;
}

const chargerSpec: fc.Arbitrary<ChargerSpec> = fc.record({
  maxA: fc.constantFrom(6, 10, 13, 16, 20, 25, 32, 16.3),
  phases: fc.constantFrom<1 | 3>(1, 3),
  phase: fc.constantFrom<0 | 1 | 2>(0, 1, 2),
  priority: fc.integer({ min: 0, max: 3 }),
  refuses: fc.nat(9).map((n) => n === 0), // one in ten (drawn by fast-check, so a seed replays it)
  want: fc.oneof(fc.constant(1), fc.double({ min: 0, max: 1, noNaN: true })),
  responseMs: fc.constantFrom(0, 2_000, CAR_RESPONSE_MS),
});

/** One step of the world: how long it lasts, who plugs in or leaves, what the building draws, how the cars draw. */
interface Step {
  readonly dtMs: number;
  readonly toggles: readonly number[];
  /** The building's draw per phase as a share of what the fuse leaves it (negative: export, solar). */
  readonly building: readonly number[];
  readonly meterStale: boolean;
  /** How old the meter's reading is (the building is taken as unchanged since; its chargers' draw is the one of then). */
  readonly meterLagMs: number;
  /** Whether the chargers' own meter values reached the planner at all this step. */
  readonly measured: boolean;
  /** How old each charger's latest measurement is (by charger index). */
  readonly measureLagMs: readonly number[];
  /** A solar production meter's reading, as a share of the line per phase, and whether it is stale; none: no such meter. */
  readonly production: { readonly share: number; readonly stale: boolean } | null;
}

const step = (stale: boolean, exportAllowed: boolean): fc.Arbitrary<Step> =>
  fc.record({
    dtMs: fc.constantFrom(1_000, 3_000, 5_000, 10_000, 30_000, 60_000),
    toggles: fc.array(fc.integer({ min: 0, max: 49 }), { maxLength: 4 }),
    building: fc.array(fc.double({ min: exportAllowed ? -1 : 0, max: 1, noNaN: true }), { minLength: 3, maxLength: 3 }),
    meterStale: stale ? fc.nat(19).map((n) => n < 3) : fc.constant(false),
    meterLagMs: fc.constantFrom(0, 1_000, 4_000, 15_000),
    measured: fc.boolean(),
    measureLagMs: fc.array(fc.constantFrom(0, 1_000, 3_000, 10_000, 25_000, 45_000, 90_000), { minLength: 50, maxLength: 50 }),
    production: fc.option(fc.record({ share: fc.double({ min: 0, max: 1, noNaN: true }), stale: fc.nat(19).map((n) => n < 3) })),
  });

const settingsOf = (mode: Mode, fields: { phases: 1 | 3; fuseA: number; marginA: number; staticShare: number; distribution: SiteSettings['distribution']; includes: boolean; peakKw?: number }): SiteSettings => ({
  fuseA: fields.fuseA,
  phases: fields.phases,
  voltageV: 230,
  marginA: fields.marginA,
  mode,
  distribution: fields.distribution,
  staticChargingA: Math.round((fields.fuseA - fields.marginA) * fields.staticShare),
  meterIncludesChargers: fields.includes,
  meterStaleAfterMs: 120_000,
  rampUpDelayMs: RAMP_MS,
  ...(fields.peakKw !== undefined ? { peakLimitKw: fields.peakKw } : {}),
});

const siteFields = fc.record({
  phases: fc.constantFrom<1 | 3>(1, 3),
  fuseA: fc.integer({ min: 16, max: 250 }),
  marginA: fc.integer({ min: 0, max: 5 }),
  staticShare: fc.double({ min: 0, max: 1, noNaN: true }),
  distribution: fc.constantFrom(...DISTRIBUTIONS),
  includes: fc.boolean(),
});

interface World {
  readonly settings: SiteSettings;
  readonly specs: readonly ChargerSpec[];
  readonly steps: readonly Step[];
}

interface Observed {
  readonly settings: SiteSettings;
  readonly chargers: readonly ChargerState[];
  readonly allocation: Allocation;
  readonly previous?: Allocation;
  /** The true building draw per phase while this allocation stands. */
  readonly building: readonly number[];
  readonly meterTrusted: boolean;
  readonly now: number;
  /** When each charger's limit was last lowered while its car charged (the test's own record). */
  readonly loweredAt: ReadonlyMap<string, number>;
  /** What a fresh solar production meter says the panels make, A over all phases; undefined: none trusted. */
  readonly productionA?: number;
}

/**
 * Runs the world: at each step the building draws its share, the meter reads it (and, when it sees
 * them, what the chargers drew at the moment of its reading), the chargers report what they drew a
 * little earlier, the allocator allocates, the chargers take their new limits and the cars follow
 * (each within its response time, each drawing at most what it wants). `check` sees every step;
 * `onEnergy` the imported energy of every stretch of time. `mutate` replaces what the allocator is
 * told about the chargers (to show the checks catch an unsafe subtraction).
 */
function run(world: World, check: (o: Observed) => void, onEnergy?: (fromMs: number, toMs: number, importW: number) => void, mutate?: (c: ChargerState, meterAt: number) => ChargerState): void {
  const { settings, specs } = world;
  const n = settings.phases;
  const line = settings.fuseA - settings.marginA;
  const reserved = Array.from({ length: n }, () => 0);
  specs.forEach((c) => {
    if (c.refuses) for (const p of sitePhasesOf(c, settings)) reserved[p]! += c.maxA;
  });
  const start = Date.UTC(2026, 10, 30, 12, 0, 0); // a block boundary
  let now = start;
  const charging = new Map<number, number>(); // charger index → since
  // The limits each charger really had, oldest first (none: its rating), and its car's sessions.
  const limits: Array<Array<{ limitA: number; since: number }>> = specs.map(() => []);
  const sessions: Array<Array<{ from: number; to?: number }>> = specs.map(() => []);
  const limitAt = (i: number, t: number) => [...limits[i]!].reverse().find((l) => l.since <= t)?.limitA ?? specs[i]!.maxA;
  /** What charger i drew at time t, A on each of its phases. */
  const drawAt = (i: number, t: number): number => {
    const c = specs[i]!;
    const on = c.refuses || sessions[i]!.some((x) => x.from <= t && (x.to === undefined || t < x.to));
    if (!on) return 0;
    return Math.min(c.want * c.maxA, c.refuses ? c.maxA : limitAt(i, t - c.responseMs));
  };
  const perPhase = (i: number, a: number) => {
    const d = [0, 0, 0];
    for (const p of sitePhasesOf(specs[i]!, settings)) d[p] = a;
    return d.slice(0, n);
  };
  let ramp: Record<string, RampState> | undefined;
  let previous: Allocation | undefined;
  let peak: PeakBlock | undefined;
  const loweredAt = new Map<string, number>();
  for (const s of world.steps) {
    for (const t of s.toggles) {
      const i = t % specs.length;
      if (charging.has(i)) {
        charging.delete(i);
        sessions[i]!.at(-1)!.to = now;
      } else {
        charging.set(i, now);
        sessions[i]!.push({ from: now });
      }
    }
    // The building's true draw: what the fuse leaves after the uncontrolled chargers, times its share.
    const building = Array.from({ length: n }, (_, p) => (line - reserved[p]!) * s.building[p]!);
    // A stale meter is one whose last reading is older than the site allows; a fresh one read a moment ago.
    const meterAt = s.meterStale ? now - settings.meterStaleAfterMs - 1_000 : Math.max(start, now - s.meterLagMs);
    const drawnThen = Array.from({ length: n }, (_, p) => specs.reduce((sum, _c, i) => sum + perPhase(i, drawAt(i, meterAt))[p]!, 0));
    const meter = { at: meterAt, currentA: building.map((b, p) => b + (settings.meterIncludesChargers ? drawnThen[p]! : 0)) };
    const chargers: ChargerState[] = specs.map((c, i) => {
      // The latest measurement, from the running session only (a session's measurements are its own).
      const measuredAt = Math.max(start, now - s.measureLagMs[i % s.measureLagMs.length]!);
      const session = sessions[i]!.at(-1);
      const measurable = s.measured && (c.refuses || (charging.has(i) && session !== undefined && session.from <= measuredAt));
      // What the planner knows of its limits: the newest three, and the rating before them when that is all.
      const history = [...limits[i]!].reverse().slice(0, 3);
      const state: ChargerState = {
        chargerId: `cp${i}`,
        maxA: c.maxA,
        phases: c.phases,
        phase: c.phase,
        priority: c.priority,
        ...(c.refuses ? { refusesProfiles: true } : {}),
        ...(charging.has(i) ? { charging: { since: charging.get(i)! } } : {}),
        ...(measurable ? { measured: { at: measuredAt, currentA: perPhase(i, drawAt(i, measuredAt)) } } : {}),
        ...(limits[i]!.length ? { limitHistory: limits[i]!.length <= 3 ? [...history, { limitA: c.maxA, since: 0 }] : history } : {}),
      };
      return mutate ? mutate(state, meterAt) : state;
    });
    // A production meter, reporting as exports are (negative), fresh or stale.
    const solar = s.production ? { at: s.production.stale ? now - settings.meterStaleAfterMs - 1_000 : now, currentA: Array.from({ length: n }, () => -line * s.production!.share) } : undefined;
    const productionA = solar && !s.production!.stale ? line * s.production!.share * n : undefined;
    const allocation = allocate({ settings, chargers, meter, now, ...(solar ? { solar } : {}), ...(ramp ? { ramp } : {}), ...(peak ? { peak } : {}) });
    for (const l of allocation.limits) {
      const before = previous?.limits.find((x) => x.chargerId === l.chargerId)?.limitA;
      const i = Number(l.chargerId.slice(2));
      if (charging.has(i) && before !== undefined && l.limitA < before) loweredAt.set(l.chargerId, now);
      // The charger takes its new limit now (a refusing one keeps its rating).
      if (!specs[i]!.refuses && l.limitA !== limitAt(i, now)) limits[i]!.push({ limitA: l.limitA, since: now });
    }
    check({ settings, chargers, allocation, ...(previous ? { previous } : {}), building, meterTrusted: !s.meterStale && settings.mode !== 'static', now, loweredAt, ...(productionA !== undefined ? { productionA } : {}) });
    // The energy of the step at the cars' new draws (the few seconds of their response left out).
    const drawnNow = specs.map((c, i) => (c.refuses || charging.has(i) ? Math.min(c.want * c.maxA, allocation.limits[i]!.limitA) * sitePhasesOf(c, settings).length : 0));
    const importW = (building.reduce((a, b) => a + b, 0) + drawnNow.reduce((a, b) => a + b, 0)) * settings.voltageV;
    const end = now + s.dtMs;
    onEnergy?.(now, end, importW);
    // The peak block's energy as the site's meter integrates it.
    let t = now;
    while (t < end) {
      const blockStart = Math.floor(t / PEAK_BLOCK_MS) * PEAK_BLOCK_MS;
      const until = Math.min(end, blockStart + PEAK_BLOCK_MS);
      const ws = (importW * (until - t)) / 1000;
      peak = peak && peak.blockStart === blockStart ? { blockStart, importedWs: peak.importedWs + ws } : { blockStart, importedWs: ws };
      t = until;
    }
    ramp = { ...allocation.ramp };
    previous = allocation;
    now = end;
  }
}

const world = (mode: Mode, opts: { stale?: boolean; exportAllowed?: boolean; maxChargers?: number; maxSteps?: number; peakKw?: fc.Arbitrary<number> } = {}): fc.Arbitrary<World> =>
  fc
    .record({
      fields: siteFields,
      peakKw: opts.peakKw ?? fc.constant(undefined),
      specs: fc.array(chargerSpec, { minLength: 1, maxLength: opts.maxChargers ?? 50 }),
      steps: fc.array(step(opts.stale ?? true, opts.exportAllowed ?? false), { minLength: 1, maxLength: opts.maxSteps ?? 40 }),
    })
    .map(({ fields, peakKw, specs, steps }) => ({ settings: settingsOf(mode, { ...fields, ...(peakKw !== undefined ? { peakKw } : {}) }), specs, steps }));

/** The rules every mode keeps at every step. */
function checkCommonRules(o: Observed): void {
  const { settings, chargers, allocation } = o;
  const n = settings.phases;
  const line = settings.fuseA - settings.marginA;
  const perPhase = Array.from({ length: n }, () => 0);
  const reserved = Array.from({ length: n }, () => 0);
  allocation.limits.forEach((l, i) => {
    const c = chargers[i]!;
    for (const p of l.sitePhases) perPhase[p]! += l.limitA;
    if (c.refusesProfiles) {
      for (const p of l.sitePhases) reserved[p]! += c.maxA;
      return;
    }
    // Paused or at least 6 A, never more than the charger's maximum, in 0.5 A steps.
    expect(l.limitA === 0 || l.limitA >= MIN_A - EPS, `${l.chargerId} at ${l.limitA} A`).toBe(true);
    expect(l.limitA).toBeLessThanOrEqual(c.maxA + EPS);
    expect(Math.abs(l.limitA / STEP_A - Math.round(l.limitA / STEP_A))).toBeLessThan(EPS);
    if (!c.charging) expect(l.limitA).toBe(0);
    // No raise before the ramp-up delay after a lowering while charging.
    const before = o.previous?.limits[i]?.limitA;
    const lowered = o.loweredAt.get(l.chargerId);
    if (before !== undefined && l.limitA > before && lowered !== undefined) expect(o.now - lowered).toBeGreaterThanOrEqual(RAMP_MS);
  });
  // The fuse: what the building draws + every charger's limit ≤ fuse − margin on each phase, whenever
  // that is possible at all (the uncontrolled chargers and the building alone fit). With no trusted
  // meter, the chargers stay within the static reserve.
  for (let p = 0; p < n; p++) {
    const controlled = perPhase[p]! - reserved[p]!;
    if (o.meterTrusted) {
      if (o.building[p]! + reserved[p]! <= line) expect(o.building[p]! + perPhase[p]!, `phase ${p}`).toBeLessThanOrEqual(line + EPS);
      else expect(controlled).toBe(0);
    } else expect(controlled).toBeLessThanOrEqual(Math.max(0, Math.min(settings.staticChargingA, line) - reserved[p]!) + EPS);
  }
}

describe('the site allocator, property by property', () => {
  it('dynamic: never over fuse − margin on any phase, no charging car below 6 A, no raise before the ramp-up delay', () => {
    fc.assert(fc.property(world('dynamic'), (w) => run(w, checkCommonRules)), { numRuns: 150 });
  });

  it('a meter that sees the chargers: their measured draw is taken off only as far as it is sure, and the checks catch a raw stale one', () => {
    const seeing = world('dynamic').map((w) => ({ ...w, settings: { ...w.settings, meterIncludesChargers: true } }));
    fc.assert(fc.property(seeing, (w) => run(w, checkCommonRules)), { numRuns: 150 });
    // The mutation: every measurement taken off as it is, however old, above any limit given since.
    const raw = (c: ChargerState, meterAt: number): ChargerState => {
      const { limitHistory: _history, ...rest } = c;
      return c.measured ? { ...rest, measured: { ...c.measured, at: meterAt } } : rest;
    };
    const out = fc.check(fc.property(seeing, (w) => run(w, checkCommonRules, undefined, raw)), { numRuns: 300, endOnFailure: true });
    expect(out.failed, 'subtracting raw stale measurements must break the fuse rule').toBe(true);
  });

  it('static, and every mode with a stale meter: the chargers stay within the static reserve', () => {
    fc.assert(
      fc.property(world('static'), (w) =>
        run(w, (o) => {
          checkCommonRules(o);
          expect(o.allocation.source).toBe('static');
        }),
      ),
      { numRuns: 80 },
    );
    fc.assert(
      fc.property(world('dynamic'), (w) =>
        run(w, (o) => {
          if (!o.meterTrusted) expect(o.allocation.source).toBe('stale_meter_fallback');
        }),
      ),
      { numRuns: 40 },
    );
  });

  it('equal share: charging cars on the same phases differ by at most 0.5 A (unless held by their own maximum or the ramp-up wait)', () => {
    fc.assert(
      fc.property(
        world('dynamic').filter((w) => w.settings.distribution === 'equal'),
        (w) =>
          run(w, (o) => {
            checkCommonRules(o);
            const groups = new Map<string, number[]>();
            for (const l of o.allocation.limits) {
              if (l.reason !== 'charging') continue;
              const key = l.sitePhases.join(',');
              groups.set(key, [...(groups.get(key) ?? []), l.limitA]);
            }
            for (const limits of groups.values()) expect(Math.max(...limits) - Math.min(...limits)).toBeLessThanOrEqual(STEP_A + EPS);
          }),
      ),
      { numRuns: 120 },
    );
  });

  it('first come and priority: no car is admitted while one before it in order is paused', () => {
    fc.assert(
      fc.property(
        world('dynamic').filter((w) => w.settings.distribution !== 'equal'),
        (w) =>
          run(w, (o) => {
            checkCommonRules(o);
            const wanting = o.allocation.limits.filter((l, i) => o.chargers[i]!.charging && !o.chargers[i]!.refusesProfiles && o.chargers[i]!.maxA >= MIN_A && l.reason !== 'waiting to ramp up');
            const rank = (id: string) => {
              const c = o.chargers.find((x) => x.chargerId === id)!;
              return o.settings.distribution === 'priority' ? [-(c.priority ?? 0), c.charging!.since] : [c.charging!.since, 0];
            };
            const precedes = (a: string, b: string) => {
              const [a1, a2] = rank(a);
              const [b1, b2] = rank(b);
              return a1! < b1! || (a1 === b1 && a2! < b2!);
            };
            // A paused car whose phases are among an admitted later car's: 6 A would have fitted it first.
            for (const paused of wanting.filter((l) => l.limitA === 0)) {
              for (const later of wanting.filter((l) => l.limitA >= MIN_A && precedes(paused.chargerId, l.chargerId))) {
                expect(paused.sitePhases.every((p) => later.sitePhases.includes(p)), `${later.chargerId} admitted before ${paused.chargerId}`).toBe(false);
              }
            }
          }),
      ),
      { numRuns: 100 },
    );
  });

  it('solar: the chargers together take no more than the export, nor than a fresh production meter says the panels make (and with solar_plus_min, 6 A each on top of that at most)', () => {
    for (const mode of ['solar', 'solar_plus_min'] as const) {
      fc.assert(
        fc.property(world(mode, { exportAllowed: true }), (w) =>
          run(w, (o) => {
            checkCommonRules(o);
            if (!o.meterTrusted) return;
            const reservedTotal = o.allocation.limits.filter((_, i) => o.chargers[i]!.refusesProfiles).reduce((sum, l) => sum + l.limitA * l.sitePhases.length, 0);
            const exportA = Math.min(Math.max(0, -o.building.reduce((a, b) => a + b, 0) - reservedTotal), o.productionA ?? Number.POSITIVE_INFINITY);
            const controlled = o.allocation.limits.filter((_, i) => !o.chargers[i]!.refusesProfiles);
            const takenA = controlled.reduce((sum, l) => sum + l.limitA * l.sitePhases.length, 0);
            const minimums = controlled.filter((l, i) => o.chargers.filter((c) => !c.refusesProfiles)[i]!.charging).reduce((sum, l) => sum + MIN_A * l.sitePhases.length, 0);
            expect(takenA).toBeLessThanOrEqual((mode === 'solar' ? exportA : Math.max(exportA, minimums)) + EPS);
          }),
        ),
        { numRuns: 80 },
      );
    }
  });

  it('peak shaving: every 15-minute block imports on average no more than the limit (when what it cannot control stays under it)', () => {
    // What the platform cannot limit stays under the limit: chargers that refuse profiles draw their
    // full rating (only as many of them as fit under the limit keep refusing), and the building's
    // shares are scaled so its largest draw is what they leave of the limit.
    const peakWorld = world('peak_shaving', { stale: false, maxChargers: 20, maxSteps: 150, peakKw: fc.integer({ min: 5, max: 150 }) }).map((w) => {
      const limitW = w.settings.peakLimitKw! * 1000;
      let uncontrolledW = 0;
      const specs = w.specs.map((c) => {
        const w1 = c.maxA * sitePhasesOf(c, w.settings).length * w.settings.voltageV;
        if (!c.refuses || uncontrolledW + w1 > limitW) return { ...c, refuses: false };
        uncontrolledW += w1;
        return c;
      });
      const line = w.settings.fuseA - w.settings.marginA;
      const k = Math.min(1, (limitW - uncontrolledW) / (line * w.settings.phases * w.settings.voltageV));
      return { ...w, specs, steps: w.steps.map((s) => ({ ...s, building: s.building.map((b) => b * k) })) };
    });
    fc.assert(
      fc.property(peakWorld, (w) => {
        const blocks = new Map<number, number>();
        run(w, checkCommonRules, (from, to, importW) => {
          let t = from;
          while (t < to) {
            const start = Math.floor(t / PEAK_BLOCK_MS) * PEAK_BLOCK_MS;
            const until = Math.min(to, start + PEAK_BLOCK_MS);
            blocks.set(start, (blocks.get(start) ?? 0) + (importW * (until - t)) / 1000);
            t = until;
          }
        });
        const limitWs = w.settings.peakLimitKw! * 1000 * (PEAK_BLOCK_MS / 1000);
        for (const [start, ws] of blocks) expect(ws, `block at ${new Date(start).toISOString()}`).toBeLessThanOrEqual(limitWs * (1 + 1e-9));
      }),
      { numRuns: 100 },
    );
  });
});

describe('the site allocator, by example', () => {
  const base = settingsOf('dynamic', { phases: 3, fuseA: 40, marginA: 2, staticShare: 0.5, distribution: 'equal', includes: false });
  const car = (id: string, since: number, extra: Partial<ChargerState> = {}): ChargerState => ({ chargerId: id, maxA: 32, phases: 3, charging: { since }, ...extra });
  const meter = (a: number, at = 0) => ({ at, currentA: [a, a, a] });

  it('shares what the fuse leaves equally and says why each limit is what it is', () => {
    const a = allocate({ settings: base, chargers: [car('a', 1), car('b', 2), { chargerId: 'idle', maxA: 16, phases: 3 }], meter: meter(10), now: 0 });
    // 40 − 2 − 10 = 28 A per phase for two cars: 14 A each.
    expect(a.limits.map((l) => [l.chargerId, l.limitA, l.reason])).toEqual([
      ['a', 14, 'charging'],
      ['b', 14, 'charging'],
      ['idle', 0, 'idle'],
    ]);
    expect(a.perPhaseA).toEqual([28, 28, 28]);
  });

  it('pauses the last car to come when 6 A each does not fit, and ramps a lowered car up only after the delay', () => {
    const first = allocate({ settings: base, chargers: [car('a', 1)], meter: meter(20), now: 0 });
    expect(first.limits[0]!.limitA).toBe(18);
    const second = allocate({ settings: base, chargers: [car('a', 1), car('b', 2), car('c', 3)], meter: meter(24), now: 1_000, ramp: first.ramp });
    // 14 A per phase: two cars at 7 A, the third paused.
    expect(second.limits.map((l) => [l.limitA, l.reason])).toEqual([
      [7, 'charging'],
      [7, 'charging'],
      [0, 'paused: below 6 A'],
    ]);
    const freed = allocate({ settings: base, chargers: [car('a', 1)], meter: meter(0), now: 5_000, ramp: second.ramp });
    expect(freed.limits[0]).toMatchObject({ limitA: 7, reason: 'waiting to ramp up', changed: false });
    const later = allocate({ settings: base, chargers: [car('a', 1)], meter: meter(0), now: 11_000, ramp: freed.ramp });
    expect(later.limits[0]).toMatchObject({ limitA: 32, reason: 'at charger maximum', changed: true });
  });

  it('says the budget, not the ramp-up wait, limits a lowered car that the site could not give more anyway', () => {
    const first = allocate({ settings: base, chargers: [car('a', 1), car('b', 2)], meter: meter(20), now: 0 });
    expect(first.limits.map((l) => l.limitA)).toEqual([9, 9]);
    // 7 A per phase: a keeps 7, b is paused; both lowered, both wait 10 s before rising again.
    const second = allocate({ settings: base, chargers: [car('a', 1), car('b', 2)], meter: meter(31), now: 1_000, ramp: first.ramp });
    expect(second.limits.map((l) => l.limitA)).toEqual([7, 0]);
    // 4 s later the site is as full as before: 7 A and a pause is all the budget gives, wait or no wait.
    const still = allocate({ settings: base, chargers: [car('a', 1), car('b', 2)], meter: meter(31), now: 5_000, ramp: second.ramp });
    expect(still.limits.map((l) => [l.chargerId, l.limitA, l.reason])).toEqual([
      ['a', 7, 'charging'],
      ['b', 0, 'paused: below 6 A'],
    ]);
    // With room to spare, the wait is what holds them.
    const room = allocate({ settings: base, chargers: [car('a', 1), car('b', 2)], meter: meter(0), now: 5_000, ramp: second.ramp });
    expect(room.limits.map((l) => [l.chargerId, l.limitA, l.reason])).toEqual([
      ['a', 7, 'waiting to ramp up'],
      ['b', 0, 'waiting to ramp up'],
    ]);
  });

  // Found by the property tests (equal share, first come): lifting every hold at once is not the
  // question; lifting this car's own hold is. Another held car frees budget that this one would get.
  it('says the wait holds a lowered car when lifting its own hold would give it more, though lifting every hold would not', () => {
    const ramp = { a: { limitA: 6, loweredAt: 0 }, b: { limitA: 0, loweredAt: 0 } };
    const cars = [car('a', 1), car('b', 2), car('c', 3)];
    // 18 A, equal share: b waits at 0, so c takes 12 while a waits at its 6 (all three unheld: 6 each).
    const equal = allocate({ settings: settingsOf('dynamic', { phases: 1, fuseA: 18, marginA: 0, staticShare: 0.5, distribution: 'equal', includes: false }), chargers: cars, meter: meter(0, 4_000), now: 4_000, ramp });
    expect(equal.limits.map((l) => [l.chargerId, l.limitA, l.reason])).toEqual([
      ['a', 6, 'waiting to ramp up'],
      ['b', 0, 'waiting to ramp up'],
      ['c', 12, 'charging'],
    ]);
    // 10 A, first come: a and b wait at 0 and c, last to come, charges; unheld, b would not have fitted after a.
    const small = cars.map((c) => ({ ...c, maxA: 6 }));
    const firstCome = allocate({ settings: settingsOf('dynamic', { phases: 1, fuseA: 10, marginA: 0, staticShare: 0.5, distribution: 'first_come', includes: false }), chargers: small, meter: meter(0, 4_000), now: 4_000, ramp: { ...ramp, a: { limitA: 0, loweredAt: 0 } } });
    expect(firstCome.limits.map((l) => [l.chargerId, l.limitA, l.reason])).toEqual([
      ['a', 0, 'waiting to ramp up'],
      ['b', 0, 'waiting to ramp up'],
      ['c', 6, 'at charger maximum'],
    ]);
    // A held car the budget could not give more stays 'charging' (the budget limits it).
    const full = allocate({ settings: settingsOf('dynamic', { phases: 1, fuseA: 12, marginA: 0, staticShare: 0.5, distribution: 'equal', includes: false }), chargers: cars, meter: meter(0, 4_000), now: 4_000, ramp });
    expect(full.limits.map((l) => [l.chargerId, l.limitA, l.reason])).toEqual([
      ['a', 6, 'charging'],
      ['b', 0, 'waiting to ramp up'],
      ['c', 6, 'charging'],
    ]);
  });

  describe('a meter that sees the chargers', () => {
    const seeing = { ...base, meterIncludesChargers: true };
    const at = 1_000_000;
    const measuredCar = (extra: Partial<ChargerState>) => car('a', 1, { maxA: 16, measured: { at, currentA: [10, 10, 10] }, ...extra });

    it('takes a fresh measurement off the reading: the limits no longer swing with the cars', () => {
      // The meter reads 30 A: 10 A of them the car's. The building draws 20: 18 A left per phase.
      const a = allocate({ settings: seeing, chargers: [measuredCar({})], meter: meter(30, at + 2_000), now: at + 3_000 });
      expect(a.buildingA).toEqual([20, 20, 20]);
      expect(a.limits[0]!.limitA).toBe(16);
    });

    it('counts a measurement too far from the reading as 0, either side', () => {
      for (const meterAt of [at + MEASUREMENT_FRESH_MS + 1, at - MEASUREMENT_FRESH_MS - 1]) {
        expect(subtractableA(measuredCar({}), meterAt, seeing)).toEqual([0, 0, 0]);
      }
      expect(subtractableA(measuredCar({}), at + MEASUREMENT_FRESH_MS, seeing)).toEqual([10, 10, 10]);
    });

    it('counts at most the lowest limit the charger had since just before the earlier of measurement and reading', () => {
      // Lowered to 6 A after the measurement: the car drew at most 6 at the reading.
      const lowered = measuredCar({ limitHistory: [{ limitA: 6, since: at + 1_000 }, { limitA: 16, since: 0 }] });
      expect(subtractableA(lowered, at + 2_000, seeing)).toEqual([6, 6, 6]);
      // A limit lowered within the car's response time before the measurement still counts.
      const justBefore = measuredCar({ limitHistory: [{ limitA: 16, since: at - 10_000 }, { limitA: 8, since: at - CAR_RESPONSE_MS - 1_000 }, { limitA: 32, since: 0 }] });
      expect(subtractableA(justBefore, at, seeing)).toEqual([10, 10, 10]);
      const withinResponse = measuredCar({ limitHistory: [{ limitA: 16, since: at - 2_000 }, { limitA: 8, since: at - 60_000 }, { limitA: 32, since: 0 }] });
      expect(subtractableA(withinResponse, at, seeing)).toEqual([8, 8, 8]);
      // History that does not reach back that far: not known, so 0.
      expect(subtractableA(measuredCar({ limitHistory: [{ limitA: 16, since: at - 1_000 }] }), at, seeing)).toEqual([0, 0, 0]);
      // A measurement above the charger's own maximum is a bad reading: capped at the maximum.
      expect(subtractableA(measuredCar({ maxA: 8 }), at, seeing)).toEqual([8, 8, 8]);
    });

    it('takes a single-phase charger off its own phase only', () => {
      const single = measuredCar({ phases: 1, phase: 2, measured: { at, currentA: [0, 0, 12] } });
      expect(subtractableA(single, at, seeing)).toEqual([0, 0, 12]);
    });

    it('takes nothing off when the meter does not see the chargers', () => {
      const a = allocate({ settings: base, chargers: [measuredCar({})], meter: meter(30, at), now: at });
      expect(a.buildingA).toEqual([30, 30, 30]);
    });
  });

  it('books a single-phase charger on its phase of a three-phase site', () => {
    const a = allocate({ settings: base, chargers: [car('l2', 1, { phases: 1, phase: 1, maxA: 32 }), car('three', 2)], meter: { at: 0, currentA: [30, 0, 0] }, now: 0 });
    // L1 leaves 8 A: the three-phase car gets 8; the single-phase car on L2 takes what L2 leaves.
    expect(a.limits.map((l) => [l.chargerId, l.limitA, l.sitePhases])).toEqual([
      ['l2', 30, [1]],
      ['three', 8, [0, 1, 2]],
    ]);
  });

  it('falls back to the static reserve when the meter is stale, never to no limit', () => {
    const a = allocate({ settings: base, chargers: [car('a', 1)], meter: meter(0, 0), now: 10 * 60_000 });
    expect(a.source).toBe('stale_meter_fallback');
    expect(a.limits[0]!.limitA).toBe(19);
  });

  it('counts a charger that refuses profiles at its full rating', () => {
    const a = allocate({ settings: base, chargers: [car('a', 1), { chargerId: 'r', maxA: 16, phases: 3, refusesProfiles: true }], meter: meter(0), now: 0 });
    expect(a.limits.map((l) => [l.limitA, l.reason])).toEqual([
      [22, 'charging'],
      [16, 'refuses profiles: counted at full rating'],
    ]);
  });

  it('peak shaving: an allocation that may still stand when the next quarter-hour begins stays within the limit itself', () => {
    const peak = { ...base, fuseA: 63, mode: 'peak_shaving' as const, peakLimitKw: 11 };
    const blockStart = Date.UTC(2026, 10, 30, 12, 0, 0);
    // 5 s left in an unused block: on its own it could take 11 kW × 900 s in 5 s; the next minute of
    // the new block may take 11 kW, so 11,000 W / 230 V = 47.8 A over three phases: 15.5 A.
    const a = allocate({ settings: peak, chargers: [car('a', 1)], meter: { at: blockStart + 895_000, currentA: [0, 0, 0] }, now: blockStart + 895_000, peak: { blockStart, importedWs: 0 } });
    expect(a.limits[0]!.limitA).toBe(15.5);
    // Mid-block, what is left of the block's energy over the time left: (11 kW × 900 s − 5.4 MWs used) / 450 s
    // = 10 kW: 43.5 A over three phases, 14 A each after the 0.5 A steps.
    const b = allocate({ settings: peak, chargers: [car('a', 1)], meter: { at: blockStart + 450_000, currentA: [0, 0, 0] }, now: blockStart + 450_000, peak: { blockStart, importedWs: 5_400_000 } });
    expect(b.limits[0]!.limitA).toBe(14);
  });

  it('solar: a fresh production meter caps the chargers at what the panels make now; a stale one is ignored', () => {
    const solar = { ...base, mode: 'solar' as const };
    const at = 1_000_000;
    // 10 A exported per phase (30 A), the panels make 24 A: a cloud the grid meter has not seen yet.
    const capped = allocate({ settings: solar, chargers: [car('a', 1)], meter: meter(-10, at), solar: { at, currentA: [-8, -8, -8] }, now: at });
    expect(capped.totalA).toBe(24);
    expect(capped.limits[0]!.limitA).toBe(8);
    // More production than export changes nothing: the building uses the rest.
    expect(allocate({ settings: solar, chargers: [car('a', 1)], meter: meter(-10, at), solar: { at, currentA: [20, 20, 20] }, now: at }).limits[0]!.limitA).toBe(10);
    const stale = allocate({ settings: solar, chargers: [car('a', 1)], meter: meter(-10, at), solar: { at: at - solar.meterStaleAfterMs - 1, currentA: [0, 0, 0] }, now: at });
    expect(stale.limits[0]!.limitA).toBe(10);
    // Not the fuse: dynamic mode ignores it.
    expect(allocate({ settings: base, chargers: [car('a', 1)], meter: meter(10, at), solar: { at, currentA: [0, 0, 0] }, now: at }).limits[0]!.limitA).toBe(28);
  });

  it('solar: charges from the export only and pauses below 6 A × phases of export', () => {
    const solar = { ...base, mode: 'solar' as const };
    expect(allocate({ settings: solar, chargers: [car('a', 1)], meter: meter(-5), now: 0 }).limits[0]!.limitA).toBe(0);
    expect(allocate({ settings: solar, chargers: [car('a', 1)], meter: meter(-8), now: 0 }).limits[0]!.limitA).toBe(8);
    expect(allocate({ settings: { ...solar, mode: 'solar_plus_min' }, chargers: [car('a', 1)], meter: meter(-2), now: 0 }).limits[0]!.limitA).toBe(6);
  });
});
