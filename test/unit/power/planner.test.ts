// The planner's pure parts (issue #18): the peak-block bookkeeping (what the chargers imported in the
// quarter-hour, for a meter that does not see them), and what a charger's meter values and limits
// say it drew, for a meter that does. Pure functions; the planner's I/O is covered by
// test/integration/power.test.ts.
import { describe, expect, it } from 'vitest';
import type { AppliedProfile, PowerChargerItem } from '../../../lib/db/power';
import { MEASUREMENT_FRESH_MS, PEAK_BLOCK_MS, type SiteSettings } from '../../../lib/domain/power/allocator';
import { chargersPeakUntil, limitHistoryOf, measuredDrawOf, peakBlockOf } from '../../../lib/domain/power/planner';
import type { SessionItem } from '../../../lib/domain/sessions';

const BLOCK = 100 * PEAK_BLOCK_MS;
const settings = (meterIncludesChargers: boolean) => ({ meterIncludesChargers }) as SiteSettings;

describe('chargersPeakUntil', () => {
  it('adds what the last plan allowed, from when it was made until now', () => {
    expect(chargersPeakUntil({ blockStart: BLOCK, importedWs: 1000, at: BLOCK + 60_000, drawW: 6900 }, BLOCK + 120_000)).toEqual({ blockStart: BLOCK, importedWs: 1000 + 6900 * 60 });
  });

  it('starts a new block empty and counts only the time since it began', () => {
    expect(chargersPeakUntil({ blockStart: BLOCK, importedWs: 5e6, at: BLOCK + PEAK_BLOCK_MS - 30_000, drawW: 1000 }, BLOCK + PEAK_BLOCK_MS + 10_000)).toEqual({ blockStart: BLOCK + PEAK_BLOCK_MS, importedWs: 10_000 });
  });

  it('is empty before the first plan', () => {
    expect(chargersPeakUntil(undefined, BLOCK + 5)).toEqual({ blockStart: BLOCK, importedWs: 0 });
  });
});

describe('peakBlockOf', () => {
  const chargers = { blockStart: BLOCK, importedWs: 300 };
  it('adds the chargers to the meter when the meter does not see them', () => {
    expect(peakBlockOf(settings(false), { blockStart: BLOCK, importedWs: 700 }, chargers)).toEqual({ blockStart: BLOCK, importedWs: 1000 });
  });
  it('leaves a meter block of another quarter-hour out', () => {
    expect(peakBlockOf(settings(false), { blockStart: BLOCK - PEAK_BLOCK_MS, importedWs: 700 }, chargers)).toEqual(chargers);
  });
  it('takes the meter alone when it sees the chargers (they are in its readings)', () => {
    expect(peakBlockOf(settings(true), { blockStart: BLOCK, importedWs: 700 }, chargers)).toEqual({ blockStart: BLOCK, importedWs: 700 });
    expect(peakBlockOf(settings(true), undefined, chargers)).toBeUndefined();
  });
});

describe('measuredDrawOf: what a charger drew, per site phase, erring low', () => {
  const site = { phases: 3, voltageV: 230 } as const;
  const at = Date.UTC(2026, 10, 30, 12, 0, 0);
  const session = (measured: SessionItem['measured'], extra: Partial<SessionItem> = {}) => ({ status: 'active', measured, ...extra }) as SessionItem;
  const iso = (t: number) => new Date(t).toISOString();

  it('takes a three-phase charger per phase at the lowest of its phase currents (its wiring may be rotated)', () => {
    expect(measuredDrawOf([session({ at: iso(at), currentA: { L1: 16, L2: 15.5, L3: 16.2 } })], { phases: 3 }, site, at)).toEqual({ at, currentA: [15.5, 15.5, 15.5] });
    // A single-phase car on a three-phase charger: nothing on two phases, so nothing anywhere.
    expect(measuredDrawOf([session({ at: iso(at), currentA: { L1: 16 } })], { phases: 3 }, site, at)).toEqual({ at, currentA: [0, 0, 0] });
    // A phase-less current says nothing per phase on a three-phase charger.
    expect(measuredDrawOf([session({ at: iso(at), currentA: { none: 16 } })], { phases: 3 }, site, at)).toBeUndefined();
  });

  it('takes a single-phase charger on its own phase, a phase-less current included', () => {
    expect(measuredDrawOf([session({ at: iso(at), currentA: { none: 12 } })], { phases: 1, phase: 2 }, site, at)).toEqual({ at, currentA: [0, 0, 12] });
    expect(measuredDrawOf([session({ at: iso(at), currentA: { L1: 10 } })], { phases: 1, phase: 1 }, site, at)).toEqual({ at, currentA: [0, 10, 0] });
  });

  it('falls back to power over the highest supply voltage (nominal + 10 %), never phase-less power on three phases', () => {
    const single = measuredDrawOf([session({ at: iso(at), powerW: { none: 2530 } })], { phases: 1, phase: 0 }, site, at);
    expect(single!.currentA[0]).toBeCloseTo(10, 9);
    const three = measuredDrawOf([session({ at: iso(at), powerW: { L1: 2530, L2: 2530, L3: 3000 } })], { phases: 3 }, site, at);
    expect(three!.currentA[1]).toBeCloseTo(10, 9);
    expect(measuredDrawOf([session({ at: iso(at), powerW: { none: 11000 } })], { phases: 3 }, site, at)).toBeUndefined();
    // Current wins over power when both are given.
    expect(measuredDrawOf([session({ at: iso(at), currentA: { none: 6 }, powerW: { none: 2530 } })], { phases: 1 }, site, at)!.currentA[0]).toBe(6);
  });

  it('adds up the running sessions near the meter reading, with the oldest time; a paused 2.0.1 session counts 0', () => {
    const sessions = [
      session({ at: iso(at - 5_000), currentA: { none: 10 } }),
      session({ at: iso(at + 2_000), currentA: { none: 6 } }),
      session({ at: iso(at - MEASUREMENT_FRESH_MS - 1), currentA: { none: 20 } }),
      session({ at: iso(at), currentA: { none: 16 } }, { chargingState: 'SuspendedEV' }),
    ];
    expect(measuredDrawOf(sessions, { phases: 1, phase: 0 }, site, at)).toEqual({ at: at - 5_000, currentA: [16, 0, 0] });
  });
});

describe('limitHistoryOf: the limits a charger had, newest first', () => {
  const sentAt = (t: number) => new Date(t).toISOString();
  const applied = (limitA: number, t: number, previous: AppliedProfile['previous']) => ({ applied: { limitA, sentAt: sentAt(t), previous } }) as PowerChargerItem;

  it('is empty for a charger never limited (its rating all along)', () => {
    expect(limitHistoryOf(undefined, 32, undefined)).toEqual([]);
  });
  it('lists the accepted limit, the one before, and the rating before the first', () => {
    expect(limitHistoryOf(applied(10, 2_000, { limitA: 16, sentAt: sentAt(1_000) }), 32, undefined)).toEqual([
      { limitA: 10, since: 2_000 },
      { limitA: 16, since: 1_000 },
    ]);
    expect(limitHistoryOf(applied(10, 2_000, 'none'), 32, undefined)).toEqual([
      { limitA: 10, since: 2_000 },
      { limitA: 32, since: 0 },
    ]);
  });
  it('puts a lower limit still on its way first, and leaves a higher one out (it may not hold yet)', () => {
    expect(limitHistoryOf(applied(10, 2_000, 'none'), 32, { limitA: 6, at: 3_000 })[0]).toEqual({ limitA: 6, since: 3_000 });
    expect(limitHistoryOf(applied(10, 2_000, 'none'), 32, { limitA: 16, at: 3_000 })[0]).toEqual({ limitA: 10, since: 2_000 });
  });
});
