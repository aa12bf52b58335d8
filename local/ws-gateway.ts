// API Gateway WebSocket API emulation behind the CloudFront path rewrite: upgrades on
// /ocpp/{identity} become $connect / $default / $disconnect events shaped as on AWS, and the
// Management API (@connections) lets handlers push frames and close connections with the real
// ApiGatewayManagementApiClient.
import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { WebSocketServer, type WebSocket } from 'ws';
import type { WsRoute, WsRouteKey } from '../lib/routes';
import { rewriteOcppPath, viewerResponseHeaders } from './edge';
import { readBody } from './http-api';
import { invoke } from './lambda';

/** API Gateway's message limit: 128 KB (frames are 32 KB; ws reassembles them). */
const MAX_MESSAGE_BYTES = 128 * 1024;

/**
 * API Gateway's WebSocket quotas (AWS's quota table: "Idle Connection Timeout: 10 minutes" and
 * "Connection duration for WebSocket API: 2 hours", neither adjustable). Idle means no message in
 * either direction; ping and pong control frames are answered by the gateway and, by every report
 * found, do not count (lib/ocpp/heartbeat.ts), so here they do not either: a charger that relies on
 * pings alone is closed after 10 minutes locally as it would be on AWS. `npm run idle-check` asks a
 * deployment the same question.
 */
export const API_GATEWAY_IDLE_TIMEOUT_MS = 10 * 60_000;
export const API_GATEWAY_MAX_CONNECTION_MS = 2 * 3600_000;

/**
 * How often the gateway looks for connections past a limit: one sweep for all of them, every 5 s at
 * most (a tenth of the shorter limit when that is shorter, as in tests), so a connection closes at
 * most that late. A quarter of the period was too coarse: with the 10-minute timeout a ping-only
 * connection lived up to 12.5 minutes, past `npm run idle-check`'s default 12, and the check read
 * the local runtime as keeping it open.
 */
export function limitSweepMs(idleTimeoutMs: number, maxConnectionMs: number): number {
  return Math.max(50, Math.min(5_000, Math.min(idleTimeoutMs, maxConnectionMs) / 10));
}

interface LiveConnection {
  readonly id: string;
  readonly socket: WebSocket;
  readonly connectedAt: number;
  readonly sourceIp: string;
  readonly userAgent: string;
  /** What the $connect authorizer returned as context (plus principalId): on every later event, as on AWS. */
  readonly authorizer: Record<string, unknown> | undefined;
  lastActiveAt: number;
  /** The same two moments on the monotonic clock, for the limits: a wall clock that jumps (NTP, a test's fake Date) must not close connections. */
  readonly openedMono: number;
  activeMono: number;
}

export interface WsGatewayOptions {
  readonly routes: readonly WsRoute[];
  readonly stage: string;
  readonly apiId?: string;
  readonly domainName: () => string;
  /** Told of every connection that opens and closes (the runtime keeps the live set on disk, see live-connections.ts). */
  readonly onOpen?: (connectionId: string) => void;
  readonly onClose?: (connectionId: string) => void;
  /** Close a connection without a message either way for this long. Default API_GATEWAY_IDLE_TIMEOUT_MS. */
  readonly idleTimeoutMs?: number;
  /** Close every connection this long after it opened. Default API_GATEWAY_MAX_CONNECTION_MS. */
  readonly maxConnectionMs?: number;
}

export class WsGateway {
  private readonly wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_MESSAGE_BYTES,
    // The protocol was chosen by $connect and stored on the request (see handleUpgrade).
    handleProtocols: (_offered, req) => (req as IncomingMessage & { negotiatedProtocol?: string }).negotiatedProtocol ?? false,
  });
  private readonly connections = new Map<string, LiveConnection>();
  private readonly inflight = new Set<Promise<unknown>>();
  private readonly byKey: Partial<Record<WsRouteKey, WsRoute>>;
  /** Set by close(): no new connections, no new frames. */
  private closing = false;

  private readonly idleTimeoutMs: number;
  private readonly maxConnectionMs: number;
  private readonly reaper: NodeJS.Timeout;

  constructor(private readonly opts: WsGatewayOptions) {
    this.byKey = Object.fromEntries(opts.routes.map((r) => [r.routeKey, r]));
    this.idleTimeoutMs = opts.idleTimeoutMs ?? API_GATEWAY_IDLE_TIMEOUT_MS;
    this.maxConnectionMs = opts.maxConnectionMs ?? API_GATEWAY_MAX_CONNECTION_MS;
    this.reaper = setInterval(() => this.closeExpired(performance.now()), limitSweepMs(this.idleTimeoutMs, this.maxConnectionMs));
    this.reaper.unref();
  }

  /** Closes connections idle too long or open too long (monotonic clock), with 1001 Going away, as API Gateway does. */
  private closeExpired(now: number): void {
    for (const conn of this.connections.values()) {
      if (conn.socket.readyState !== conn.socket.OPEN) continue;
      if (now - conn.activeMono >= this.idleTimeoutMs || now - conn.openedMono >= this.maxConnectionMs) conn.socket.close(1001, 'Going away');
    }
  }

  /** Requests that reached the Management API (@connections), by method: tests count them. */
  readonly managementCalls = { POST: 0, GET: 0, DELETE: 0 };

  get connectionCount(): number {
    return this.connections.size;
  }

  private context(routeKey: WsRouteKey, connectionId: string, extra: Record<string, unknown> = {}) {
    const now = Date.now();
    const conn = this.connections.get(connectionId);
    return {
      routeKey,
      eventType: routeKey === '$connect' ? 'CONNECT' : routeKey === '$disconnect' ? 'DISCONNECT' : 'MESSAGE',
      extendedRequestId: randomUUID(),
      requestTime: new Date(now).toUTCString(),
      messageDirection: 'IN',
      stage: this.opts.stage,
      connectedAt: conn?.connectedAt ?? now,
      requestTimeEpoch: now,
      identity: { sourceIp: conn?.sourceIp ?? '127.0.0.1', userAgent: conn?.userAgent ?? '' },
      requestId: randomUUID(),
      domainName: this.opts.domainName(),
      connectionId,
      apiId: this.opts.apiId ?? 'local',
      ...(conn?.authorizer ? { authorizer: conn.authorizer } : {}),
      ...extra,
    };
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.inflight.add(p);
    void p.finally(() => this.inflight.delete(p)).catch(() => undefined);
    return p;
  }

  /** Upgrade requests: CloudFront rewrite, then $connect decides (status, subprotocol). */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    // Shutting down: refuse like an unavailable API Gateway; the charger retries later.
    if (this.closing) return rejectUpgrade(socket, 503);
    const rewritten = rewriteOcppPath(req.url ?? '/');
    if ('status' in rewritten) return rejectUpgrade(socket, rewritten.status);
    const connectionId = randomBytes(10).toString('base64').replace(/=+$/, '=');
    const sourceIp = (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
    const headers: Record<string, string> = {};
    const multiValueHeaders: Record<string, string[]> = {};
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      const name = req.rawHeaders[i]!;
      const value = req.rawHeaders[i + 1]!;
      headers[name] = name in headers ? `${headers[name]},${value}` : value;
      (multiValueHeaders[name] ??= []).push(value);
    }
    headers['X-Forwarded-For'] ??= sourceIp;
    const event = {
      headers,
      multiValueHeaders,
      queryStringParameters: { cp: rewritten.identity },
      multiValueQueryStringParameters: { cp: [rewritten.identity] },
      requestContext: {
        ...this.context('$connect', connectionId),
        identity: { sourceIp, userAgent: req.headers['user-agent'] ?? '' },
      },
      isBase64Encoded: false,
    };
    const route = this.byKey.$connect;
    const decide = async (): Promise<{ result: APIGatewayProxyResult | undefined; authorizer?: Record<string, unknown> }> => {
      let authorizer: Record<string, unknown> | undefined;
      if (route?.authorizer) {
        const verdict = await authorize(route.authorizer.entry, route.authorizer.identitySource, event, connectionId, this.opts.stage, this.opts.apiId ?? 'local');
        if ('status' in verdict) return { result: { statusCode: verdict.status, body: '' } };
        authorizer = verdict.context;
      }
      if (!route) return { result: { statusCode: 200, body: '' } };
      const connectEvent = authorizer ? { ...event, requestContext: { ...event.requestContext, authorizer } } : event;
      return { result: (await invoke(route.entry, connectEvent)) as APIGatewayProxyResult | undefined, ...(authorizer ? { authorizer } : {}) };
    };
    void this.track(
      decide().then(
        ({ result, authorizer }) => {
          const status = result?.statusCode ?? 200;
          // API Gateway passes on only the status of a refusal; CloudFront's viewer response adds headers (the 401 challenge).
          if (status < 200 || status > 299) return rejectUpgrade(socket, status, viewerResponseHeaders(status));
          if (this.closing) return rejectUpgrade(socket, 503);
          const protocol = headerValue(result?.headers, 'sec-websocket-protocol');
          (req as IncomingMessage & { negotiatedProtocol?: string }).negotiatedProtocol = protocol;
          this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, connectionId, sourceIp, req.headers['user-agent'] ?? '', authorizer));
        },
        (err: unknown) => {
          console.error('[local] $connect threw:', err);
          rejectUpgrade(socket, 500);
        },
      ),
    );
  }

  private accept(socket: WebSocket, id: string, sourceIp: string, userAgent: string, authorizer: Record<string, unknown> | undefined): void {
    const now = Date.now();
    const mono = performance.now();
    const conn: LiveConnection = { id, socket, connectedAt: now, sourceIp, userAgent, authorizer, lastActiveAt: now, openedMono: mono, activeMono: mono };
    this.connections.set(id, conn);
    this.opts.onOpen?.(id);
    socket.on('message', (data, isBinary) => {
      // While stopping, frames are dropped, not handled: a handler would meet a stopping database and
      // answer InternalError. Unanswered, the charger's CALL times out and it repeats it after reconnecting.
      if (this.closing) return;
      conn.lastActiveAt = Date.now();
      conn.activeMono = performance.now();
      const body = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
      void this.track(this.onMessage(conn, isBinary ? body.toString('base64') : body.toString('utf8'), isBinary));
    });
    socket.on('close', (code, reason) => {
      this.connections.delete(id);
      void this.track(this.onDisconnect(conn, code, reason.toString()).then((done) => done && this.opts.onClose?.(id)));
    });
    socket.on('error', () => undefined);
  }

  private async onMessage(conn: LiveConnection, body: string, isBinary: boolean): Promise<void> {
    const route = this.byKey.$default;
    if (!route) return;
    const event = {
      requestContext: { ...this.context('$default', conn.id), messageId: randomBytes(8).toString('base64url') },
      body,
      isBase64Encoded: isBinary,
    };
    try {
      const result = (await invoke(route.entry, event)) as APIGatewayProxyResult | undefined;
      // Route response enabled: the integration's answer goes back on the socket, as a message even
      // when the body is empty or missing. That is what API Gateway is reported to do (an empty
      // message reaches the client; serverless/serverless#6816), so it is emulated, not smoothed over.
      if (route.routeResponse && conn.socket.readyState === conn.socket.OPEN) {
        conn.socket.send(typeof result?.body === 'string' ? result.body : '');
      }
    } catch (err) {
      console.error('[local] $default threw:', err);
      if (conn.socket.readyState === conn.socket.OPEN) {
        conn.socket.send(JSON.stringify({ message: 'Internal server error', connectionId: conn.id, requestId: randomUUID() }));
      }
    }
  }

  /** False when $disconnect failed: the connection then counts as gone-without-$disconnect (disconnectGone). */
  private async onDisconnect(conn: LiveConnection, code: number, reason: string): Promise<boolean> {
    const route = this.byKey.$disconnect;
    if (!route) return true;
    const event = {
      headers: {},
      multiValueHeaders: {},
      // The connection has left the live set by now, so its authorizer context is passed on explicitly.
      requestContext: { ...this.context('$disconnect', conn.id), ...(conn.authorizer ? { authorizer: conn.authorizer } : {}), disconnectStatusCode: code, disconnectReason: reason },
      isBase64Encoded: false,
    };
    try {
      await invoke(route.entry, event);
      return true;
    } catch (err) {
      console.error('[local] $disconnect threw:', err);
      return false;
    }
  }

  /** `POST|GET|DELETE /<stage>/@connections/<id>`; unknown ids answer 410 GoneException like AWS. */
  async handleManagement(req: IncomingMessage, res: ServerResponse, connectionId: string): Promise<void> {
    if (req.method === 'POST' || req.method === 'GET' || req.method === 'DELETE') this.managementCalls[req.method]++;
    const conn = this.connections.get(connectionId);
    if (!conn || conn.socket.readyState !== conn.socket.OPEN) {
      res.writeHead(410, { 'content-type': 'application/json', 'x-amzn-errortype': 'GoneException' });
      res.end(JSON.stringify({ message: null }));
      return;
    }
    if (req.method === 'POST') {
      const body = await readBody(req);
      if (body.length > MAX_MESSAGE_BYTES) {
        res.writeHead(413, { 'content-type': 'application/json', 'x-amzn-errortype': 'PayloadTooLargeException' });
        res.end(JSON.stringify({ message: 'Message too long' }));
        return;
      }
      conn.socket.send(body.toString('utf8'));
      conn.lastActiveAt = Date.now();
      conn.activeMono = performance.now();
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    } else if (req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          ConnectedAt: new Date(conn.connectedAt).toISOString(),
          Identity: { SourceIp: conn.sourceIp, UserAgent: conn.userAgent },
          LastActiveAt: new Date(conn.lastActiveAt).toISOString(),
        }),
      );
    } else if (req.method === 'DELETE') {
      conn.socket.close(1000, 'Going away');
      res.writeHead(204).end();
    } else {
      res.writeHead(405).end();
    }
  }

  /** Waits for every in-flight handler invocation (tests and shutdown). */
  async drain(): Promise<void> {
    while (this.inflight.size) await Promise.allSettled([...this.inflight]);
  }

  /**
   * $disconnect for connections that ended without one (the runtime stopped or crashed while they
   * were open): API Gateway always sends $disconnect eventually, and a restart must not leave a
   * charge point shown `connected` with no socket behind it.
   */
  async disconnectGone(connectionIds: readonly string[]): Promise<void> {
    const route = this.byKey.$disconnect;
    if (!route) return;
    for (const connectionId of connectionIds) {
      const event = {
        headers: {},
        multiValueHeaders: {},
        requestContext: { ...this.context('$disconnect', connectionId), disconnectStatusCode: 1006, disconnectReason: 'Local runtime restarted' },
        isBase64Encoded: false,
      };
      await invoke(route.entry, event);
    }
  }

  /**
   * Stops taking connections and frames, closes every socket (each gets its $disconnect), then waits
   * up to `graceMs` for handlers still running. A handler waiting on a charger's answer (a command
   * waits up to 20 s) is not waited for to the end: that charger is gone, the wait cannot succeed.
   */
  async close(graceMs = Number.POSITIVE_INFINITY): Promise<void> {
    this.closing = true;
    clearInterval(this.reaper);
    for (const conn of this.connections.values()) conn.socket.close(1001, 'Server shutting down');
    let timer: NodeJS.Timeout | undefined;
    const grace = Number.isFinite(graceMs) ? new Promise<void>((r) => (timer = setTimeout(r, graceMs))) : new Promise<void>(() => undefined);
    await Promise.race([this.drain(), grace]);
    clearTimeout(timer);
    // Sockets whose peer never answered the close handshake.
    for (const conn of this.connections.values()) conn.socket.terminate();
    this.wss.close();
  }
}

interface AuthorizerPolicy {
  principalId?: unknown;
  policyDocument?: { Statement?: Array<{ Effect?: unknown; Action?: unknown; Resource?: unknown }> };
  context?: Record<string, unknown>;
}

/**
 * Runs a Lambda REQUEST authorizer the way API Gateway does on $connect: a missing identity source
 * → 401 without invoking it; an Allow policy for this route → its context (with principalId) becomes
 * requestContext.authorizer of $connect and of every later event of the connection; a Deny → 403;
 * the function failing with "Unauthorized" → 401; any other failure or a malformed answer → 500.
 * Context values that are not strings, numbers or booleans make API Gateway fail the request (500).
 */
async function authorize(
  entry: string,
  identitySource: readonly string[],
  connectEvent: { headers: Record<string, string>; multiValueHeaders: Record<string, string[]>; queryStringParameters: Record<string, string>; requestContext: Record<string, unknown> },
  connectionId: string,
  stage: string,
  apiId: string,
): Promise<{ status: number } | { context: Record<string, unknown> }> {
  for (const source of identitySource) {
    const query = /^route\.request\.querystring\.(.+)$/.exec(source)?.[1];
    const headerName = /^route\.request\.header\.(.+)$/.exec(source)?.[1];
    const present = query !== undefined ? !!connectEvent.queryStringParameters[query] : headerName !== undefined ? headerValue(connectEvent.headers, headerName.toLowerCase()) !== undefined : false;
    if (!present) return { status: 401 };
  }
  const methodArn = `arn:aws:execute-api:local:000000000000:${apiId}/${stage}/$connect`;
  let out: AuthorizerPolicy | undefined;
  try {
    out = (await invoke(entry, { type: 'REQUEST', methodArn, ...connectEvent, requestContext: { ...connectEvent.requestContext, connectionId } })) as AuthorizerPolicy | undefined;
  } catch (err) {
    if (err instanceof Error && err.message === 'Unauthorized') return { status: 401 };
    console.error('[local] $connect authorizer threw:', err);
    return { status: 500 };
  }
  const statement = out?.policyDocument?.Statement?.find((s) => s.Action === 'execute-api:Invoke' && (s.Resource === methodArn || s.Resource === '*'));
  if (!out || typeof out.principalId !== 'string' || !statement) return { status: 500 };
  if (statement.Effect !== 'Allow') return { status: 403 };
  const context = out.context ?? {};
  if (!Object.values(context).every((v) => ['string', 'number', 'boolean'].includes(typeof v))) return { status: 500 };
  return { context: { ...context, principalId: out.principalId } };
}

function headerValue(headers: Record<string, unknown> | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === name && v !== undefined) return String(v);
  return undefined;
}

function rejectUpgrade(socket: Duplex, status: number, headers: Record<string, string> = {}): void {
  if (socket.destroyed) return;
  const extra = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('');
  socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n${extra}Connection: close\r\nContent-Length: 0\r\n\r\n`);
  socket.destroy();
}
