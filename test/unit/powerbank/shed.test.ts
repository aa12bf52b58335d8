// The pure maths of a PowerBank activation (lib/domain/powerbank/shed.ts): present power from the
// energy register, and the requested power spread over the charging chargers as current limits.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { intervalPower, MIN_CHARGING_A, spreadShed, type ShedCandidate } from '../../../lib/domain/powerbank/shed';

const at = (min: number) => new Date(Date.UTC(2026, 10, 30, 12, min)).toISOString();
const point = (min: number, energyWh: number) => ({ at: at(min), meterWh: 1000 + energyWh, energyWh });
const threePhase = (id: string, presentW: number): ShedCandidate => ({ id, presentW, phases: 3, voltageV: 230 });

describe('intervalPower', () => {
  it('is the average power over the newest interval of the curve', () => {
    // 1 kWh over the last 6 minutes: 10 kW.
    expect(intervalPower([point(0, 0), point(4, 500), point(10, 1500)])).toEqual({ w: 10_000, from: at(4), to: at(10) });
  });

  it('takes the newest interval ending before a time, or starting after one', () => {
    const curve = [point(0, 0), point(6, 1100), point(12, 1650), point(18, 2200)];
    expect(intervalPower(curve, { before: at(7) })!.w).toBeCloseTo(11_000);
    expect(intervalPower(curve, { after: at(12) })!.w).toBeCloseTo(5500);
    expect(intervalPower(curve, { after: at(13) })).toBeUndefined();
  });

  it('skips zero-length intervals and says nothing for fewer than two readings', () => {
    expect(intervalPower([point(0, 0)])).toBeUndefined();
    expect(intervalPower([point(0, 0), point(6, 600), point(6, 600)])!.w).toBeCloseTo(6000);
  });
});

describe('spreadShed', () => {
  it('takes the same fraction from every charger and rounds each limit down to 0.1 A', () => {
    const plan = spreadShed([threePhase('a', 11_000), threePhase('b', 22_000)], 11_000);
    // A third from each: a keeps 7333 W (10.6 A), b keeps 14 667 W (21.2 A).
    expect(plan.shares.map((s) => [s.id, s.limitA])).toEqual([
      ['a', 10.6],
      ['b', 21.2],
    ]);
    expect(plan.plannedShedW).toBeGreaterThanOrEqual(11_000);
    expect(plan.shortfallW).toBe(0);
  });

  it('pauses (0 A) a charger whose share leaves it under 6 A, never a negative limit', () => {
    const plan = spreadShed([threePhase('a', 5000)], 2000);
    // 3000 W over three phases is 4.3 A: below 6 A, so 0 and the whole 5000 W shed.
    expect(plan.shares[0]).toEqual({ id: 'a', limitA: 0, plannedShedW: 5000 });
  });

  it('asks for everything and reports the shortfall when more is requested than they draw', () => {
    const plan = spreadShed([threePhase('a', 4000), threePhase('b', 6000)], 25_000);
    expect(plan.shares.map((s) => s.limitA)).toEqual([0, 0]);
    expect([plan.plannedShedW, plan.shortfallW]).toEqual([10_000, 15_000]);
  });

  it('with nothing charging asks nothing', () => {
    expect(spreadShed([], 5000)).toEqual({ shares: [], presentW: 0, plannedShedW: 0, shortfallW: 5000 });
  });

  it('never plans less than requested (within what they draw), never above a charger present power, never a limit in (0, 6) A', () => {
    const candidate = fc.record({ presentW: fc.integer({ min: 0, max: 50_000 }), phases: fc.constantFrom(1, 3) });
    fc.assert(
      fc.property(fc.array(candidate, { maxLength: 30 }), fc.integer({ min: 0, max: 500_000 }), (cs, requestedW) => {
        const candidates = cs.map((c, i) => ({ id: String(i), voltageV: 230, ...c }));
        const plan = spreadShed(candidates, requestedW);
        const present = candidates.reduce((s, c) => s + c.presentW, 0);
        expect(plan.plannedShedW).toBeGreaterThanOrEqual(Math.min(requestedW, present) - 1e-6);
        plan.shares.forEach((s, i) => {
          expect(s.limitA === 0 || s.limitA >= MIN_CHARGING_A).toBe(true);
          expect(s.limitA * 230 * candidates[i]!.phases).toBeLessThanOrEqual(candidates[i]!.presentW + 1e-6);
          expect(s.plannedShedW).toBeLessThanOrEqual(candidates[i]!.presentW + 1e-6);
        });
      }),
    );
  });
});
