// Percentile math of the bench report (bench/lib/stats.ts).
import { describe, expect, it } from 'vitest';
import { meanBilledMs, median, percentile, ratePerSecond, summarize } from '../../../bench/lib/stats';

const oneToHundred = Array.from({ length: 100 }, (_, i) => i + 1);

describe('percentile (linear interpolation between closest ranks)', () => {
  it('interpolates between ranks: p50 of 1..100 is 50.5, p95 is 95.05, p99 is 99.01', () => {
    expect(percentile(oneToHundred, 50)).toBeCloseTo(50.5, 10);
    expect(percentile(oneToHundred, 95)).toBeCloseTo(95.05, 10);
    expect(percentile(oneToHundred, 99)).toBeCloseTo(99.01, 10);
  });

  it('returns the extremes at p0 and p100', () => {
    expect(percentile(oneToHundred, 0)).toBe(1);
    expect(percentile(oneToHundred, 100)).toBe(100);
  });

  it('returns the only sample for every p, and NaN for no samples', () => {
    expect(percentile([7], 0)).toBe(7);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
  });

  it('lies halfway between two samples at p50', () => {
    expect(percentile([10, 20], 50)).toBe(15);
  });

  it('refuses a p outside 0..100', () => {
    expect(() => percentile(oneToHundred, 101)).toThrow(RangeError);
    expect(() => percentile(oneToHundred, -1)).toThrow(RangeError);
    expect(() => percentile(oneToHundred, Number.NaN)).toThrow(RangeError);
  });
});

describe('summarize', () => {
  it('sorts a copy numerically (not as strings) and leaves the input alone', () => {
    const samples = [100, 9, 20, 3, 1000];
    const s = summarize(samples);
    expect(samples).toEqual([100, 9, 20, 3, 1000]);
    expect(s).toMatchObject({ count: 5, min: 3, max: 1000, p50: 20 });
    expect(s.mean).toBeCloseTo(226.4, 10);
  });

  it('gives NaN statistics and a zero count for no samples', () => {
    const s = summarize([]);
    expect(s.count).toBe(0);
    expect(s.p99).toBeNaN();
    expect(s.mean).toBeNaN();
  });

  it('agrees with percentile() for p95 and p99', () => {
    const shuffled = [...oneToHundred].reverse();
    const s = summarize(shuffled);
    expect(s.p95).toBeCloseTo(percentile(oneToHundred, 95), 10);
    expect(s.p99).toBeCloseTo(percentile(oneToHundred, 99), 10);
  });
});

describe('median, billed duration and rates', () => {
  it('takes the median of unsorted samples', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('bills each invocation rounded up to the next millisecond, at least 1 ms', () => {
    expect(meanBilledMs([0.2, 1, 1.01])).toBeCloseTo((1 + 1 + 2) / 3, 10);
    expect(meanBilledMs([])).toBeNaN();
  });

  it('computes events per second and 0 for an empty window', () => {
    expect(ratePerSecond(500, 250)).toBe(2000);
    expect(ratePerSecond(10, 0)).toBe(0);
  });
});
