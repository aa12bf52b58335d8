// The planner's peak-block bookkeeping (issue #18): what the chargers imported in the quarter-hour,
// for a meter that does not see them. Pure functions; the planner's I/O is covered by
// test/integration/power.test.ts.
import { describe, expect, it } from 'vitest';
import { PEAK_BLOCK_MS, type SiteSettings } from '../../../lib/domain/power/allocator';
import { chargersPeakUntil, peakBlockOf } from '../../../lib/domain/power/planner';

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
