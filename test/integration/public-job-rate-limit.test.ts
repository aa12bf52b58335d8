// The public job API's per-client limit (domain/rate-limits.ts `public-job`): one client that
// hammers it (a stuck page, a token scanner) gets 429 with Retry-After; other clients do not notice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime';
import { RATE_LIMITS } from '../../lib/domain/rate-limits';
import { apiClientFrom } from './support/api';
import { startTestRuntime } from './support/runtime';

let rt: LocalRuntime;
beforeAll(async () => {
  rt = await startTestRuntime();
});
afterAll(async () => {
  await rt?.stop();
});

describe('public job API rate limit', () => {
  it('answers 429 with Retry-After once one client passes its limit, and keeps answering other clients', async () => {
    const scanner = apiClientFrom(rt, '127.0.0.7');
    const phone = apiClientFrom(rt, '127.0.0.8');
    const { limit, windowSeconds } = RATE_LIMITS['public-job'];
    // Fixed windows: start early in one, so the burst is counted in a single window.
    const left = windowSeconds - ((Date.now() / 1000) % windowSeconds);
    if (left < windowSeconds / 2) await new Promise((r) => setTimeout(r, left * 1000 + 50));
    // Guessing tokens: each guess is a 404 and counts.
    const statuses: number[] = [];
    for (let i = 0; i < limit; i += 10) {
      const batch = await Promise.all(Array.from({ length: Math.min(10, limit - i) }, (_, n) => scanner('GET', `/api/v1/public/jobs/${String(i + n).padStart(43, 'x')}`)));
      statuses.push(...batch.map((r) => r.status));
    }
    expect(new Set(statuses)).toEqual(new Set([404]));
    const limited = await scanner<{ detail: string }>('GET', `/api/v1/public/jobs/${'y'.repeat(43)}`);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // Even a valid link is refused to that client (the limit is counted before the lookup) …
    const token = rt.seed!.jobUrl!.split('/jobs/')[1]!;
    expect((await scanner('GET', `/api/v1/public/jobs/${token}`)).status).toBe(429);
    // … while another client is served.
    expect((await phone('GET', `/api/v1/public/jobs/${token}`)).status).toBe(200);
  }, 60_000);
});
