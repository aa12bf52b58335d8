// Turns the tagged buckets and the load generator's phase reports into the result JSON
// (bench/results/latest.json, read by `npm run cost`) and the printed report.
import type { PhaseReport } from '../load/protocol';
import type { ColdResult } from './cold-start';
import type { CpuSample } from './cpu';
import type { UnitCost, UnitCosts } from './cost-model';
import { fmt, heading, kib, table } from './format';
import { meanBilledMs, summarize, type Summary } from './stats';
import type { Bucket } from './tagging';

export interface LatencyRow {
  readonly type: string;
  readonly count: number;
  readonly perSecond: number;
  readonly rttMs: Summary;
  readonly errors: Readonly<Record<string, number>>;
}

/** Work per invocation of one function serving one message type (all phases where it occurred). */
export interface WorkRow {
  readonly fn: string;
  readonly type: string;
  readonly invocations: number;
  readonly dynamoRequests: number;
  readonly readRequests: number;
  readonly writeRequests: number;
  readonly failedRequests: number;
  /** Share of requests whose ConsumedCapacity came back (1 = every one measured). */
  readonly capacityMeasured: number;
  readonly readUnits: number;
  readonly writeUnits: number;
  readonly writeUnitsGsi: number;
  /** Write units as DynamoDB Local reported them (it under-reports transactions). */
  readonly reportedWriteUnits: number;
  /** Request shapes per invocation, e.g. `{ "GetItem CONN": 1, "PutItem LOG": 1 }`. */
  readonly shapes: Readonly<Record<string, number>>;
  readonly events: Readonly<Record<string, number>>;
  readonly management: Readonly<Record<string, number>>;
  readonly bytesIn: number;
  readonly bytesOut: number;
  readonly logBytes: number;
  readonly itemsPut: number;
  readonly itemBytes: number;
  /** Handler time without other load (the probe phase), and under the mix's load. */
  readonly handlerMsUnloaded: Summary | undefined;
  readonly handlerMsLoaded: Summary | undefined;
  readonly billedMsUnloaded: number;
  readonly billedMsLoaded: number;
}

export interface TargetCheck {
  readonly target: string;
  readonly measured: string;
  readonly met: boolean | 'n/a';
}

export interface BenchResult {
  readonly schema: 'chargepoint-bench/1';
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly wallSeconds: number;
  readonly command: string;
  readonly options: Record<string, unknown>;
  readonly machine: Record<string, string | number>;
  readonly registration: { readonly chargers: number; readonly seconds: number; readonly perSecond: number };
  readonly connect: {
    readonly concurrency: number;
    readonly connected: number;
    readonly failed: number;
    readonly seconds: number;
    readonly perSecond: number;
    readonly handshakeMs: Summary;
    readonly failures: Readonly<Record<string, number>>;
  };
  readonly boot: { readonly seconds: number; readonly calls: number; readonly types: readonly LatencyRow[] };
  readonly mix: MixSummary;
  /** The same mix at about half the throughput the first one reached: latency below saturation. */
  readonly mixHalf: MixSummary;
  readonly work: readonly WorkRow[];
  readonly lifecycle: readonly WorkRow[];
  readonly eventTargets: readonly WorkRow[];
  readonly management: Readonly<Record<string, Readonly<Record<string, number>>>>;
  readonly raw: {
    readonly concurrency: number;
    readonly seconds: number;
    readonly writes: number;
    readonly errors: number;
    readonly writesPerSecond: number;
    readonly itemBytes: number;
    readonly latencyMs: Summary;
    readonly dynamoMeanInFlight: number;
    readonly cpuSeconds: CpuSample;
  };
  readonly ratio: { readonly ocppMsgsPerRawWrite: number; readonly dynamoRequestsPerRawWrite: number };
  readonly coldStart: readonly ColdResult[];
  readonly crossCheck: {
    readonly callCounter: number;
    readonly tagged: number;
    readonly untagged: number;
    /** Single-item writes whose units were computed from sizes too, and how many differ from DynamoDB Local's report. */
    readonly writesChecked: number;
    readonly writesMismatched: number;
    readonly transactionsComputed: number;
  };
  readonly handlerLogs: { readonly lines: number; readonly errorOrWarnLines: number };
  readonly unitCosts: UnitCosts;
  readonly targets: readonly TargetCheck[];
}

export interface MixSummary {
  readonly phase: string;
  readonly seconds: number;
  readonly heartbeatSeconds: number;
  readonly sessionShare: number;
  readonly calls: number;
  readonly errors: number;
  readonly msgsPerSecond: number;
  /** Ticks the chargers took per second (a charger that falls behind skips ticks rather than bursting). */
  readonly scheduledPerSecond: number;
  /** Chargers ÷ heartbeat interval: the load the schedule offers when nobody falls behind. */
  readonly nominalPerSecond: number;
  readonly rttMs: Summary;
  readonly dynamoRequestsPerSecond: number;
  readonly dynamoMeanInFlight: number;
  readonly defaultMeanInFlight: number;
  readonly sessions: Readonly<Record<string, number>>;
  readonly cpuSeconds: CpuSample;
  /** CPU milliseconds per answered CALL, per process. */
  readonly cpuMsPerMessage: CpuSample;
  /** CPU busy per process as a share of one core over the window (100 = one core). */
  readonly cpuShare: CpuSample;
  readonly types: readonly LatencyRow[];
}

// ---- aggregation ----

/** One mix window: throughput, latency, DynamoDB rate and CPU per message. */
export function summarizeMix(
  phase: string,
  report: PhaseReport,
  settings: { readonly heartbeatSeconds: number; readonly sessionShare: number; readonly chargers: number },
  buckets: readonly Bucket[],
  inflightArea: number,
  cpu: CpuSample,
): MixSummary {
  const types = latencyRows(report.rttMs, report.errors, report.elapsedMs);
  const calls = types.reduce((s, r) => s + r.count, 0);
  const errors = types.reduce((s, r) => s + Object.values(r.errors).reduce((a, b) => a + b, 0), 0);
  const inPhase = buckets.filter((b) => b.phase === phase);
  const ddb = inPhase.reduce((s, b) => s + b.ddb.readRequests + b.ddb.writeRequests, 0);
  const busy = inPhase.filter((b) => b.fn === '$default').reduce((s, b) => s + b.durationsMs.reduce((a, d) => a + d, 0), 0);
  const seconds = report.elapsedMs / 1000;
  const per = (x: number | undefined, k: number) => (x === undefined ? undefined : x * k);
  return {
    phase,
    seconds,
    heartbeatSeconds: settings.heartbeatSeconds,
    sessionShare: settings.sessionShare,
    calls,
    errors,
    msgsPerSecond: calls / seconds,
    scheduledPerSecond: report.scheduled / seconds,
    nominalPerSecond: settings.chargers / settings.heartbeatSeconds,
    rttMs: summarize(Object.values(report.rttMs).flat()),
    dynamoRequestsPerSecond: ddb / seconds,
    dynamoMeanInFlight: inflightArea / report.elapsedMs,
    defaultMeanInFlight: busy / report.elapsedMs,
    sessions: report.extra ?? {},
    cpuSeconds: cpu,
    cpuMsPerMessage: { gateway: cpu.gateway * (1000 / Math.max(1, calls)), dynamodb: per(cpu.dynamodb, 1000 / Math.max(1, calls)), loadGenerator: per(cpu.loadGenerator, 1000 / Math.max(1, calls)) },
    cpuShare: { gateway: (cpu.gateway / seconds) * 100, dynamodb: per(cpu.dynamodb, 100 / seconds), loadGenerator: per(cpu.loadGenerator, 100 / seconds) },
    types,
  };
}

export function latencyRows(rttMs: Readonly<Record<string, number[]>>, errors: Readonly<Record<string, Record<string, number>>>, elapsedMs: number): LatencyRow[] {
  const types = [...new Set([...Object.keys(rttMs), ...Object.keys(errors)])].sort();
  return types.map((type) => {
    const samples = rttMs[type] ?? [];
    return { type, count: samples.length, perSecond: elapsedMs > 0 ? (samples.length * 1000) / elapsedMs : 0, rttMs: summarize(samples), errors: errors[type] ?? {} };
  });
}

const perCall = (rec: Readonly<Record<string, number>>, n: number) => Object.fromEntries(Object.entries(rec).map(([k, v]) => [k, v / n]));

/** Work rows by (fn, type) over the given phases; handler times split into unloaded (probe) and loaded (mix). */
export function workRows(buckets: readonly Bucket[], fns: readonly string[], phases: readonly string[]): WorkRow[] {
  const groups = new Map<string, Bucket[]>();
  for (const b of buckets) {
    if (!fns.includes(b.fn) || !phases.includes(b.phase)) continue;
    const key = `${b.fn}\u0000${b.type}`;
    groups.set(key, [...(groups.get(key) ?? []), b]);
  }
  const rows: WorkRow[] = [];
  for (const list of groups.values()) {
    const n = list.reduce((s, b) => s + b.invocations, 0);
    if (n === 0) continue;
    const sum = (f: (b: Bucket) => number) => list.reduce((s, b) => s + f(b), 0);
    const merge = (f: (b: Bucket) => Readonly<Record<string, number>>) => {
      const out: Record<string, number> = {};
      for (const b of list) for (const [k, v] of Object.entries(f(b))) out[k] = (out[k] ?? 0) + v;
      return out;
    };
    const requests = sum((b) => b.ddb.readRequests + b.ddb.writeRequests);
    const unloaded = list.filter((b) => b.phase === 'probe').flatMap((b) => b.durationsMs);
    const loaded = list.filter((b) => b.phase === 'mix').flatMap((b) => b.durationsMs);
    const all = list.flatMap((b) => b.durationsMs);
    const itemsPut = sum((b) => b.ddb.itemsPut);
    rows.push({
      fn: list[0]!.fn,
      type: list[0]!.type,
      invocations: n,
      dynamoRequests: requests / n,
      readRequests: sum((b) => b.ddb.readRequests) / n,
      writeRequests: sum((b) => b.ddb.writeRequests) / n,
      failedRequests: sum((b) => b.ddb.failedRequests) / n,
      capacityMeasured: requests ? sum((b) => b.ddb.measured) / requests : 1,
      readUnits: sum((b) => b.ddb.readUnits) / n,
      writeUnits: sum((b) => b.ddb.writeUnits) / n,
      writeUnitsGsi: sum((b) => b.ddb.writeUnitsGsi) / n,
      reportedWriteUnits: sum((b) => b.ddb.reportedWriteUnits) / n,
      shapes: perCall(merge((b) => b.ddb.shapes), n),
      events: perCall(merge((b) => b.eventTypes), n),
      management: perCall(merge((b) => b.management), n),
      bytesIn: sum((b) => b.bytesIn) / n,
      bytesOut: sum((b) => b.bytesOut) / n,
      logBytes: sum((b) => b.logBytes) / n,
      itemsPut: itemsPut / n,
      itemBytes: itemsPut ? sum((b) => b.ddb.itemBytesPut) / itemsPut : 0,
      handlerMsUnloaded: unloaded.length ? summarize(unloaded) : undefined,
      handlerMsLoaded: loaded.length ? summarize(loaded) : undefined,
      billedMsUnloaded: meanBilledMs(unloaded.length ? unloaded : all),
      billedMsLoaded: meanBilledMs(loaded.length ? loaded : all),
    });
  }
  return rows.sort((a, b) => a.type.localeCompare(b.type));
}

function unitOf(row: WorkRow): UnitCost {
  return {
    billedMs: row.billedMsUnloaded,
    readUnits: row.readUnits,
    writeUnits: row.writeUnits,
    writeUnitsGsi: row.writeUnitsGsi,
    dynamoRequests: row.dynamoRequests,
    events: row.events,
    bytesIn: row.bytesIn,
    bytesOut: row.bytesOut,
    logBytes: row.logBytes,
    itemsPut: row.itemsPut,
    itemBytes: row.itemBytes,
  };
}

/** What `npm run cost` needs: per-invocation work, Lambda time from the unloaded probe. */
export function unitCostsFrom(source: string, work: readonly WorkRow[], lifecycle: readonly WorkRow[], targets: readonly WorkRow[]): UnitCosts {
  const byVersion = (fn: string) => Object.fromEntries(lifecycle.filter((r) => r.fn === fn).map((r) => [r.type.split(' ')[0]!, unitOf(r)]));
  return {
    source,
    messages: Object.fromEntries(work.map((r) => [r.type, unitOf(r)])),
    connect: byVersion('$connect'),
    disconnect: byVersion('$disconnect'),
    eventTargets: Object.fromEntries(targets.map((r) => [r.type, unitOf(r)])),
  };
}

// ---- rendering ----

const ms = (n: number | undefined) => (n === undefined || !Number.isFinite(n) ? '–' : n < 10 ? n.toFixed(2) : n.toFixed(1));
const errorText = (e: Readonly<Record<string, number>>) => Object.entries(e).map(([k, v]) => `${v} ${k}`).join(', ') || '0';
const shapesText = (s: Readonly<Record<string, number>>) =>
  Object.entries(s)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => (Math.abs(v - 1) < 0.005 ? k : `${fmt(v)}× ${k}`))
    .join(' + ') || 'none';
const recordText = (s: Readonly<Record<string, number>>) => Object.entries(s).map(([k, v]) => `${fmt(v)} ${k}`).join(', ') || '0';

export function renderLatency(rows: readonly LatencyRow[]): string {
  return table(
    ['message type', 'count', 'per s', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'errors'],
    rows.map((r) => [r.type, r.count, fmt(r.perSecond), ms(r.rttMs.p50), ms(r.rttMs.p95), ms(r.rttMs.p99), ms(r.rttMs.max), errorText(r.errors)]),
  );
}

export function renderWork(rows: readonly WorkRow[], title = 'message type'): string {
  const t = table(
    [title, 'n', 'DDB req', 'writes', 'RRU', 'WRU', 'of which GSI', 'WRU reported', 'events', 'mgmt', 'bytes in', 'bytes out', 'ms unloaded p50', 'ms loaded p50'],
    rows.map((r) => [
      r.type,
      r.invocations,
      fmt(r.dynamoRequests),
      fmt(r.writeRequests),
      fmt(r.readUnits),
      fmt(r.writeUnits),
      fmt(r.writeUnitsGsi),
      fmt(r.reportedWriteUnits),
      fmt(Object.values(r.events).reduce((s, v) => s + v, 0)),
      fmt(Object.values(r.management).reduce((s, v) => s + v, 0)),
      fmt(r.bytesIn),
      fmt(r.bytesOut),
      ms(r.handlerMsUnloaded?.p50),
      ms(r.handlerMsLoaded?.p50),
    ]),
  );
  const shapes = rows.map((r) => `  ${r.type}: ${shapesText(r.shapes)}${Object.keys(r.events).length ? `; publishes ${recordText(r.events)}` : ''}${Object.keys(r.management).length ? `; Management API ${recordText(r.management)}` : ''}`);
  return `${t}\n DynamoDB requests per invocation (key prefix of the item):\n${shapes.join('\n')}`;
}

export function renderCold(rows: readonly ColdResult[]): string {
  return table(
    ['function', 'bundle', 'import ms', 'first event ms', 'total ms', 'runs', 'first event answer'],
    rows.map((r) => [r.name, kib(r.bundleBytes), ms(r.importMs), ms(r.firstEventMs), ms(r.totalMs), r.runs, r.outcome]),
  );
}

export function renderTargets(rows: readonly TargetCheck[]): string {
  return table(
    ['target (issue #13)', 'measured', 'met'],
    rows.map((r) => [r.target, r.measured, r.met === 'n/a' ? 'n/a' : r.met ? 'yes' : 'NO']),
  );
}

export { heading };
