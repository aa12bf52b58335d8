// The HTTP client of delivery against a real server on 127.0.0.1: 2xx is success, redirects are
// not followed, slow receivers time out, and refused addresses are never connected to.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postWebhook } from '../../../lib/webhooks/post';

let server: Server;
let base: string;
const received: Array<{ url: string; headers: IncomingMessage['headers']; body: string }> = [];
const behaviours: Record<string, (res: ServerResponse) => void> = {
  '/ok': (res) => res.writeHead(204).end(),
  '/fail': (res) => res.writeHead(500).end('nope'),
  '/redirect': (res) => res.writeHead(307, { location: '/ok' }).end(),
  '/hang': () => undefined,
};

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      received.push({ url: req.url ?? '', headers: req.headers, body });
      behaviours[req.url ?? '']?.(res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const opts = { timeoutMs: 2_000, allowLoopback: true };

describe('postWebhook', () => {
  it('posts the body with the given headers and reports a 2xx as success', async () => {
    const out = await postWebhook(`${base}/ok`, { 'webhook-id': 'evt-1' }, '{"a":1}', opts);
    expect(out).toMatchObject({ statusCode: 204 });
    expect(out.error).toBeUndefined();
    const req = received.find((r) => r.url === '/ok')!;
    expect(req.body).toBe('{"a":1}');
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers['webhook-id']).toBe('evt-1');
  });

  it('reports a non-2xx status as a failure with its code', async () => {
    expect(await postWebhook(`${base}/fail`, {}, '{}', opts)).toMatchObject({ statusCode: 500, error: 'HTTP 500' });
  });

  it('does not follow redirects', async () => {
    const before = received.filter((r) => r.url === '/ok').length;
    const out = await postWebhook(`${base}/redirect`, {}, '{}', opts);
    expect(out).toMatchObject({ statusCode: 307, error: 'HTTP 307 (redirect to /ok not followed)' });
    expect(received.filter((r) => r.url === '/ok')).toHaveLength(before);
  });

  it('gives up on a receiver that does not answer within the timeout', async () => {
    const out = await postWebhook(`${base}/hang`, {}, '{}', { ...opts, timeoutMs: 100 });
    expect(out.statusCode).toBeUndefined();
    expect(out.error).toBe('timed out after 100 ms');
  });

  it('never connects to loopback unless the local runtime allows it, by literal or by name', async () => {
    const before = received.length;
    const port = new URL(base).port;
    expect((await postWebhook(`${base}/ok`, {}, '{}', { ...opts, allowLoopback: false })).error).toMatch(/refused: 127\.0\.0\.1 is a loopback address/);
    expect((await postWebhook(`http://localhost:${port}/ok`, {}, '{}', { ...opts, allowLoopback: false })).error).toMatch(/EADDRNOTALLOWED/);
    expect(received.length).toBe(before);
  });

  it('reports a refused connection as an error without a status', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const out = await postWebhook(`http://127.0.0.1:${port}/`, {}, '{}', opts);
    expect(out.statusCode).toBeUndefined();
    expect(out.error).toMatch(/ECONNREFUSED/);
  });
});
