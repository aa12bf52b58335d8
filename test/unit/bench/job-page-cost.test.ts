// The job page's polling cost per open page-hour (bench/lib/job-page-cost.ts).
import { describe, expect, it } from 'vitest';
import { DEFAULT_POLL_ASSUMPTIONS, pageHourCost } from '../../../bench/lib/job-page-cost';
import { PRICE_TABLE } from '../../../bench/lib/prices';

const prices = PRICE_TABLE.prices;

describe('job page polling cost', () => {
  it('counts one request per poll interval: 1,200 an hour at 3 s', () => {
    expect(pageHourCost({ ...DEFAULT_POLL_ASSUMPTIONS, pollSeconds: 3 }, prices).requestsPerHour).toBe(1200);
  });

  it('prices a poll as HTTP API + Lambda request + Lambda time + reads + bytes out', () => {
    const a = { ...DEFAULT_POLL_ASSUMPTIONS, billedMs304: 1000, lambdaMemoryMb: 1024, readUnits: 2, bytes304: 1024 ** 3 };
    const c = pageHourCost(a, prices);
    expect(c.per304Usd).toBeCloseTo(1e-6 + 0.2e-6 + 0.0000133334 + 2 * 0.125e-6 + 0.09, 12);
  });

  it('makes a 304 cheaper than a 200 (no body), but not free (the reads and the request remain)', () => {
    const c = pageHourCost(DEFAULT_POLL_ASSUMPTIONS, prices);
    expect(c.per304Usd).toBeLessThan(c.per200Usd);
    expect(c.per304Usd).toBeGreaterThan(1.2e-6);
    expect(c.hourUsd(0)).toBeCloseTo(c.requestsPerHour * c.per304Usd, 15);
    expect(c.hourUsd(0.5)).toBeCloseTo((c.hourAll304Usd + c.hourAll200Usd) / 2, 15);
  });
});
