// The local runtime over real HTTP and WebSocket connections, with fixture handlers so that what is
// tested here is the gateway emulation itself (the OCPP handlers have their own tests).
import { ApiGatewayManagementApiClient, GoneException, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { LocalRuntime } from '../../local/runtime';
import { store as flaky } from '../fixtures/handlers/flaky-target';
import { startTestRuntime } from './support/runtime';

let rt: LocalRuntime;

beforeAll(async () => {
  rt = await startTestRuntime({
    seed: false,
    wsRoutes: [
      {
        kind: 'ws',
        routeKey: '$connect',
        entry: 'test/fixtures/handlers/ws-connect.ts',
        access: {},
        routeResponse: false,
        authorizer: { entry: 'test/fixtures/handlers/ws-authorize.ts', access: {}, identitySource: ['route.request.querystring.cp'], description: '' },
        description: '',
      },
      { kind: 'ws', routeKey: '$default', entry: 'test/fixtures/handlers/ws-default.ts', access: {}, routeResponse: true, description: '' },
      { kind: 'ws', routeKey: '$disconnect', entry: 'test/fixtures/handlers/ws-disconnect.ts', access: {}, routeResponse: false, description: '' },
    ],
    eventRules: [
      {
        name: 'flaky',
        pattern: { source: ['test'], detailType: ['thing.happened'] },
        entry: 'test/fixtures/handlers/flaky-target.ts',
        access: {},
        description: '',
      },
    ],
  });
});
afterAll(async () => rt?.stop());

function open(path: string, protocols?: string | string[], headers?: Record<string, string>) {
  const ws = new WebSocket(`ws://127.0.0.1:${rt.port}${path}`, protocols, { headers });
  return new Promise<WebSocket>((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

const nextMessage = (ws: WebSocket) => new Promise<string>((resolve) => ws.once('message', (d) => resolve(d.toString())));

describe('WebSocket gateway', () => {
  it('connects, answers a frame through the route response, pushes through @connections and disconnects', async () => {
    const ws = await open('/ocpp/CP-1', ['ocpp2.0.1', 'ocpp1.6']);
    expect(ws.protocol).toBe('ocpp2.0.1');

    ws.send('[2,"1","Heartbeat",{}]');
    expect(JSON.parse(await nextMessage(ws))).toEqual({ echo: '[2,"1","Heartbeat",{}]', routeKey: '$default' });

    ws.send('push');
    expect(await nextMessage(ws)).toBe('pushed');

    const closed = new Promise((r) => ws.once('close', r));
    ws.close();
    await closed;
    await rt.drain();
    expect((globalThis as { __disconnected?: string[] }).__disconnected?.length).toBeGreaterThan(0);
  });

  it('rejects the upgrade with the status $connect returns', async () => {
    await expect(open('/ocpp/REJECT-401')).rejects.toThrow('HTTP 401');
    await expect(open('/ocpp/REJECT-404')).rejects.toThrow('HTTP 404');
  });

  it('runs the $connect authorizer first and puts its context (with principalId) on $connect and every later event of that connection', async () => {
    const ws = await open('/ocpp/CP-AUTH', 'ocpp1.6');
    ws.send('who');
    const seen = JSON.parse(await nextMessage(ws)) as { authorizer: Record<string, unknown>; connectionId: string };
    // $connect checked it saw the same context (the fixture refuses with 500 otherwise).
    expect(seen.authorizer).toEqual({ who: 'CP-AUTH', admittedOn: seen.connectionId, principalId: 'CP-AUTH' });
    ws.send('who');
    expect(JSON.parse(await nextMessage(ws))).toEqual(seen);
    const closed = new Promise((r) => ws.once('close', r));
    ws.close();
    await closed;
    await rt.drain();
    expect((globalThis as { __disconnectAuthorizers?: Map<string, unknown> }).__disconnectAuthorizers?.get(seen.connectionId)).toEqual(seen.authorizer);
  });

  it('refuses as API Gateway does when the authorizer denies (403), fails with Unauthorized (401, with the challenge) or fails otherwise (500)', async () => {
    await expect(open('/ocpp/DENY-1')).rejects.toThrow('HTTP 403');
    await expect(open('/ocpp/BROKEN-1')).rejects.toThrow('HTTP 500');
    const challenged = await new Promise<{ status?: number; challenge?: string | string[] }>((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${rt.port}/ocpp/UNAUTHORIZED-1`);
      ws.once('unexpected-response', (_req, res) => resolve({ status: res.statusCode, challenge: res.headers['www-authenticate'] }));
      ws.once('open', () => reject(new Error('opened')));
      ws.once('error', () => undefined);
    });
    expect(challenged.status).toBe(401);
    expect(challenged.challenge).toMatch(/^Basic /);
  });

  it('answers 404 for paths the CloudFront rewrite does not accept', async () => {
    await expect(open('/ocpp')).rejects.toThrow('HTTP 404');
    // A near miss (/ocpp/a/b) is passed on for $connect to refuse and record; five segments are not.
    await expect(open('/ocpp/a/b/c/d/e')).rejects.toThrow('HTTP 404');
    await expect(open('/ocpp/a%2Fb')).rejects.toThrow('HTTP 404');
    await expect(open('/ocpp/has%3Acolon')).rejects.toThrow('HTTP 404');
    await expect(open(`/ocpp/${'x'.repeat(49)}`)).rejects.toThrow('HTTP 404');
  });

  it('sends API Gateway\'s internal error message when the handler throws', async () => {
    const ws = await open('/ocpp/CP-2', 'ocpp1.6');
    ws.send('throw');
    expect(JSON.parse(await nextMessage(ws))).toMatchObject({ message: 'Internal server error' });
    ws.close();
  });

  it('lets the real Management API client push, and throws GoneException for unknown connections', async () => {
    const ws = await open('/ocpp/CP-3', 'ocpp1.6');
    const client = new ApiGatewayManagementApiClient({ endpoint: process.env.WS_MANAGEMENT_ENDPOINT });
    await expect(client.send(new PostToConnectionCommand({ ConnectionId: 'bm90LWEtY29ubmVjdGlvbg=', Data: Buffer.from('x') }))).rejects.toBeInstanceOf(
      GoneException,
    );
    ws.close();
  });
});

describe('HTTP', () => {
  it('reports every local part as healthy', async () => {
    const res = await fetch(`${rt.url}/health`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { status: string; parts: Record<string, { status: string }> };
    expect(body.status).toBe('ok');
    expect(Object.keys(body.parts).sort()).toEqual(['dynamodb', 'eventBus', 'http', 'outbox', 's3', 'websocket']);
    // Uptime monitors often ask with HEAD.
    const head = await fetch(`${rt.url}/health`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toBe('application/json');
    expect(await head.text()).toBe('');
  });

  it('answers unmatched routes through the $default route, as HTTP API does with it deployed', async () => {
    const res = await fetch(`${rt.url}/api/v1/nope`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
  });

  it('captures email sent with the real SES v2 client in the outbox', async () => {
    const ses = new SESv2Client({});
    await ses.send(
      new SendEmailCommand({
        FromEmailAddress: 'a@example.com',
        Destination: { ToAddresses: ['Installer@Example.com'] },
        Content: { Simple: { Subject: { Data: 'Verify' }, Body: { Text: { Data: 'token 123' } } } },
      }),
    );
    const res = await fetch(`${rt.url}/_local/outbox?to=installer@example.com`);
    const { mails } = (await res.json()) as { mails: Array<{ subject: string; text: string }> };
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({ subject: 'Verify', text: 'token 123' });
  });
});

describe('event bus', () => {
  it('delivers PutEvents from the real EventBridge client to matching rule targets, retrying failures', async () => {
    const eb = new EventBridgeClient({});
    const out = await eb.send(
      new PutEventsCommand({
        Entries: [
          { Source: 'test', DetailType: 'thing.happened', Detail: JSON.stringify({ failTimes: 2 }), EventBusName: process.env.EVENT_BUS_NAME },
          { Source: 'test', DetailType: 'other.thing', Detail: '{}', EventBusName: process.env.EVENT_BUS_NAME },
        ],
      }),
    );
    expect(out.FailedEntryCount).toBe(0);
    const id = out.Entries?.[0]?.EventId;
    await rt.drain();
    expect(flaky.attempts.get(id!)).toBe(3);
    expect(flaky.delivered.map((e) => e.id)).toEqual([id]);
  });

  it('rejects one of our events whose data breaks the catalogue, so its publisher fails', async () => {
    const { makeEvent, publish } = await import('../../lib/events/publish');
    const bad = makeEvent('charge_point.disconnected', 'op_1', { charge_point_id: 'cp', charge_point_identity: 'CP', project_id: 'p', reason: 'eaten' as 'closed' });
    await expect(publish([bad])).rejects.toThrow(/breaks the catalogue/);
    const good = makeEvent('charge_point.disconnected', 'op_1', { charge_point_id: 'cp', charge_point_identity: 'CP', project_id: 'p', reason: 'closed' });
    await expect(publish([good])).resolves.toBeUndefined();
  });

  it('dead-letters an event whose target keeps failing', async () => {
    const eb = new EventBridgeClient({});
    await eb.send(
      new PutEventsCommand({ Entries: [{ Source: 'test', DetailType: 'thing.happened', Detail: JSON.stringify({ failTimes: 99 }), EventBusName: process.env.EVENT_BUS_NAME }] }),
    );
    await rt.drain();
    expect(rt.bus.deadLetters).toHaveLength(1);
    expect(rt.bus.deadLetters[0]).toMatchObject({ rule: 'flaky', attempts: 4 });
  });
});
