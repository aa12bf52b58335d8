// A site meter for trying power management without hardware (issue #18), shared by
// `npm run simulate-meter` and the integration tests: it builds the body of
// POST /api/v1/meters/{meter_id}/readings and sends it with the meter's secret as bearer token.

export interface ReadingInput {
  /** Per phase, A: positive import, negative export. */
  readonly currentA?: readonly number[];
  /** Total power, W (import, or export with `direction`). */
  readonly powerW?: number;
  readonly direction?: 'import' | 'export';
  /** The meter's clock; now by default. */
  readonly at?: Date;
}

/** The JSON body of one reading. */
export function meterReading(r: ReadingInput): Record<string, unknown> {
  return {
    at: (r.at ?? new Date()).toISOString(),
    ...(r.currentA ? { current_a: [...r.currentA] } : {}),
    ...(r.powerW !== undefined ? { power_w: r.powerW, direction: r.direction ?? 'import' } : {}),
  };
}

export interface SentReading {
  readonly status: number;
  readonly body: unknown;
}

/** Sends one reading to the readings URL the meter was given when it was added. */
export async function sendReading(readingsUrl: string, secret: string, r: ReadingInput): Promise<SentReading> {
  const res = await fetch(readingsUrl, {
    method: 'POST',
    headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
    body: JSON.stringify(meterReading(r)),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : null };
}

/**
 * A building's draw that wanders: `baseA` per phase plus a slow sine of `swingA` (a period of 5
 * minutes) and, with `solarA`, a midday-like export subtracted. Deterministic in `t` (ms).
 */
export function buildingTrace(t: number, opts: { phases: 1 | 3; baseA: number; swingA: number; solarA: number }): number[] {
  const wave = Math.sin((2 * Math.PI * t) / 300_000);
  return Array.from({ length: opts.phases }, (_, p) => Math.round((opts.baseA + opts.swingA * Math.sin((2 * Math.PI * t) / 300_000 + (p * 2 * Math.PI) / 3) - opts.solarA * (0.5 + 0.5 * wave)) * 10) / 10);
}
