// The retry schedule: at least 24 hours of retries (issue #5), growing delays, scaled in tests.
import { describe, expect, it } from 'vitest';
import { MAX_ATTEMPTS, nextRetryDelayMs, RETRY_DELAYS_MS, TOTAL_RETRY_WINDOW_MS } from '../../../lib/webhooks/backoff';

const HOUR = 3_600_000;
const noJitter = () => 0;

describe('webhook retry schedule', () => {
  it('retries over at least 24 hours: 30 s, 2 m, 10 m, 30 m, 1 h, 3 h, 6 h, 12 h, 24 h', () => {
    expect(RETRY_DELAYS_MS).toEqual([30_000, 120_000, 600_000, 1_800_000, HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, 24 * HOUR]);
    expect(TOTAL_RETRY_WINDOW_MS).toBeGreaterThanOrEqual(24 * HOUR);
    expect(TOTAL_RETRY_WINDOW_MS).toBe(46 * HOUR + 42 * 60_000 + 30_000);
  });

  it('makes ten attempts: the immediate one and nine retries', () => {
    expect(MAX_ATTEMPTS).toBe(10);
    const delays = Array.from({ length: MAX_ATTEMPTS }, (_, i) => nextRetryDelayMs(i + 1, 1, noJitter));
    expect(delays.filter((d) => d !== undefined)).toHaveLength(9);
    expect(delays[MAX_ATTEMPTS - 1]).toBeUndefined();
  });

  it('never shortens from one retry to the next', () => {
    for (let i = 1; i < RETRY_DELAYS_MS.length; i++) expect(RETRY_DELAYS_MS[i]!).toBeGreaterThan(RETRY_DELAYS_MS[i - 1]!);
  });

  it('covers a receiver that is down for an hour with retries to spare', () => {
    const untilFifth = RETRY_DELAYS_MS.slice(0, 5).reduce((a, b) => a + b, 0);
    expect(untilFifth).toBeGreaterThan(HOUR);
  });

  it('adds at most 10 % jitter', () => {
    expect(nextRetryDelayMs(1, 1, () => 0)).toBe(30_000);
    expect(nextRetryDelayMs(1, 1, () => 1)).toBe(33_000);
    expect(nextRetryDelayMs(1, 1, () => 7)).toBe(33_000);
  });

  it('scales every delay by WEBHOOK_BACKOFF_SCALE', () => {
    expect(nextRetryDelayMs(9, 0.001, noJitter)).toBe(86_400);
    expect(nextRetryDelayMs(1, 0.00001, noJitter)).toBe(0);
  });

  it('rejects a nonsensical attempt number', () => {
    expect(() => nextRetryDelayMs(0)).toThrow(RangeError);
    expect(() => nextRetryDelayMs(1.5)).toThrow(RangeError);
  });
});
