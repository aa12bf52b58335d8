import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { costOf, divRoundHalfUp, type PriceGroup } from '../../../lib/domain/pricing';

const aPriceGroup = (over: Partial<PriceGroup> = {}): PriceGroup => ({
  priceGroupId: 'pg_test',
  operatorId: 'op_test',
  name: 'Standard',
  currency: 'EUR',
  pricePerKwhMinor: 35,
  vatRateBasisPoints: 2100,
  ...over,
});

describe('costOf', () => {
  it('prices energy once at the end, rounding half up', () => {
    // 10,500 Wh × 35 / 1000 = 367.5 → 368 (half up), not 367 (half even) nor per-kWh 10×35 + 0.5×35.
    expect(costOf(aPriceGroup({ vatRateBasisPoints: 0 }), 10_500, 0).energyMinor).toBe(368);
    expect(costOf(aPriceGroup({ vatRateBasisPoints: 0 }), 1, 0).energyMinor).toBe(0);
    // 14 Wh × 35 / 1000 = 0.49 → 0; 15 Wh → 0.525 → 1.
    expect(costOf(aPriceGroup({ vatRateBasisPoints: 0 }), 14, 0).energyMinor).toBe(0);
    expect(costOf(aPriceGroup({ vatRateBasisPoints: 0 }), 15, 0).energyMinor).toBe(1);
  });

  it('adds VAT on the net total, rounded half up once', () => {
    // net 7 + 12 + 100 = 119; VAT 21 % = 24.99 → 25.
    const cost = costOf(aPriceGroup({ pricePerKwhMinor: 35, startFeeMinor: 100, perMinuteMinor: 2 }), 200, 6);
    expect(cost).toEqual({ currency: 'EUR', energyMinor: 7, timeMinor: 12, startFeeMinor: 100, netMinor: 119, vatMinor: 25, totalMinor: 144 });
    // net 50 at 25 %: 12.5 → 13 (half up).
    expect(costOf(aPriceGroup({ pricePerKwhMinor: 50, vatRateBasisPoints: 2500 }), 1000, 0).vatMinor).toBe(13);
  });

  it('charges the per-minute fee by the second and the start fee once', () => {
    // 90 s at 3/min = 4.5 → 5.
    expect(costOf(aPriceGroup({ perMinuteMinor: 3, vatRateBasisPoints: 0 }), 0, 1.5).timeMinor).toBe(5);
    expect(costOf(aPriceGroup({ startFeeMinor: 250, vatRateBasisPoints: 0 }), 0, 0)).toMatchObject({ startFeeMinor: 250, netMinor: 250, totalMinor: 250 });
  });

  it('costs nothing for zero energy and no time without a start fee', () => {
    expect(costOf(aPriceGroup({ perMinuteMinor: 5 }), 0, 0)).toEqual({ currency: 'EUR', energyMinor: 0, timeMinor: 0, startFeeMinor: 0, netMinor: 0, vatMinor: 0, totalMinor: 0 });
  });

  it('takes the metered energy in whole Wh, half up', () => {
    expect(costOf(aPriceGroup({ pricePerKwhMinor: 1000, vatRateBasisPoints: 0 }), 2.5, 0).energyMinor).toBe(3);
    expect(costOf(aPriceGroup({ pricePerKwhMinor: 1000, vatRateBasisPoints: 0 }), 2.49, 0).energyMinor).toBe(2);
  });

  it('refuses negative or non-finite energy and minutes', () => {
    expect(() => costOf(aPriceGroup(), -1, 0)).toThrow(RangeError);
    expect(() => costOf(aPriceGroup(), Number.NaN, 0)).toThrow(RangeError);
    expect(() => costOf(aPriceGroup(), 0, -0.5)).toThrow(RangeError);
  });

  const groups = fc.record({
    priceGroupId: fc.constant('pg'),
    operatorId: fc.constant('op'),
    name: fc.constant('g'),
    currency: fc.constantFrom('EUR', 'DKK', 'JPY'),
    pricePerKwhMinor: fc.integer({ min: 0, max: 1_000_000 }),
    startFeeMinor: fc.option(fc.integer({ min: 0, max: 10_000_000 }), { nil: undefined }),
    perMinuteMinor: fc.option(fc.integer({ min: 0, max: 1_000_000 }), { nil: undefined }),
    vatRateBasisPoints: fc.integer({ min: 0, max: 10_000 }),
  });

  it('always yields non-negative safe integers that add up (property)', () => {
    fc.assert(
      fc.property(groups, fc.integer({ min: 0, max: 1_000_000_000 }), fc.integer({ min: 0, max: 100_000 }), (g, wh, minutes) => {
        const c = costOf(g, wh, minutes);
        for (const v of [c.energyMinor, c.timeMinor, c.startFeeMinor, c.netMinor, c.vatMinor, c.totalMinor]) {
          expect(Number.isSafeInteger(v) && v >= 0).toBe(true);
        }
        expect(c.netMinor).toBe(c.energyMinor + c.timeMinor + c.startFeeMinor);
        expect(c.totalMinor).toBe(c.netMinor + c.vatMinor);
        // Exact rounding, checked with BigInt.
        const exact = (n: bigint, d: bigint) => (2n * (n % d) >= d ? n / d + 1n : n / d);
        expect(BigInt(c.energyMinor)).toBe(exact(BigInt(wh) * BigInt(g.pricePerKwhMinor), 1000n));
        expect(BigInt(c.vatMinor)).toBe(exact(BigInt(c.netMinor) * BigInt(g.vatRateBasisPoints), 10_000n));
      }),
    );
  });

  it('never charges less for more energy (property)', () => {
    fc.assert(
      fc.property(groups, fc.integer({ min: 0, max: 1_000_000 }), fc.integer({ min: 0, max: 1_000_000 }), (g, a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        expect(costOf(g, hi, 10).totalMinor).toBeGreaterThanOrEqual(costOf(g, lo, 10).totalMinor);
      }),
    );
  });
});

describe('divRoundHalfUp', () => {
  it('rounds halves up and the rest to the nearest', () => {
    expect([divRoundHalfUp(5, 10), divRoundHalfUp(4, 10), divRoundHalfUp(15, 10), divRoundHalfUp(0, 7)]).toEqual([1, 0, 2, 0]);
  });
});
