// The replan figures `npm run bench` prints (issue #18): counts, not times.
import { describe, expect, it } from 'vitest';
import { measureReplan, renderReplan } from '../../../bench/lib/replan';

describe('the replan bench', () => {
  it('sends profiles when a car arrives, and none when nothing changed', () => {
    for (const n of [10, 100]) {
      const row = measureReplan(n, 3);
      // At least the arriving car; the others where their share moved by a whole 0.5 A step.
      expect(row.sentOnArrival).toBeGreaterThanOrEqual(1);
      expect(row.sentOnArrival).toBeLessThanOrEqual(n + 1);
      expect(row.sentWhenUnchanged).toBe(0);
    }
    expect(renderReplan([measureReplan(10, 3)])).toMatch(/^chargers \| replan median/);
  });
});
