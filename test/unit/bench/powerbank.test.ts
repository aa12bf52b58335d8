// The PowerBank section's figures (bench/lib/powerbank.ts): when the accepted planned shed first reaches
// 50 % and 100 % of the request.
import { describe, expect, it } from 'vitest';
import { shedTimes } from '../../../bench/lib/powerbank';

describe('shedTimes', () => {
  it('counts acceptances in time order, weighted by each charger planned shed', () => {
    const points = [
      { atMs: 900, shedW: 1000 },
      { atMs: 200, shedW: 4000 },
      { atMs: 400, shedW: 2000 },
      { atMs: 3000, shedW: 3000 },
    ];
    // 10 kW requested: 4 kW at 200 ms, 6 kW at 400 ms (50 % reached), 7 kW at 900 ms, 10 kW at 3 s.
    expect(shedTimes(points, 10_000)).toEqual({ halfMs: 400, fullMs: 3000 });
  });

  it('says never when the accepted shed does not reach the request', () => {
    expect(shedTimes([{ atMs: 100, shedW: 4000 }], 10_000)).toEqual({ halfMs: null, fullMs: null });
    expect(shedTimes([], 0)).toEqual({ halfMs: 0, fullMs: 0 });
  });
});
