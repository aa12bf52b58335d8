// The local runtime: one Node process serving every HTTP route and the OCPP WebSocket on one port,
// with DynamoDB Local, s3rver, a local event bus, a local @connections endpoint and an email outbox.
// Handlers are the same modules Lambda runs; only the AWS_ENDPOINT_URL_* variables differ.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join, resolve } from 'node:path';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { generateSigningIdentity } from '../lib/certificates/signing-identity';
import { EVENT_RULES, type EventRule } from '../lib/events/rules';
import { HTTP_FALLBACK_ROUTE, HTTP_ROUTES, WS_ROUTES, type HttpRoute, type WsRoute } from '../lib/routes';
import { lockDataDir } from './data-lock';
import { ensureTable, startDynamoDbLocal, type DynamoDbLocal } from './dynamodb-local';
import { LocalStartError } from './errors';
import { DEFAULT_RETRY, LocalEventBus, type RetryPolicy } from './event-bus';
import { isInternalRequest, mayServeInternal } from './internal-access';
import { answerNotReady, compileRoutes, refuseUpgradeNotReady, serveHttpRequest } from './http-api';
import { loadHandler, REPO_ROOT } from './lambda';
import { LiveConnections } from './live-connections';
import { LocalKms, LOCAL_KMS_KEY_ID } from './kms';
import { Outbox } from './outbox';
import { ocppEndpointOf, publicBaseUrl } from './public-url';
import { proxyToS3, S3_PATH_PREFIX, startLocalS3, type LocalS3 } from './s3';
import type { SeedResult } from './seed';
import { WsGateway } from './ws-gateway';

export const STAGE = 'local';

export interface RuntimeOptions {
  /** 0 picks a free port. Default 3000. */
  readonly port?: number;
  /** Interface to listen on. Default 127.0.0.1; use 0.0.0.0 to reach it from a phone on the LAN. */
  readonly host?: string;
  /**
   * Base URL handed out in links (OCPP endpoint, emails, certificate links).
   * @default - the LAN address when host is 0.0.0.0 / ::, else http://localhost:PORT (see public-url.ts)
   */
  readonly publicUrl?: string;
  /**
   * At stop, how long handlers still running (a command waiting for a charger that is gone, a bus
   * delivery) may take before the runtime stops under them. Default 2000 ms.
   */
  readonly shutdownGraceMs?: number;
  /** Where DynamoDB Local, s3rver and the outbox keep their data. Default `.data` in the repo. */
  readonly dataDir?: string;
  /** Throwaway run: nothing is written to disk. */
  readonly inMemory?: boolean;
  /** Use an already running DynamoDB Local (the integration tests start one per test run). */
  readonly dynamodbEndpoint?: string;
  readonly tableName?: string;
  /** Seed demo data on first start. Default true. */
  readonly seed?: boolean;
  readonly retry?: RetryPolicy;
  readonly httpRoutes?: readonly HttpRoute[];
  readonly wsRoutes?: readonly WsRoute[];
  readonly eventRules?: readonly EventRule[];
  /** Scheduled rules: on their rate (default) or only when a test fires them. */
  readonly schedules?: 'timers' | 'manual';
  /** Extra environment for the handlers (e.g. short timeouts in tests). */
  readonly env?: Record<string, string>;
  /** The WebSocket gateway's idle timeout and maximum connection duration (API Gateway's 10 min and 2 h by default; tests shorten them). */
  readonly websocketLimits?: { readonly idleTimeoutMs?: number; readonly maxConnectionMs?: number };
}

export interface LocalRuntime {
  readonly port: number;
  readonly url: string;
  readonly ocppUrl: string;
  readonly tableName: string;
  readonly dataDir: string | undefined;
  readonly dynamodbEndpoint: string;
  readonly s3Endpoint: string;
  readonly certificateBucket: string;
  readonly seed: SeedResult | undefined;
  readonly bus: LocalEventBus;
  readonly outbox: Outbox;
  readonly gateway: WsGateway;
  /** The one HTTP server (tests hand it connections from a peer that is not this machine). */
  readonly httpServer: Server;
  /** Waits until every in-flight WebSocket handler and bus delivery has finished. */
  drain(): Promise<void>;
  stop(): Promise<void>;
}

/** The file in the data folder that tells `npm run admin -- --local` how to reach the running runtime. */
export const LOCAL_ADMIN_FILE = 'local-admin.json';
export interface LocalAdminEnv {
  readonly TABLE_NAME: string;
  readonly AWS_ENDPOINT_URL_DYNAMODB: string;
  readonly AWS_ENDPOINT_URL_SESV2: string;
  readonly AWS_ENDPOINT_URL_EVENTBRIDGE: string;
  readonly AWS_ENDPOINT_URL_KMS: string;
  readonly EVENT_BUS_NAME: string;
  readonly WEBHOOK_SECRETS_KEY_ID: string;
  readonly AWS_REGION: string;
  readonly AWS_ACCESS_KEY_ID: string;
  readonly AWS_SECRET_ACCESS_KEY: string;
  readonly EMAIL_FROM: string;
  readonly PUBLIC_BASE_URL: string;
}

export async function startLocalRuntime(opts: RuntimeOptions = {}): Promise<LocalRuntime> {
  const inMemory = opts.inMemory ?? false;
  const dataDir = inMemory ? undefined : resolve(opts.dataDir ?? join(REPO_ROOT, '.data'));
  if (dataDir) {
    // The folder holds tokens in mails and pending events, the demo credentials and the table: this
    // user's alone (a probe found the pending events readable by every user of the machine).
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    chmodSync(dataDir, 0o700);
  }
  const tableName = opts.tableName ?? 'chargepoint-commissioning';
  const busName = 'chargepoint-commissioning';
  const certificateBucket = 'chargepoint-certificates';
  const host = opts.host ?? '127.0.0.1';
  const graceMs = opts.shutdownGraceMs ?? 2000;

  // Stopped in reverse order of start: the server's parts before the children they use.
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch((e: unknown) => console.error('[local] stop failed:', e));
  };
  // 'starting' until the seed is written and every part is ready; 'stopping' from the first stop step.
  let state: 'starting' | 'ready' | 'stopping' = 'starting';
  let routeRequest: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;

  try {
    if (dataDir) {
      const release = lockDataDir(dataDir);
      stops.push(async () => release());
    }
    // 1. HTTP + WebSocket server first: a port in use is the most common start-up failure. From
    // here on every request is answered (503 while starting, see http-api.ts), never left waiting.
    const server = createServer((req, res) => (routeRequest ? routeRequest(req, res) : answerNotReady(res, 'starting')));
    const port = await listen(server, opts.port ?? 3000, host);
    stops.push(
      () =>
        new Promise<void>((r) => {
          server.close(() => r());
          server.closeAllConnections();
        }),
    );
    const url = publicBaseUrl({ host, port, ...(opts.publicUrl ? { publicUrl: opts.publicUrl } : {}) });
    const ocppUrl = ocppEndpointOf(url);

    // 2. DynamoDB Local (unless the caller runs one) and the table from the shared definition.
    let dynamodbEndpoint = opts.dynamodbEndpoint;
    if (!dynamodbEndpoint) {
      const ddb: DynamoDbLocal = await startDynamoDbLocal(dataDir ? { dbPath: join(dataDir, 'dynamodb') } : {});
      stops.push(() => ddb.stop());
      dynamodbEndpoint = ddb.endpoint;
    }
    const ddbClient = new DynamoDBClient({
      endpoint: dynamodbEndpoint,
      region: 'local',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    stops.push(async () => ddbClient.destroy());
    const created = await ensureTable(ddbClient, tableName, dataDir && join(dataDir, 'dynamodb'));

    // 3. S3 for certificates.
    const s3: LocalS3 = await startLocalS3({ directory: dataDir && join(dataDir, 's3'), buckets: [certificateBucket] });
    stops.push(() => s3.stop());

    // 4. Local secrets (AWS keeps them in Secrets Manager), kept with the data so tokens survive a restart.
    const secrets = loadOrCreateLocalSecrets(dataDir);
    const kms = new LocalKms(Buffer.from(secrets.kmsMasterKey, 'base64'));

    // Environment the handlers read at module load: set before any handler is imported.
    const selfEndpoint = `http://127.0.0.1:${port}`;
    Object.assign(process.env, {
      AWS_REGION: process.env.AWS_REGION ?? 'eu-west-1',
      // s3rver accepts only this key pair; DynamoDB Local (sharedDb) and the local gateways accept any.
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_ENDPOINT_URL_DYNAMODB: dynamodbEndpoint,
      // Through the main port at the public address: certificate links are presigned against it.
      AWS_ENDPOINT_URL_S3: `${url}${S3_PATH_PREFIX}`,
      AWS_ENDPOINT_URL_EVENTBRIDGE: selfEndpoint,
      AWS_ENDPOINT_URL_KMS: selfEndpoint,
      WEBHOOK_SECRETS_KEY_ID: LOCAL_KMS_KEY_ID,
      AWS_ENDPOINT_URL_SESV2: selfEndpoint,
      // s3rver stores aws-chunked bodies verbatim unless checksums are only computed when required (DESIGN.md §1).
      AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
      AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
      S3_FORCE_PATH_STYLE: 'true',
      TABLE_NAME: tableName,
      EVENT_BUS_NAME: busName,
      CERTIFICATE_BUCKET: certificateBucket,
      WS_MANAGEMENT_ENDPOINT: `${selfEndpoint}/${STAGE}`,
      OCPP_PUBLIC_ENDPOINT: ocppUrl,
      PUBLIC_BASE_URL: url,
      EMAIL_FROM: 'no-reply@localhost',
      // Webhook receivers on http://localhost are allowed only here (on AWS: https, public addresses only).
      WEBHOOK_ALLOW_LOCALHOST: 'true',
      JWT_SECRET: secrets.jwtSecret,
      CERT_SIGNING_P12_BASE64: secrets.signing.p12Base64,
      CERT_SIGNING_P12_PASSPHRASE: secrets.signing.passphrase,
      ...opts.env,
    });

    // 5. Gateways.
    const outbox = new Outbox(dataDir && join(dataDir, 'outbox.jsonl'));
    const bus = new LocalEventBus({
      busName,
      rules: opts.eventRules ?? EVENT_RULES,
      retry: opts.retry ?? DEFAULT_RETRY,
      schedules: opts.schedules ?? 'timers',
      ...(dataDir ? { journalFile: join(dataDir, 'event-bus-pending.jsonl') } : {}),
    });
    const wsRoutes = opts.wsRoutes ?? WS_ROUTES;
    const httpRoutes = compileRoutes(opts.httpRoutes ?? HTTP_ROUTES);
    const live = new LiveConnections(dataDir && join(dataDir, 'live-connections.json'));
    const gateway = new WsGateway({
      routes: wsRoutes,
      stage: STAGE,
      domainName: () => `localhost:${port}`,
      onOpen: (id) => live.add(id),
      onClose: (id) => live.remove(id),
      ...opts.websocketLimits,
    });
    // Runs first at stop: refuse new work, stop frames and sockets, then deliveries, then the rest.
    stops.push(async () => {
      await gateway.close(graceMs);
      await bus.stop(graceMs);
      // HTTP requests still open (a REST caller waiting on a command) end here, before the database goes.
      server.closeAllConnections();
    });
    stops.push(async () => {
      state = 'stopping';
    });

    const health = async () => {
      const parts: Record<string, Record<string, unknown>> = {
        http: { status: 'ok', url },
        websocket: { status: 'ok', url: `${ocppUrl}/{identity}`, connections: gateway.connectionCount },
        eventBus: { status: bus.deadLetters.length ? 'degraded' : 'ok', ...bus.stats },
        outbox: { status: 'ok', url: `${url}/_local/outbox`, mails: outbox.count },
      };
      try {
        const t = await ddbClient.send(new DescribeTableCommand({ TableName: tableName }));
        parts.dynamodb = { status: 'ok', endpoint: dynamodbEndpoint, table: tableName, items: t.Table?.ItemCount };
      } catch (e) {
        parts.dynamodb = { status: 'down', endpoint: dynamodbEndpoint, error: (e as Error).message };
      }
      try {
        const r = await fetch(`${s3.endpoint}/${certificateBucket}`, { method: 'HEAD' });
        parts.s3 = { status: r.ok ? 'ok' : 'down', endpoint: s3.endpoint, bucket: certificateBucket };
      } catch (e) {
        parts.s3 = { status: 'down', endpoint: s3.endpoint, error: (e as Error).message };
      }
      const status = Object.values(parts).every((p) => p.status === 'ok') ? 'ok' : 'degraded';
      return { status, parts };
    };

    routeRequest = (req: IncomingMessage, res: ServerResponse) => {
      route(req, res).catch((err: unknown) => {
        console.error('[local] request failed:', err);
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/problem+json' });
        res.end(JSON.stringify({ type: 'about:blank', title: 'Internal Server Error', status: 500 }));
      });
    };
    const route = async (req: IncomingMessage, res: ServerResponse) => {
      const requestUrl = new URL(req.url ?? '/', 'http://x');
      const path = requestUrl.pathname;
      const method = req.method ?? 'GET';
      // The plumbing below is for this machine only (local/internal-access.ts); to anyone else it does not exist.
      if (isInternalRequest(method, path, req.headers, STAGE) && !mayServeInternal(method, requestUrl, req.socket.remoteAddress)) {
        res.writeHead(404, { 'content-type': 'application/problem+json' }).end(JSON.stringify({ type: 'about:blank', title: 'Not Found', status: 404 }));
        return;
      }
      // The runtime's own plumbing (what AWS would serve): the seed and handlers still finishing at
      // stop use it, so it is served in every state.
      const mgmt = new RegExp(`^/${STAGE}/@connections/([^/]+)$`).exec(path);
      if (mgmt) return gateway.handleManagement(req, res, decodeURIComponent(mgmt[1]!));
      if (method === 'POST' && path === '/' && req.headers['x-amz-target'] === 'AWSEvents.PutEvents') return bus.handlePutEvents(req, res);
      if (method === 'POST' && path === '/v2/email/outbound-emails') return outbox.handleSesSendEmail(req, res);
      if (path === '/' && LocalKms.handles(req)) return kms.handle(req, res);
      if (path === S3_PATH_PREFIX || path.startsWith(`${S3_PATH_PREFIX}/`)) return proxyToS3(s3, req, res);
      if (state !== 'ready') return answerNotReady(res, state);
      // HEAD too (uptime monitors use it; Node sends the head without the body).
      if ((method === 'GET' || method === 'HEAD') && path === '/health') {
        const h = await health();
        res.writeHead(h.status === 'ok' ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify(h, null, 2));
        return;
      }
      if (method === 'GET' && path === '/_local/outbox') {
        const to = new URL(req.url ?? '/', 'http://x').searchParams.get('to') ?? undefined;
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ mails: outbox.list({ to }) }, null, 2));
        return;
      }
      return serveHttpRequest(req, res, httpRoutes, port);
    };
    server.on('upgrade', (req: IncomingMessage, socket, head: Buffer) => (state === 'ready' ? gateway.handleUpgrade(req, socket, head) : refuseUpgradeNotReady(socket)));

    // 6. Import every handler now: env is set, and a broken module should fail the start, not a request.
    for (const r of [...wsRoutes, ...(opts.httpRoutes ?? HTTP_ROUTES), HTTP_FALLBACK_ROUTE, ...(opts.eventRules ?? EVENT_RULES)]) await loadHandler(r.entry);

    // Connections of the previous run that never got their $disconnect (it was killed or crashed):
    // run it now, before any charger can connect again, so none of them still reads `connected`.
    for (const id of live.leftOver) {
      try {
        await gateway.disconnectGone([id]);
        live.remove(id);
      } catch (err) {
        // Kept for the next start; the connection item also expires by TTL (2 h 15 min) as on AWS.
        console.error(`[local] $disconnect for connection ${id} of the previous run failed:`, err);
      }
    }
    // A table kept from an earlier run may hold frames logged before secrets were redacted on write.
    // Once per data folder: the scan reads the whole table, which should not be paid at every start.
    const redactedMarker = dataDir && join(dataDir, 'secrets-redacted-v1');
    if (!created && !(redactedMarker && existsSync(redactedMarker))) {
      await (await import('../lib/db/redact-secrets')).redactStoredSecrets();
      if (redactedMarker) writeFileSync(redactedMarker, `${new Date().toISOString()}\n`);
    }

    // Data written by older code brought to the current shape (idempotent; a new table has none).
    if (!created) await (await import('../lib/db/migrations')).migrateAll();

    // 7. Demo data on first start.
    let seed: SeedResult | undefined;
    if (opts.seed ?? true) {
      const { seedDemoData, readCredentials, writeCredentials, jobUrlAt } = await import('./seed');
      const file = dataDir && join(dataDir, 'local-credentials.json');
      if (created || !file) {
        seed = await seedDemoData({ url, ocppUrl });
        if (file) writeCredentials(file, seed);
      } else {
        const saved = readCredentials(file);
        seed = saved && {
          ...saved,
          url,
          ocppUrl,
          chargePoints: saved.chargePoints.map((c) => ({ ...c, url: `${ocppUrl}/${c.identity}` })),
          ...(saved.jobLink ? { jobUrl: jobUrlAt(url, saved.jobLink.token) } : {}),
        };
      }
    }

    // Events accepted before the last stop or crash and not yet delivered.
    bus.resume();
    state = 'ready';

    // What `npm run admin -- … --local` needs to reach this runtime (scripts/admin.ts): the table on
    // the DynamoDB Local port of this start, and for an invitation the bus (its mail reaches the
    // outbox) and the KMS stand-in (its sealed token). Removed on stop.
    if (dataDir) {
      const adminFile = join(dataDir, LOCAL_ADMIN_FILE);
      const adminEnv: LocalAdminEnv = {
        TABLE_NAME: tableName,
        AWS_ENDPOINT_URL_DYNAMODB: dynamodbEndpoint,
        AWS_ENDPOINT_URL_SESV2: selfEndpoint,
        AWS_ENDPOINT_URL_EVENTBRIDGE: selfEndpoint,
        AWS_ENDPOINT_URL_KMS: selfEndpoint,
        EVENT_BUS_NAME: busName,
        WEBHOOK_SECRETS_KEY_ID: LOCAL_KMS_KEY_ID,
        AWS_REGION: process.env.AWS_REGION ?? 'eu-west-1',
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
        EMAIL_FROM: process.env.EMAIL_FROM ?? 'no-reply@localhost',
        PUBLIC_BASE_URL: url,
      };
      writeFileSync(adminFile, `${JSON.stringify(adminEnv, null, 2)}\n`, { mode: 0o600 });
      stops.push(async () => rmSync(adminFile, { force: true }));
    }

    return {
      port,
      url,
      ocppUrl,
      tableName,
      dataDir,
      dynamodbEndpoint,
      s3Endpoint: s3.endpoint,
      certificateBucket,
      seed,
      bus,
      outbox,
      gateway,
      httpServer: server,
      async drain() {
        await gateway.drain();
        await bus.drain();
      },
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

interface LocalSecrets {
  readonly jwtSecret: string;
  /** Master key of the local KMS (local/kms.ts), base64. */
  readonly kmsMasterKey: string;
  /** Self-signed certificate-signing identity (on AWS: the certificate-signing secret). */
  readonly signing: { readonly p12Base64: string; readonly passphrase: string };
}

function loadOrCreateLocalSecrets(dataDir: string | undefined): LocalSecrets {
  const file = dataDir && join(dataDir, 'local-secrets.json');
  let saved: Partial<LocalSecrets> = {};
  if (file && existsSync(file)) {
    try {
      saved = JSON.parse(readFileSync(file, 'utf8')) as Partial<LocalSecrets>;
    } catch {
      // unreadable: make new ones (existing tokens stop working, nothing else is lost)
    }
  }
  if (saved.jwtSecret && saved.signing && saved.kmsMasterKey) return saved as LocalSecrets;
  const generated = saved.signing ?? generateSigningIdentity({ commonName: 'Charge point commissioning (local)', organization: 'Local development', validDays: 3650 });
  const secrets: LocalSecrets = {
    jwtSecret: saved.jwtSecret ?? randomBytes(48).toString('base64url'),
    kmsMasterKey: saved.kmsMasterKey ?? randomBytes(32).toString('base64'),
    signing: { p12Base64: generated.p12Base64, passphrase: generated.passphrase },
  };
  if (file) writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') {
        reject(
          new LocalStartError(
            `Port ${port} on ${host} is already in use.`,
            `Stop the other process (\`lsof -i :${port}\` shows it) or choose another port: \`PORT=${port + 1} npm start\`.`,
          ),
        );
      } else reject(err);
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      const addr = server.address();
      resolvePort(typeof addr === 'object' && addr ? addr.port : port);
    });
  });
}
