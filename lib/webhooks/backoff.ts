// Retry schedule for failed webhook deliveries: exponential-ish, spread over about two days so a
// receiver that is down for a day (a weekend deploy freeze, an expired certificate) still gets
// every event. The sweeper (functions/events/webhook-retry.ts) runs once a minute, so a delay is
// honoured to within a minute.

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** Delay after the n-th failed attempt of a cycle (index 0 = after the first attempt). */
export const RETRY_DELAYS_MS: readonly number[] = [
  30 * SECOND,
  2 * MINUTE,
  10 * MINUTE,
  30 * MINUTE,
  1 * HOUR,
  3 * HOUR,
  6 * HOUR,
  12 * HOUR,
  24 * HOUR,
];

/** One immediate attempt plus one per delay: 10 attempts over 46 h 42 min 30 s. */
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;

export const TOTAL_RETRY_WINDOW_MS = RETRY_DELAYS_MS.reduce((a, b) => a + b, 0);

/**
 * When to try again after `failedAttempts` attempts of the current cycle have failed, or undefined
 * when that was the last one (the delivery becomes a dead letter). Up to 10 % jitter is added so
 * the backlog of a receiver that recovers does not arrive in one burst.
 */
export function nextRetryDelayMs(failedAttempts: number, scale = 1, random: () => number = Math.random): number | undefined {
  if (!Number.isInteger(failedAttempts) || failedAttempts < 1) throw new RangeError(`failedAttempts must be a positive integer, got ${failedAttempts}`);
  const base = RETRY_DELAYS_MS[failedAttempts - 1];
  if (base === undefined) return undefined;
  const jitter = 1 + 0.1 * Math.min(Math.max(random(), 0), 1);
  return Math.round(base * scale * jitter);
}
