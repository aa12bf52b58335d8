// API Gateway HTTP API (payload format 2.0) emulation: match a route-table row, build the event the
// handler gets on AWS, and turn its result into the HTTP response.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { HttpRoute } from '../lib/routes';
import { invoke } from './lambda';

interface CompiledRoute {
  readonly route: HttpRoute;
  readonly regex: RegExp;
  readonly params: string[];
  /** Literal segments count: HTTP API prefers the most specific route. */
  readonly specificity: number;
}

export function compileRoutes(routes: readonly HttpRoute[]): CompiledRoute[] {
  return routes
    .map((route) => {
      const params: string[] = [];
      const segments = route.path.split('/').filter(Boolean);
      const pattern = segments
        .map((seg) => {
          const m = /^\{([A-Za-z0-9_]+)\}$/.exec(seg);
          if (m) {
            params.push(m[1]!);
            return '([^/]+)';
          }
          return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        })
        .join('/');
      return { route, params, regex: new RegExp(`^/${pattern}/?$`), specificity: segments.length - params.length };
    })
    .sort((a, b) => b.specificity - a.specificity);
}

export function matchRoute(compiled: CompiledRoute[], method: string, path: string) {
  let pathMatched = false;
  for (const c of compiled) {
    const m = c.regex.exec(path);
    if (!m) continue;
    pathMatched = true;
    if (c.route.method !== method) continue;
    const pathParameters: Record<string, string> = {};
    c.params.forEach((p, i) => {
      pathParameters[p] = decodeURIComponent(m[i + 1]!);
    });
    return { route: c.route, pathParameters };
  }
  return pathMatched ? 'method_not_allowed' : undefined;
}

export function readBody(req: IncomingMessage, limit = 10 * 1024 * 1024): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(new Error('payload too large'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function isTextual(contentType: string | undefined): boolean {
  return !contentType || /json|text|xml|x-www-form-urlencoded|javascript/i.test(contentType);
}

export function buildHttpEvent(req: IncomingMessage, body: Buffer, route: HttpRoute, pathParameters: Record<string, string>, port: number): APIGatewayProxyEventV2 {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v === undefined || k === 'cookie') continue;
    headers[k] = Array.isArray(v) ? v.join(',') : v;
  }
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = k in query ? `${query[k]},${v}` : v;
  const cookies = req.headers.cookie?.split(/;\s*/).filter(Boolean);
  const textual = isTextual(req.headers['content-type']);
  const now = new Date();
  return {
    version: '2.0',
    routeKey: `${route.method} ${route.path}`,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    ...(cookies?.length ? { cookies } : {}),
    headers,
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    ...(Object.keys(pathParameters).length ? { pathParameters } : {}),
    ...(body.length ? { body: textual ? body.toString('utf8') : body.toString('base64') } : {}),
    isBase64Encoded: body.length > 0 && !textual,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? `localhost:${port}`,
      domainPrefix: 'localhost',
      http: {
        method: req.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress?.replace(/^::ffff:/, '') ?? '127.0.0.1',
        userAgent: req.headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: `${route.method} ${route.path}`,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
  } as APIGatewayProxyEventV2;
}

/** Payload format 2.0 response rules: a structured result is used as is; anything else is JSON with 200. */
export function writeHttpResult(res: ServerResponse, result: unknown): void {
  if (result && typeof result === 'object' && 'statusCode' in result) {
    const r = result as APIGatewayProxyStructuredResultV2;
    const headers: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(r.headers ?? {})) headers[k] = String(v);
    if (r.cookies?.length) headers['set-cookie'] = r.cookies;
    const body = r.body === undefined ? '' : r.isBase64Encoded ? Buffer.from(r.body, 'base64') : r.body;
    res.writeHead(r.statusCode ?? 200, headers).end(body);
    return;
  }
  const body = typeof result === 'string' ? result : JSON.stringify(result ?? null);
  res.writeHead(200, { 'content-type': 'application/json' }).end(body);
}

export async function serveHttpRoute(
  req: IncomingMessage,
  res: ServerResponse,
  route: HttpRoute,
  pathParameters: Record<string, string>,
  port: number,
): Promise<void> {
  const body = await readBody(req);
  const event = buildHttpEvent(req, body, route, pathParameters, port);
  try {
    writeHttpResult(res, await invoke(route.entry, event));
  } catch (err) {
    // What HTTP API answers when the function throws. Our handlers should never get here.
    console.error(`[local] ${route.method} ${route.path} threw:`, err);
    res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ message: 'Internal Server Error' }));
  }
}

// Start-up gate. The server listens before anything else starts (a port in use is the most common
// start-up failure, so it should fail first), which means requests can arrive before the handlers,
// the table and the seed exist. They are answered 503 at once instead of being left waiting.
const NOT_READY_RETRY_AFTER_S = 1;

export function answerNotReady(res: ServerResponse, state: 'starting' | 'stopping'): void {
  res.writeHead(503, { 'content-type': 'application/json', 'retry-after': String(NOT_READY_RETRY_AFTER_S), connection: 'close' });
  res.end(JSON.stringify({ status: state, message: state === 'starting' ? 'The local runtime is starting; try again in a moment.' : 'The local runtime is stopping.' }));
}

/** The same for a WebSocket upgrade (a charger retries a refused connection on its own). */
export function refuseUpgradeNotReady(socket: Duplex): void {
  if (socket.destroyed) return;
  socket.end(`HTTP/1.1 503 Service Unavailable\r\nRetry-After: ${NOT_READY_RETRY_AFTER_S}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
