// API Gateway HTTP API (payload format 2.0) emulation: match a route-table row, build the event the
// handler gets on AWS, and turn its result into the HTTP response.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { problemFromError, problemResponse } from '../lib/http/problem';
import { ValidationFailed } from '../lib/domain/errors';
import { HTTP_FALLBACK_ROUTE, type HttpFallbackRoute, type HttpRoute } from '../lib/routes';
import type { CompiledRoute } from '../lib/http/route-match';
import { matchRoute } from '../lib/http/route-match';
import { invoke } from './lambda';

// Route matching lives in lib/http/route-match.ts: the `$default` function on AWS uses it too.
export { compileRoutes, matchRoute } from '../lib/http/route-match';

/** HTTP API's payload limit (10 MB); a bigger body gets 413 instead of reaching a function. */
export const PAYLOAD_LIMIT_BYTES = 10 * 1024 * 1024;

export class PayloadTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`payload larger than ${limit} bytes`);
  }
}

export function readBody(req: IncomingMessage, limit = PAYLOAD_LIMIT_BYTES): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    // Past the limit, keep reading but drop the bytes, so the client is not reset mid-upload and
    // can read the 413; past four times the limit give up on the client and close the socket.
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= limit) chunks.push(c);
      else if (size > 4 * limit) req.destroy(new PayloadTooLarge(limit));
    });
    req.on('end', () => (size > limit ? reject(new PayloadTooLarge(limit)) : resolve(Buffer.concat(chunks))));
    req.on('error', reject);
  });
}

function isTextual(contentType: string | undefined): boolean {
  return !contentType || /json|text|xml|x-www-form-urlencoded|javascript/i.test(contentType);
}

export function buildHttpEvent(req: IncomingMessage, body: Buffer, route: HttpRoute | HttpFallbackRoute, pathParameters: Record<string, string>, port: number): APIGatewayProxyEventV2 {
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
  const routeKey = route.kind === 'http' ? `${route.method} ${route.path}` : route.routeKey;
  return {
    version: '2.0',
    routeKey,
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
      routeKey,
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

/**
 * One HTTP API request: the matching row's function, or the `$default` row's function when none
 * matches (as on AWS). Two answers come from the gateway itself, as problem+json: 413 for a body
 * over the payload limit, and 400 for a path parameter whose percent-encoding cannot be decoded
 * (HTTP API decodes path parameters before the function runs and documents no behaviour for an
 * undecodable one; refusing it names the field instead of inventing a value).
 */
export async function serveHttpRequest(req: IncomingMessage, res: ServerResponse, compiled: readonly CompiledRoute[], port: number): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://x').pathname;
  const match = matchRoute(compiled, req.method ?? 'GET', path);
  if (match.kind === 'bad_encoding') {
    const field = `path.${match.parameter}`;
    const error = new ValidationFailed(`Invalid path: ${field} is not valid percent-encoding`, [{ field, message: 'is not valid percent-encoding (RFC 3986 §2.1)' }]);
    req.resume();
    writeHttpResult(res, problemResponse(problemFromError(error, path)));
    return;
  }
  const [route, pathParameters] = match.kind === 'matched' ? [match.route, match.pathParameters] : [HTTP_FALLBACK_ROUTE, {}];
  return serveHttpRoute(req, res, route, pathParameters, port);
}

export async function serveHttpRoute(
  req: IncomingMessage,
  res: ServerResponse,
  route: HttpRoute | HttpFallbackRoute,
  pathParameters: Record<string, string>,
  port: number,
): Promise<void> {
  let body: Buffer;
  try {
    body = await readBody(req);
  } catch (err) {
    if (!(err instanceof PayloadTooLarge)) throw err;
    const problem = {
      // The same type and title as a too-large body a handler refuses (lib/http/problem.ts `too_large`).
      type: 'https://docs.chargepoint-commissioning.dev/problems/too-large',
      title: 'Content too large',
      status: 413,
      detail: `The request body is larger than ${err.limit} bytes, the API's limit`,
      instance: req.url ?? '/',
    };
    if (!res.headersSent && !res.destroyed) writeHttpResult(res, problemResponse(problem, { connection: 'close' }));
    return;
  }
  const event = buildHttpEvent(req, body, route, pathParameters, port);
  const name = route.kind === 'http' ? `${route.method} ${route.path}` : route.routeKey;
  try {
    writeHttpResult(res, await invoke(route.entry, event));
  } catch (err) {
    // What HTTP API answers when the function throws. Our handlers should never get here.
    console.error(`[local] ${name} threw:`, err);
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
