// Replan time of the site allocator (issue #18): a full site of N chargers (mixed 1- and 3-phase,
// every one charging), on which one more car arrives: the allocation that follows is the replan that
// matters (every charger's share changes). Then the same inputs again a second later: a replan that
// must send nothing. Times are CPU time of `allocate()` in this process (median and p99 of `runs`),
// counts are profiles a replan would send (limits that changed).
import { allocate, type ChargerState, type SiteSettings } from '../../lib/domain/power/allocator';
import { summarize } from './stats';

export interface ReplanRow {
  readonly chargers: number;
  readonly medianMs: number;
  readonly p99Ms: number;
  /** Profiles sent when a car arrives at the full site. */
  readonly sentOnArrival: number;
  /** Profiles sent by a replan with nothing changed. */
  readonly sentWhenUnchanged: number;
}

/** The site: a fuse that is too small for everyone at full power, so every share is a real limit. */
export function replanSite(n: number): { settings: SiteSettings; chargers: ChargerState[]; arriving: ChargerState } {
  const settings: SiteSettings = {
    fuseA: 27 + 8 * n,
    phases: 3,
    voltageV: 230,
    marginA: 2,
    mode: 'dynamic',
    distribution: 'equal',
    staticChargingA: 32,
    meterIncludesChargers: true,
    meterStaleAfterMs: 120_000,
  };
  const chargers: ChargerState[] = Array.from({ length: n }, (_, i) => ({
    chargerId: `cp${i}`,
    maxA: i % 5 === 0 ? 16 : 32,
    phases: i % 3 === 0 ? 1 : 3,
    phase: (Math.floor(i / 3) % 3) as 0 | 1 | 2,
    charging: { since: i },
  }));
  return { settings, chargers, arriving: { chargerId: `cp${n}`, maxA: 32, phases: 3, charging: { since: n } } };
}

export function measureReplan(n: number, runs = 200): ReplanRow {
  const { settings, chargers, arriving } = replanSite(n);
  const meter = (at: number) => ({ at, currentA: [20, 25, 15] });
  const before = allocate({ settings, chargers: [...chargers, { ...arriving, charging: undefined }], meter: meter(0), now: 0 });
  const samples: number[] = [];
  let arrival = before;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    arrival = allocate({ settings, chargers: [...chargers, arriving], meter: meter(1_000), now: 1_000, ramp: before.ramp });
    samples.push(performance.now() - t0);
  }
  const again = allocate({ settings, chargers: [...chargers, arriving], meter: meter(2_000), now: 2_000, ramp: arrival.ramp });
  const s = summarize(samples);
  return {
    chargers: n,
    medianMs: s.p50,
    p99Ms: s.p99,
    sentOnArrival: arrival.limits.filter((l) => l.changed).length,
    sentWhenUnchanged: again.limits.filter((l) => l.changed).length,
  };
}

export function renderReplan(rows: readonly ReplanRow[]): string {
  const lines = ['chargers | replan median | replan p99 | profiles sent: a car arrives | profiles sent: nothing changed'];
  for (const r of rows) lines.push(`${r.chargers} | ${r.medianMs.toFixed(2)} ms | ${r.p99Ms.toFixed(2)} ms | ${r.sentOnArrival} | ${r.sentWhenUnchanged}`);
  return lines.join('\n');
}
