// Cold start of every function entry: bundle it the way the CDK app deploys it (infra/bundling.ts:
// esbuild, ES module, minified, node22, @aws-sdk/* external), then in fresh `node` processes time
// `import()` of the bundle and the first invocation with a minimal valid event. The first event
// talks to the running local services (DynamoDB Local, the local gateway and bus), so it includes
// the first SDK client creation and the first round trips, as a Lambda cold start does.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { lambdaEsbuildOptions } from '../../infra/bundling';
import type { EventRule } from '../../lib/events/rules';
import type { HttpRoute, WsRoute } from '../../lib/routes';
import { median } from './stats';

export type FunctionRow = { readonly kind: 'ws'; readonly row: WsRoute } | { readonly kind: 'http'; readonly row: HttpRoute } | { readonly kind: 'rule'; readonly row: EventRule };

/** `functions/ocpp/message.ts` → `ocpp-message`. */
export function functionName(entry: string): string {
  return entry.replace(/^functions\//, '').replace(/\.ts$/, '').replaceAll('/', '-');
}

export interface Bundle {
  readonly entry: string;
  readonly name: string;
  readonly file: string;
  readonly bytes: number;
}

/**
 * What the CDK app sets on functions (infra/access.ts), with placeholder values: modules read it at
 * load, so a bundle imported outside the local runtime needs it (scripts/cold-import.ts,
 * test/infra/bundles.test.ts). Nothing reaches these addresses at import.
 */
export const IMPORT_ENVIRONMENT: Readonly<Record<string, string>> = {
  TABLE_NAME: 'table',
  EVENT_BUS_NAME: 'bus',
  CERTIFICATE_BUCKET: 'bucket',
  WS_MANAGEMENT_ENDPOINT: 'https://example.execute-api.eu-west-1.amazonaws.com/prod',
  OCPP_PUBLIC_ENDPOINT: 'wss://ocpp.example.com/ocpp',
  PUBLIC_BASE_URL: 'https://api.example.com',
  EMAIL_FROM: 'commissioning@example.com',
  JWT_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:jwt',
  CERT_SIGNING_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:cert',
  ORIGIN_VERIFY_SECRET: 'origin',
  LOG_LEVEL: 'info',
};

/** One esbuild run for all entries; each output is a standalone bundle. */
export async function bundleEntries(repoRoot: string, entries: readonly string[], outDir: string, opts: { readonly bundleSdk?: boolean } = {}): Promise<Bundle[]> {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const unique = [...new Set(entries)];
  await build({
    entryPoints: unique.map((entry) => ({ in: resolve(repoRoot, entry), out: functionName(entry) })),
    outdir: outDir,
    outExtension: { '.js': '.mjs' },
    ...lambdaEsbuildOptions(),
    // The variant with the SDK inside shows what bundling it would change (docs/benchmarks.md).
    ...(opts.bundleSdk ? { external: [] } : {}),
    logLevel: 'silent',
  });
  return unique.map((entry) => {
    const file = join(outDir, `${functionName(entry)}.mjs`);
    return { entry, name: functionName(entry), file, bytes: statSync(file).size };
  });
}

/** Plain JS run by a fresh `node`: import the bundle, invoke the handler once, print the timings. */
const HARNESS = `import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
const [bundle, eventFile] = process.argv.slice(2);
const event = JSON.parse(readFileSync(eventFile, 'utf8'));
const started = Date.now();
const context = { callbackWaitsForEmptyEventLoop: false, functionName: 'cold-start', functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:local:000000000000:function:cold-start', memoryLimitInMB: '512',
  awsRequestId: 'cold-start', logGroupName: '/aws/lambda/cold-start', logStreamName: 'local',
  getRemainingTimeInMillis: () => Math.max(0, 29000 - (Date.now() - started)), done() {}, fail() {}, succeed() {} };
const t0 = performance.now();
const mod = await import(pathToFileURL(bundle).href);
const t1 = performance.now();
let outcome = 'ok';
try {
  const r = await mod.handler(event, context);
  if (r && typeof r === 'object' && 'statusCode' in r) outcome = String(r.statusCode);
} catch (e) {
  outcome = 'threw ' + String((e && e.name) || 'Error') + ': ' + String((e && e.message) || e).replace(/\\s+/g, ' ').slice(0, 50);
}
const t2 = performance.now();
process.stdout.write('\\n__COLD__' + JSON.stringify({ importMs: t1 - t0, firstEventMs: t2 - t1, outcome }) + '\\n');
process.exit(0);
`;

export interface ColdRun {
  readonly importMs: number;
  readonly firstEventMs: number;
  readonly outcome: string;
}

export interface ColdResult {
  readonly entry: string;
  readonly name: string;
  readonly kind: FunctionRow['kind'];
  /** Minified size as scripts/bundle-sizes.ts measures it (the same esbuild options, no source map). */
  readonly bundleBytes: number;
  readonly gzipBytes?: number;
  /** Of bundleBytes, what comes from the AWS SDK (scripts/bundle-sizes.ts sdkBytes); the rest is our code and other packages. */
  readonly sdkBytes?: number;
  /** Of bundleBytes, our code: modules outside node_modules (scripts/bundle-sizes.ts ownBytes), generated ones included. */
  readonly ownBytes?: number;
  /** Of ownBytes, the generated modules (OCPP validators). */
  readonly generatedBytes?: number;
  /** npm packages bundled in. */
  readonly packages?: readonly string[];
  readonly runs: number;
  readonly importMs: number;
  readonly firstEventMs: number;
  readonly totalMs: number;
  readonly outcome: string;
  /** The same function bundled with the AWS SDK inside (OCPP functions only). */
  readonly sdkBundled?: { readonly bundleBytes: number; readonly importMs: number; readonly firstEventMs: number; readonly totalMs: number };
}

function runOnce(harness: string, bundle: string, eventFile: string, env: NodeJS.ProcessEnv): Promise<ColdRun> {
  return new Promise((resolvePromise, reject) => {
    execFile(process.execPath, [harness, bundle, eventFile], { env, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout) => {
      const line = stdout.split('\n').find((l) => l.startsWith('__COLD__'));
      if (line) return resolvePromise(JSON.parse(line.slice('__COLD__'.length)) as ColdRun);
      reject(new Error(`cold start of ${bundle} printed no result${err ? `: ${err.message.slice(0, 300)}` : ''}`));
    });
  });
}

/** Median import and first-event time over `runs` fresh processes, run one after another. */
export async function measureColdStart(opts: {
  readonly outDir: string;
  readonly bundle: Bundle;
  readonly kind: FunctionRow['kind'];
  readonly event: unknown;
  readonly runs: number;
  readonly env: NodeJS.ProcessEnv;
}): Promise<ColdResult> {
  const harness = join(opts.outDir, 'cold-start-harness.mjs');
  writeFileSync(harness, HARNESS);
  const eventFile = join(opts.outDir, `${opts.bundle.name}.event.json`);
  writeFileSync(eventFile, JSON.stringify(opts.event));
  const runs: ColdRun[] = [];
  for (let i = 0; i < opts.runs; i++) runs.push(await runOnce(harness, opts.bundle.file, eventFile, opts.env));
  const outcomes = [...new Set(runs.map((r) => r.outcome.split('\n')[0]!.replace(/\s+/g, ' ').trim()))];
  return {
    entry: opts.bundle.entry,
    name: opts.bundle.name,
    kind: opts.kind,
    bundleBytes: opts.bundle.bytes,
    runs: runs.length,
    importMs: median(runs.map((r) => r.importMs)),
    firstEventMs: median(runs.map((r) => r.firstEventMs)),
    totalMs: median(runs.map((r) => r.importMs + r.firstEventMs)),
    outcome: outcomes.join(' / '),
  };
}

export interface ColdContext {
  /** A live, booted connection: its $default first event is a Heartbeat (full pipeline). */
  readonly liveConnectionId: string;
  /** A registered charge point used only for $connect first events (real Basic auth). */
  readonly connect: { readonly identity: string; readonly password: string; readonly protocol: string };
  readonly operatorApiKey: string;
  readonly installerToken: string;
  readonly projectId: string;
  readonly chargePointId: string;
  /** A valid webhook event envelope (charge_point.status_changed). */
  readonly sampleEvent: Record<string, unknown>;
}

/** A minimal valid event of the right shape for each kind of entry. */
export function coldEvent(fn: FunctionRow, ctx: ColdContext): unknown {
  const now = new Date();
  const connectionId = `${randomBytes(10).toString('base64').replace(/=+$/, '')}=`;
  const wsContext = (routeKey: string, id: string) => ({
    routeKey,
    eventType: routeKey === '$connect' ? 'CONNECT' : routeKey === '$disconnect' ? 'DISCONNECT' : 'MESSAGE',
    stage: 'local',
    connectedAt: now.getTime(),
    requestTimeEpoch: now.getTime(),
    requestId: 'cold-start',
    domainName: 'localhost',
    connectionId: id,
    apiId: 'local',
    identity: { sourceIp: '127.0.0.1', userAgent: 'cold-start' },
  });
  if (fn.kind === 'ws') {
    if (fn.row.routeKey === '$connect') {
      const auth = `Basic ${Buffer.from(`${ctx.connect.identity}:${ctx.connect.password}`).toString('base64')}`;
      return {
        headers: { Authorization: auth, 'Sec-WebSocket-Protocol': ctx.connect.protocol },
        queryStringParameters: { cp: ctx.connect.identity },
        requestContext: wsContext('$connect', connectionId),
        isBase64Encoded: false,
      };
    }
    if (fn.row.routeKey === '$default') {
      return { body: JSON.stringify([2, `cold-${randomBytes(6).toString('hex')}`, 'Heartbeat', {}]), isBase64Encoded: false, requestContext: { ...wsContext('$default', ctx.liveConnectionId), messageId: 'cold' } };
    }
    return { headers: {}, requestContext: { ...wsContext('$disconnect', connectionId), disconnectStatusCode: 1000, disconnectReason: '' }, isBase64Encoded: false };
  }
  if (fn.kind === 'http') {
    const known: Record<string, string> = { project_id: ctx.projectId, charge_point_id: ctx.chargePointId, email: 'nobody@example.com' };
    const pathParameters: Record<string, string> = {};
    const rawPath = fn.row.path.replace(/\{([A-Za-z0-9_]+)\}/g, (_m, name: string) => {
      pathParameters[name] = known[name] ?? 'bench_missing';
      return encodeURIComponent(pathParameters[name]!);
    });
    const headers: Record<string, string> = { 'content-type': 'application/json', host: 'localhost' };
    if (fn.row.auth === 'operator') headers.authorization = `Bearer ${ctx.operatorApiKey}`;
    if (fn.row.auth === 'installer') headers.authorization = `Bearer ${ctx.installerToken}`;
    const hasBody = fn.row.method !== 'GET' && fn.row.method !== 'DELETE';
    return {
      version: '2.0',
      routeKey: `${fn.row.method} ${fn.row.path}`,
      rawPath,
      rawQueryString: '',
      headers,
      ...(Object.keys(pathParameters).length ? { pathParameters } : {}),
      ...(hasBody ? { body: '{}' } : {}),
      isBase64Encoded: false,
      requestContext: {
        accountId: '000000000000',
        apiId: 'local',
        domainName: 'localhost',
        domainPrefix: 'localhost',
        http: { method: fn.row.method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'cold-start' },
        requestId: 'cold-start',
        routeKey: `${fn.row.method} ${fn.row.path}`,
        stage: '$default',
        time: now.toUTCString(),
        timeEpoch: now.getTime(),
      },
    };
  }
  const rule = fn.row;
  const scheduled = !!rule.schedule;
  // A rule that takes the sample event gets it (a full fan-out); others get their first detail-type with an empty detail.
  const takesSample = !scheduled && typeof ctx.sampleEvent.type === 'string' && !!rule.pattern?.detailType.includes(ctx.sampleEvent.type);
  const detailType = scheduled ? 'Scheduled Event' : takesSample ? String(ctx.sampleEvent.type) : (rule.pattern?.detailType[0] ?? 'unknown');
  const detail = takesSample ? ctx.sampleEvent : {};
  return {
    version: '0',
    id: `cold-${randomBytes(6).toString('hex')}`,
    'detail-type': detailType,
    source: scheduled ? 'aws.events' : (rule.pattern?.source[0] ?? 'unknown'),
    account: '000000000000',
    time: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: 'local',
    resources: [],
    detail,
  };
}
