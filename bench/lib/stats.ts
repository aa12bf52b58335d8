// Percentiles and summaries for latency samples. Pure, so the arithmetic is unit-tested
// (test/unit/bench/stats.test.ts).

export interface Summary {
  readonly count: number;
  readonly min: number;
  readonly mean: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

/**
 * The p-th percentile (0 ≤ p ≤ 100) of ascending-sorted samples, by linear interpolation between
 * the closest ranks (the "R-7" / NumPy default / Excel PERCENTILE.INC definition): rank
 * h = (n − 1)·p/100, value = x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋]). NaN for no samples.
 */
export function percentile(sorted: readonly number[], p: number): number {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be within 0..100, got ${p}`);
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const h = ((n - 1) * p) / 100;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  const a = sorted[lo]!;
  const b = sorted[hi]!;
  return a + (h - lo) * (b - a);
}

/** Count, min, mean, p50/p95/p99 and max of unsorted samples (the input is not modified). */
export function summarize(samples: readonly number[]): Summary {
  const sorted = Float64Array.from(samples).sort();
  const n = sorted.length;
  if (n === 0) return { count: 0, min: Number.NaN, mean: Number.NaN, p50: Number.NaN, p95: Number.NaN, p99: Number.NaN, max: Number.NaN };
  let sum = 0;
  for (const x of sorted) sum += x;
  const arr = Array.from(sorted);
  return { count: n, min: arr[0]!, mean: sum / n, p50: percentile(arr, 50), p95: percentile(arr, 95), p99: percentile(arr, 99), max: arr[n - 1]! };
}

/** Median of unsorted samples (NaN for none). */
export function median(samples: readonly number[]): number {
  return percentile([...samples].sort((a, b) => a - b), 50);
}

/** Lambda bills duration rounded up to the next millisecond, per invocation. */
export function meanBilledMs(durationsMs: readonly number[]): number {
  if (durationsMs.length === 0) return Number.NaN;
  let sum = 0;
  for (const d of durationsMs) sum += Math.max(1, Math.ceil(d));
  return sum / durationsMs.length;
}

/** Events per second over a window; 0 for an empty window. */
export function ratePerSecond(count: number, elapsedMs: number): number {
  return elapsedMs > 0 ? (count * 1000) / elapsedMs : 0;
}
