// The edges of the HTTP API that no handler owns: unknown routes and methods, undecodable path
// parameters, oversized bodies and forged page cursors all answer RFC 9457 problem+json naming what
// was wrong, never a 500, a bare `{"message":"Not Found"}` or a reset connection (issue #10, 18).
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime';
import { config } from '../../lib/config';
import { sendQuery } from '../../lib/db/query';
import { API_ROUTES } from '../../lib/routes';
import { aCommissionedChargePoint, aConnectedClient, BOOT } from './support/ocpp';
import { startTestRuntime } from './support/runtime';

let rt: LocalRuntime;
beforeAll(async () => {
  rt = await startTestRuntime();
});
afterAll(async () => {
  await rt?.stop();
});

const operator = () => ({ authorization: `Bearer ${rt.seed!.operatorApiKey}` });

async function problemOf(res: Response) {
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  return (await res.json()) as { status: number; title: string; detail: string; errors?: Array<{ field: string; message: string }> };
}

describe('unmatched requests', () => {
  it('answers an unknown path with a problem+json 404', async () => {
    const res = await fetch(`${rt.url}/api/v1/nope`);
    expect(res.status).toBe(404);
    expect(await problemOf(res)).toMatchObject({ status: 404, title: 'Not found' });
  });

  it('answers a known path with the wrong method with 405 and Allow listing the methods it has', async () => {
    const res = await fetch(`${rt.url}/api/v1/operator/teams`, { method: 'DELETE', headers: operator() });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, POST');
    expect(await problemOf(res)).toMatchObject({ status: 405 });
  });

  it('computes Allow from the route table for a templated path', async () => {
    const res = await fetch(`${rt.url}/api/v1/operator/webhooks/sub-1`, { method: 'PUT', headers: operator() });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('DELETE, GET, PATCH');
  });
});

describe('path parameters', () => {
  const withParams = API_ROUTES.filter((r) => r.path.includes('{'));

  it.each(withParams.map((r) => [`${r.method} ${r.path}`, r] as const))('%s: a malformed percent-encoding is a 400 naming the parameter', async (_name, route) => {
    const names = [...route.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
    const bad = names.at(-1)!;
    const path = route.path.replace(/\{([^}]+)\}/g, (_m, name: string) => (name === bad ? '%E0%A4%A' : 'x1'));
    const res = await fetch(`${rt.url}${path}`, { method: route.method, headers: { ...operator(), 'content-type': 'application/json' }, ...(['GET', 'DELETE'].includes(route.method) ? {} : { body: '{}' }) });
    expect(res.status).toBe(400);
    const problem = await problemOf(res);
    expect(problem.errors).toEqual([{ field: `path.${bad}`, message: expect.stringMatching(/percent-encoding/) }]);
  });
});

describe('request bodies', () => {
  it('answers a body over the 10 MB payload limit with 413 problem+json instead of resetting the connection', async () => {
    const body = Buffer.alloc(10 * 1024 * 1024 + 1, 0x20);
    // node:http rather than fetch: the assertion is about what arrives on the socket.
    const { status, type, text } = await new Promise<{ status: number; type: string | undefined; text: string }>((resolve, reject) => {
      const req = request(`${rt.url}/api/v1/operator/teams`, { method: 'POST', headers: { ...operator(), 'content-type': 'application/json', 'content-length': body.length } }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], text }));
      });
      req.on('error', reject);
      req.end(body);
    });
    expect(status).toBe(413);
    expect(type).toBe('application/problem+json');
    expect(JSON.parse(text)).toMatchObject({ status: 413, title: 'Content too large', type: 'https://docs.chargepoint-commissioning.dev/problems/too-large' });
  });
});

describe('log cursors', () => {
  it('refuses a garbage cursor and a cursor from another charge point\'s log with a 400 naming `cursor`', async () => {
    const logOf = async (id: string, query = '') => fetch(`${rt.url}/api/v1/operator/charge-points/${id}/logs${query}`, { headers: operator() });
    const ids: string[] = [];
    let cursor = '';
    for (const _ of [1, 2]) {
      const cp = await aCommissionedChargePoint(rt, { protocol: 'ocpp1.6' });
      const client = await aConnectedClient(rt, { identity: cp.identity, password: cp.provisioningPassword, protocol: 'ocpp1.6' });
      await client.call('BootNotification', BOOT['ocpp1.6']);
      await client.call('Heartbeat', {});
      await client.close({ force: true });
      ids.push(cp.chargePoint.chargePointId);
    }
    const first = (await (await logOf(ids[0]!, '?limit=1')).json()) as { next_cursor: string };
    cursor = first.next_cursor;
    expect(cursor).toEqual(expect.any(String));
    expect((await logOf(ids[0]!, `?limit=1&cursor=${cursor}`)).status).toBe(200);

    for (const forged of ['not-a-cursor', Buffer.from('[1,2]').toString('base64url'), cursor]) {
      const res = await logOf(ids[1]!, `?cursor=${forged}`);
      expect(res.status, forged).toBe(400);
      expect((await problemOf(res)).errors).toEqual([{ field: 'query.cursor', message: expect.any(String) }]);
    }
  });
});

describe('cursors that do not fit their query', () => {
  const cursorOf = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const expectCursorRefused = async (res: Response, what: string) => {
    expect(res.status, what).toBe(400);
    expect((await problemOf(res)).errors, what).toEqual([{ field: 'query.cursor', message: expect.any(String) }]);
  };

  it('refuses a well-formed cursor whose sort key lies outside the list\'s key prefix (drivers, devices, webhook deliveries)', async () => {
    const pk = `OP#${rt.seed!.operatorId}`;
    for (const path of ['/api/v1/operator/drivers', '/api/v1/operator/devices']) {
      for (const sk of ['A', 'ZZZ', 'DRIVER', 'DEVICE']) {
        await expectCursorRefused(await fetch(`${rt.url}${path}?cursor=${cursorOf({ pk, sk })}`, { headers: operator() }), `${path} ${sk}`);
      }
      expect((await fetch(`${rt.url}${path}?limit=1`, { headers: operator() })).status).toBe(200);
    }
    const created = await fetch(`${rt.url}/api/v1/operator/webhooks`, {
      method: 'POST',
      headers: { ...operator(), 'content-type': 'application/json' },
      body: JSON.stringify({ url: 'http://127.0.0.1:9/hooks', event_types: ['project.handed_over'] }),
    });
    const { id } = (await created.json()) as { id: string };
    const deliveries = `${rt.url}/api/v1/operator/webhooks/${id}/deliveries`;
    for (const sk of ['A', 'SUB', 'ZZZ']) await expectCursorRefused(await fetch(`${deliveries}?cursor=${cursorOf({ pk: `WHSUB#${id}`, sk })}`, { headers: operator() }), `deliveries ${sk}`);
    expect((await fetch(`${deliveries}?cursor=${cursorOf({ pk: `WHSUB#${id}`, sk: 'DLV#x' })}`, { headers: operator() })).status).toBe(200);
  });

  it('refuses a log cursor whose sort key is exactly `to` (the read is `sk < to`)', async () => {
    const cp = await aCommissionedChargePoint(rt, { protocol: 'ocpp1.6' });
    const client = await aConnectedClient(rt, { identity: cp.identity, password: cp.provisioningPassword, protocol: 'ocpp1.6' });
    await client.call('BootNotification', BOOT['ocpp1.6']);
    await client.call('Heartbeat', {});
    await client.close({ force: true });
    const logs = `${rt.url}/api/v1/operator/charge-points/${cp.chargePoint.chargePointId}/logs`;
    const first = (await (await fetch(`${logs}?limit=1`, { headers: operator() })).json()) as { next_cursor: string };
    const { pk } = JSON.parse(Buffer.from(first.next_cursor, 'base64url').toString('utf8')) as { pk: string };
    const to = new Date(Date.now() + 60_000).toISOString();
    await expectCursorRefused(await fetch(`${logs}?to=${to}&cursor=${cursorOf({ pk, sk: to })}`, { headers: operator() }), 'sk = to');
    expect((await fetch(`${logs}?to=${to}&cursor=${first.next_cursor}`, { headers: operator() })).status).toBe(200);
  });

  it('turns DynamoDB\'s refusal of a start key into the cursor problem, whatever a check before the query missed', async () => {
    const query = { TableName: config().tableName, KeyConditionExpression: 'pk = :pk AND sk < :to', ExpressionAttributeValues: { ':pk': 'EDGE#1', ':to': 'b' } };
    await expect(sendQuery({ ...query, ExclusiveStartKey: { pk: 'EDGE#1', sk: 'c' } })).rejects.toMatchObject({ kind: 'validation', issues: [{ field: 'query.cursor', message: expect.any(String) }] });
    // Without a start key the same error is not a cursor's: it stays what it is.
    await expect(sendQuery({ ...query, KeyConditionExpression: 'pk = :pk AND sk < :nope' })).rejects.toMatchObject({ name: 'ValidationException' });
  });
});

describe('security headers (issue #12, 9)', () => {
  const expectSecurityHeaders = (res: Response) => {
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('strict-transport-security')).toMatch(/^max-age=\d+/);
    expect(res.headers.get('content-security-policy')).toMatch(/default-src 'none'.*frame-ancestors 'none'/);
  };

  it('sends them on success, on a problem and on an unmatched route', async () => {
    const ok = await fetch(`${rt.url}/api/v1/operator/teams`, { headers: operator() });
    expect(ok.status).toBe(200);
    expectSecurityHeaders(ok);
    const problem = await fetch(`${rt.url}/api/v1/operator/teams`, { headers: { authorization: 'Bearer nope' } });
    expect(problem.status).toBe(401);
    expectSecurityHeaders(problem);
    const unmatched = await fetch(`${rt.url}/api/v1/nope`);
    expectSecurityHeaders(unmatched);
  });

  it('never lets an answer that carries a secret be stored by a cache', async () => {
    const created = await fetch(`${rt.url}/api/v1/operator/webhooks`, {
      method: 'POST',
      headers: { ...operator(), 'content-type': 'application/json' },
      // Loopback receivers are allowed by the local runtime's test setting (WEBHOOK_ALLOW_LOCALHOST).
      body: JSON.stringify({ url: 'http://127.0.0.1:9/hooks', event_types: ['project.handed_over'] }),
    });
    expect(created.status).toBe(201);
    const body = (await created.json()) as { id: string; secret: string };
    expect(body.secret).toMatch(/^whsec_/);
    expect(created.headers.get('cache-control')).toBe('no-store');
    const rotated = await fetch(`${rt.url}/api/v1/operator/webhooks/${body.id}/rotate-secret`, { method: 'POST', headers: operator() });
    expect(rotated.status).toBe(200);
    expect(rotated.headers.get('cache-control')).toBe('no-store');
  });
});
