// The local runtime: one Node process serving every HTTP route and the OCPP WebSocket on one port,
// with DynamoDB Local, s3rver, a local event bus, a local @connections endpoint and an email outbox.
// Handlers are the same modules Lambda runs; only the AWS_ENDPOINT_URL_* variables differ.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join, resolve } from 'node:path';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { generateSigningIdentity } from '../lib/certificates/signing-identity';
import { EVENT_RULES, type EventRule } from '../lib/events/rules';
import { HTTP_FALLBACK_ROUTE, HTTP_ROUTES, WS_ROUTES, type HttpRoute, type WsRoute } from '../lib/routes';
import { ensureTable, startDynamoDbLocal, type DynamoDbLocal } from './dynamodb-local';
import { LocalStartError } from './errors';
import { DEFAULT_RETRY, LocalEventBus, type RetryPolicy } from './event-bus';
import { compileRoutes, serveHttpRequest } from './http-api';
import { loadHandler, REPO_ROOT } from './lambda';
import { Outbox } from './outbox';
import { startLocalS3, type LocalS3 } from './s3';
import type { SeedResult } from './seed';
import { WsGateway } from './ws-gateway';

export const STAGE = 'local';

export interface RuntimeOptions {
  /** 0 picks a free port. Default 3000. */
  readonly port?: number;
  /** Interface to listen on. Default 127.0.0.1; use 0.0.0.0 to reach it from a phone on the LAN. */
  readonly host?: string;
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
  /** Waits until every in-flight WebSocket handler and bus delivery has finished. */
  drain(): Promise<void>;
  stop(): Promise<void>;
}

export async function startLocalRuntime(opts: RuntimeOptions = {}): Promise<LocalRuntime> {
  const inMemory = opts.inMemory ?? false;
  const dataDir = inMemory ? undefined : resolve(opts.dataDir ?? join(REPO_ROOT, '.data'));
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const tableName = opts.tableName ?? 'chargepoint-commissioning';
  const busName = 'chargepoint-commissioning';
  const certificateBucket = 'chargepoint-certificates';
  const host = opts.host ?? '127.0.0.1';

  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch((e: unknown) => console.error('[local] stop failed:', e));
  };

  try {
    // 1. HTTP + WebSocket server first: a port in use is the most common start-up failure.
    const server = createServer();
    const port = await listen(server, opts.port ?? 3000, host);
    stops.push(() => new Promise<void>((r) => server.close(() => r())));
    const publicHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host === '127.0.0.1' ? 'localhost' : host;
    const url = `http://${publicHost}:${port}`;
    const ocppUrl = `ws://${publicHost}:${port}/ocpp`;

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

    // Environment the handlers read at module load: set before any handler is imported.
    const selfEndpoint = `http://127.0.0.1:${port}`;
    Object.assign(process.env, {
      AWS_REGION: process.env.AWS_REGION ?? 'eu-west-1',
      // s3rver accepts only this key pair; DynamoDB Local (sharedDb) and the local gateways accept any.
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_ENDPOINT_URL_DYNAMODB: dynamodbEndpoint,
      AWS_ENDPOINT_URL_S3: s3.endpoint,
      AWS_ENDPOINT_URL_EVENTBRIDGE: selfEndpoint,
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
    const bus = new LocalEventBus({ busName, rules: opts.eventRules ?? EVENT_RULES, retry: opts.retry ?? DEFAULT_RETRY, schedules: opts.schedules ?? 'timers' });
    stops.push(async () => bus.stopSchedules());
    const wsRoutes = opts.wsRoutes ?? WS_ROUTES;
    const httpRoutes = compileRoutes(opts.httpRoutes ?? HTTP_ROUTES);
    const gateway = new WsGateway({ routes: wsRoutes, stage: STAGE, domainName: () => `localhost:${port}` });
    stops.push(() => gateway.close());
    stops.push(() => bus.drain());

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

    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      route(req, res).catch((err: unknown) => {
        console.error('[local] request failed:', err);
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: 'Internal Server Error' }));
      });
    });
    const route = async (req: IncomingMessage, res: ServerResponse) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      const method = req.method ?? 'GET';
      if (method === 'GET' && path === '/health') {
        const h = await health();
        res.writeHead(h.status === 'ok' ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify(h, null, 2));
        return;
      }
      if (method === 'GET' && path === '/_local/outbox') {
        const to = new URL(req.url ?? '/', 'http://x').searchParams.get('to') ?? undefined;
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ mails: outbox.list({ to }) }, null, 2));
        return;
      }
      const mgmt = new RegExp(`^/${STAGE}/@connections/([^/]+)$`).exec(path);
      if (mgmt) return gateway.handleManagement(req, res, decodeURIComponent(mgmt[1]!));
      if (method === 'POST' && path === '/' && req.headers['x-amz-target'] === 'AWSEvents.PutEvents') return bus.handlePutEvents(req, res);
      if (method === 'POST' && path === '/v2/email/outbound-emails') return outbox.handleSesSendEmail(req, res);
      return serveHttpRequest(req, res, httpRoutes, port);
    };
    server.on('upgrade', (req: IncomingMessage, socket, head: Buffer) => gateway.handleUpgrade(req, socket, head));

    // 6. Import every handler now: env is set, and a broken module should fail the start, not a request.
    for (const r of [...wsRoutes, ...(opts.httpRoutes ?? HTTP_ROUTES), HTTP_FALLBACK_ROUTE, ...(opts.eventRules ?? EVENT_RULES)]) await loadHandler(r.entry);

    // 7. Demo data on first start.
    let seed: SeedResult | undefined;
    if (opts.seed ?? true) {
      const { seedDemoData, readCredentials, writeCredentials } = await import('./seed');
      const file = dataDir && join(dataDir, 'local-credentials.json');
      if (created || !file) {
        seed = await seedDemoData({ url, ocppUrl });
        if (file) writeCredentials(file, seed);
      } else {
        const saved = readCredentials(file);
        seed = saved && { ...saved, url, ocppUrl, chargePoints: saved.chargePoints.map((c) => ({ ...c, url: `${ocppUrl}/${c.identity}` })) };
      }
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
  if (saved.jwtSecret && saved.signing) return saved as LocalSecrets;
  const generated = saved.signing ?? generateSigningIdentity({ commonName: 'Charge point commissioning (local)', organization: 'Local development', validDays: 3650 });
  const secrets: LocalSecrets = {
    jwtSecret: saved.jwtSecret ?? randomBytes(48).toString('base64url'),
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
