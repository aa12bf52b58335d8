// Signed webhooks end to end against the local runtime: subscriptions over the REST API, events
// from real flows (a charge point registering and connecting) and from the real publisher, a real
// HTTP receiver on 127.0.0.1 that verifies every request with the `standardwebhooks` library,
// retries fired through the scheduled rule with a tiny backoff scale, dead letters and redelivery.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RPCClient } from 'ocpp-rpc';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LocalRuntime } from '../../local/runtime';
import { createOperator } from '../../lib/domain/operator-setup';
import type { EventData, EventType } from '../../lib/events/catalogue';
import { makeEvent, publish } from '../../lib/events/publish';
import { aConnectedClient, aRegisteredChargePoint, BOOT } from './support/ocpp';
import { apiClient } from './support/api';
import { startTestRuntime } from './support/runtime';

// ---- a receiver: answers by mode per path, verifies each request with the subscription's secret --

type Mode = 'ok' | 'flaky' | 'down' | 'gone';
interface Hit {
  readonly path: string;
  readonly id: string;
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly status: number;
  readonly verified: boolean;
}

const hits: Hit[] = [];
const modes = new Map<string, Mode>();
const secrets = new Map<string, string>();
let receiver: Server;
let receiverUrl: string;

function statusFor(path: string, id: string): number {
  switch (modes.get(path) ?? 'ok') {
    case 'ok':
      return 200;
    case 'down':
      return 500;
    case 'gone':
      return 410;
    case 'flaky':
      // 500 to the first two attempts of every message, then recovers.
      return hits.filter((h) => h.path === path && h.id === id).length < 2 ? 500 : 200;
  }
}

function verifies(secret: string | undefined, body: string, headers: Record<string, string>): boolean {
  if (!secret) return false;
  try {
    new Webhook(secret).verify(body, headers);
    return true;
  } catch {
    return false;
  }
}

async function startReceiver(): Promise<void> {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '/';
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
      const body = Buffer.concat(chunks).toString('utf8');
      const id = headers['webhook-id'] ?? '';
      const status = statusFor(path, id);
      hits.push({ path, id, headers, body, status, verified: verifies(secrets.get(path), body, headers) });
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'not now');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
}

const hitsAt = (path: string) => hits.filter((h) => h.path === path);
const accepted = (path: string) => hitsAt(path).filter((h) => h.status < 300);

// ---- runtime, API and builders ----------------------------------------------------------------

let rt: LocalRuntime;
let api: ReturnType<typeof apiClient>;
const clients: RPCClient[] = [];

beforeAll(async () => {
  await startReceiver();
  // 30 s … 24 h become 0.3 ms … 0.86 s: the whole 10-attempt schedule runs in about two seconds.
  rt = await startTestRuntime({ env: { WEBHOOK_BACKOFF_SCALE: '0.00001' } });
  api = apiClient(rt);
});
afterAll(async () => {
  for (const c of clients) await c.close({ force: true }).catch(() => undefined);
  await rt?.stop();
  receiver?.closeAllConnections();
  await new Promise((r) => receiver?.close(r));
});

interface SubscriptionBody {
  id: string;
  url: string;
  event_types: string[];
  paused: boolean;
  status: string;
  status_reason: string | null;
  secret?: string;
  previous_secret_expires_at: string | null;
}
interface AttemptBody {
  at: string;
  trigger: string;
  status_code: number | null;
  latency_ms: number;
  error: string | null;
}
interface DeliveryBody {
  id: string;
  event_id: string;
  event_type: string;
  status: string;
  attempt_count: number;
  next_attempt_at: string | null;
  attempts: AttemptBody[];
}

let paths = 0;
async function anOperator(): Promise<{ operatorId: string; apiKey: string }> {
  const created = await createOperator({ name: `CPO ${++paths}`, contactEmail: `cpo${paths}@example.com` });
  return { operatorId: created.operator.operatorId, apiKey: created.apiKey };
}

/** Subscribed at a fresh receiver path; by default a fresh operator, so its events reach only this subscription. */
async function aSubscriber(opts: { mode?: Mode; eventTypes?: string[]; operator?: { operatorId: string; apiKey: string } } = {}) {
  const { operatorId, apiKey } = opts.operator ?? (await anOperator());
  const path = `/hook-${++paths}`;
  modes.set(path, opts.mode ?? 'ok');
  const res = await api<SubscriptionBody>('POST', '/api/v1/operator/webhooks', {
    token: apiKey,
    body: { url: `${receiverUrl}${path}`, ...(opts.eventTypes ? { event_types: opts.eventTypes } : {}) },
  });
  expect(res.status).toBe(201);
  secrets.set(path, res.body.secret!);
  return { operatorId, apiKey, path, subscription: res.body, secret: res.body.secret! };
}

const CP = { charge_point_id: 'cp_TESTTESTTESTTEST', charge_point_identity: 'WEBHOOK-CP-1', project_id: 'prj_TESTTESTTESTTEST' };
const DATA: { [T in EventType]?: EventData<T> } = {
  'charge_point.status_changed': { ...CP, connector_id: 1, status: 'Charging' },
  'commissioning.completed': {
    ...CP,
    completed_at: '2025-03-01T10:00:00.000Z',
    firmware_version: '1.2.3',
    checks: [{ name: 'ocpp_connection', status: 'passed', detail: 'Connected over ocpp1.6', at: '2025-03-01T09:59:00.000Z' }],
  },
  'project.handed_over': {
    project_id: CP.project_id,
    job_number: 'JOB-42',
    handed_over_at: '2025-03-01T11:00:00.000Z',
    handed_over_by: 'Ina Installer',
    handover_certificate_url: 'https://certificates.example.com/prj_TESTTESTTESTTEST.pdf',
    certificate_sha256: 'a'.repeat(64),
    charge_point_ids: [CP.charge_point_id],
  },
};
async function publishEvents(operatorId: string, type: 'charge_point.status_changed' | 'commissioning.completed' | 'project.handed_over', count = 1) {
  const events = Array.from({ length: count }, () => makeEvent(type, operatorId, DATA[type] as EventData<typeof type>));
  await publish(events);
  await rt.drain();
  return events;
}

/** Fires the scheduled retry rule once and waits for it (and anything it triggers) to finish. */
async function sweep(): Promise<void> {
  rt.bus.runSchedule('webhook-retry');
  await rt.drain();
}

const deliveriesOf = async (s: { apiKey: string; subscription: { id: string } }, query = '') =>
  (await api<{ deliveries: DeliveryBody[]; next_cursor: string | null }>('GET', `/api/v1/operator/webhooks/${s.subscription.id}/deliveries${query}`, { token: s.apiKey })).body;
const subscriptionOf = async (s: { apiKey: string; subscription: { id: string } }) =>
  (await api<SubscriptionBody>('GET', `/api/v1/operator/webhooks/${s.subscription.id}`, { token: s.apiKey })).body;

// ---- tests ------------------------------------------------------------------------------------

describe('webhook subscriptions', () => {
  it('creates a subscription with a whsec_ secret shown once, then lists and reads it without the secret', async () => {
    const op = await anOperator();
    const created = await api<SubscriptionBody>('POST', '/api/v1/operator/webhooks', {
      token: op.apiKey,
      body: { url: `${receiverUrl}/created`, event_types: ['charge_point.connected', 'charge_point.disconnected'], description: 'ops dashboard' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ url: `${receiverUrl}/created`, event_types: ['charge_point.connected', 'charge_point.disconnected'], paused: false, status: 'active' });
    expect(created.body.secret).toMatch(/^whsec_[A-Za-z0-9+/=]{44}$/);
    expect(created.headers.get('location')).toBe(`/api/v1/operator/webhooks/${created.body.id}`);

    const read = await api<SubscriptionBody>('GET', `/api/v1/operator/webhooks/${created.body.id}`, { token: op.apiKey });
    expect(read.status).toBe(200);
    expect(read.body).not.toHaveProperty('secret');
    expect(JSON.stringify(read.body)).not.toContain(created.body.secret!.slice(6));
    const list = await api<{ subscriptions: SubscriptionBody[] }>('GET', '/api/v1/operator/webhooks', { token: op.apiKey });
    expect(list.body.subscriptions.map((s) => s.id)).toEqual([created.body.id]);
    expect(list.body.subscriptions[0]).not.toHaveProperty('secret');
  });

  it('updates the URL, event types and paused flag, and deletes', async () => {
    const s = await aSubscriber({ operator: await anOperator() });
    const patched = await api<SubscriptionBody>('PATCH', `/api/v1/operator/webhooks/${s.subscription.id}`, {
      token: s.apiKey,
      body: { url: `${receiverUrl}/moved`, event_types: ['project.handed_over'], paused: true },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ url: `${receiverUrl}/moved`, event_types: ['project.handed_over'], paused: true });
    expect((await api('PATCH', `/api/v1/operator/webhooks/${s.subscription.id}`, { token: s.apiKey, body: {} })).status).toBe(400);

    const deleted = await api('DELETE', `/api/v1/operator/webhooks/${s.subscription.id}`, { token: s.apiKey });
    expect(deleted.status).toBe(204);
    expect((await api('GET', `/api/v1/operator/webhooks/${s.subscription.id}`, { token: s.apiKey })).status).toBe(404);
    expect((await api('DELETE', `/api/v1/operator/webhooks/${s.subscription.id}`, { token: s.apiKey })).status).toBe(404);
    await publishEvents(s.operatorId, 'project.handed_over');
    expect(hitsAt('/moved')).toHaveLength(0);
  });

  it('answers an invalid URL with 400 problem+json naming url', async () => {
    const op = await anOperator();
    for (const url of ['https://10.0.0.1/hook', 'https://169.254.169.254/latest/meta-data', 'https://[::ffff:192.168.0.1]/hook', 'http://example.com/hook', 'ftp://example.com/x', 'not a url', 'https://u:p@example.com/']) {
      const res = await api('POST', '/api/v1/operator/webhooks', { token: op.apiKey, body: { url } });
      expect(res.status, url).toBe(400);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(res.body).toMatchObject({ status: 400, title: 'Invalid request', errors: [expect.objectContaining({ field: 'url' })] });
    }
    const missing = await api('POST', '/api/v1/operator/webhooks', { token: op.apiKey, body: { event_types: ['*'] } });
    expect(missing.body).toMatchObject({ status: 400, errors: [expect.objectContaining({ field: 'url' })] });
    const badType = await api('POST', '/api/v1/operator/webhooks', { token: op.apiKey, body: { url: `${receiverUrl}/x`, event_types: ['email.requested'] } });
    expect(badType.body).toMatchObject({ status: 400, errors: [expect.objectContaining({ field: 'event_types.0' })] });

    const s = await aSubscriber({ operator: op });
    const patch = await api('PATCH', `/api/v1/operator/webhooks/${s.subscription.id}`, { token: s.apiKey, body: { url: 'https://192.168.1.20/in' } });
    expect(patch.status).toBe(400);
    expect(patch.body).toMatchObject({ errors: [expect.objectContaining({ field: 'url', message: expect.stringMatching(/private/) })] });
  });

  it("answers 404 to another operator for every operation on someone else's subscription", async () => {
    const s = await aSubscriber({ operator: await anOperator() });
    const [event] = await publishEvents(s.operatorId, 'charge_point.status_changed');
    const deliveryId = (await deliveriesOf(s)).deliveries[0]!.id;
    expect(deliveryId).toContain(event!.id);
    const other = await anOperator();
    const base = `/api/v1/operator/webhooks/${s.subscription.id}`;
    for (const [method, path, body] of [
      ['GET', base],
      ['PATCH', base, { paused: true }],
      ['DELETE', base],
      ['POST', `${base}/pause`],
      ['POST', `${base}/resume`],
      ['POST', `${base}/rotate-secret`],
      ['GET', `${base}/deliveries`],
      ['GET', `${base}/deliveries/${deliveryId}`],
      ['POST', `${base}/deliveries/${deliveryId}/redeliver`],
    ] as const) {
      const res = await api(method, path, { token: other.apiKey, ...(body ? { body } : {}) });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
    }
    expect((await api<{ subscriptions: unknown[] }>('GET', '/api/v1/operator/webhooks', { token: other.apiKey })).body.subscriptions).toEqual([]);
    expect((await subscriptionOf(s)).paused).toBe(false);
  });
});

describe('webhook delivery', () => {
  it('delivers events from real flows, signed so the receiver verifies them, and only the subscribed types', async () => {
    const seed = { operatorId: rt.seed!.operatorId, apiKey: rt.seed!.operatorApiKey };
    const s = await aSubscriber({ operator: seed, eventTypes: ['charge_point.registered', 'charge_point.connected'] });
    const cp = await aRegisteredChargePoint(rt, { protocol: 'ocpp1.6' });
    const client = await aConnectedClient(rt, { identity: cp.identity, password: cp.provisioningPassword, protocol: 'ocpp1.6' });
    clients.push(client);
    await client.call('BootNotification', BOOT['ocpp1.6']);
    await rt.drain();

    await vi.waitFor(() => expect(hitsAt(s.path).map((h) => JSON.parse(h.body).type).sort()).toEqual(['charge_point.connected', 'charge_point.registered']), {
      timeout: 10_000,
    });
    for (const hit of hitsAt(s.path)) {
      expect(hit.verified).toBe(true);
      const event = new Webhook(s.secret).verify(hit.body, hit.headers) as { id: string; type: string; version: number; operator_id: string; data: { charge_point_identity: string } };
      expect(hit.headers['webhook-id']).toBe(event.id);
      expect(hit.headers['content-type']).toBe('application/json');
      expect(event).toMatchObject({ version: 1, operator_id: seed.operatorId, data: { charge_point_identity: cp.identity } });
    }
    // charge_point.booted was published too, but this subscription did not ask for it.
    expect(hitsAt(s.path).some((h) => h.body.includes('charge_point.booted'))).toBe(false);
  });

  it('delivers commissioning.completed and project.handed_over with valid signatures, and a wrong secret fails', async () => {
    const s = await aSubscriber({ operator: await anOperator() });
    expect(s.subscription.event_types).toEqual(['*']);
    const published = [...(await publishEvents(s.operatorId, 'commissioning.completed')), ...(await publishEvents(s.operatorId, 'project.handed_over'))];
    await vi.waitFor(() => expect(accepted(s.path)).toHaveLength(2), { timeout: 10_000 });
    for (const event of published) {
      const hit = hitsAt(s.path).find((h) => h.id === event.id)!;
      expect(hit.verified).toBe(true);
      expect(new Webhook(s.secret).verify(hit.body, hit.headers)).toEqual(JSON.parse(JSON.stringify(event)));
      const wrong = `whsec_${Buffer.from('not the secret of this subscription!').toString('base64')}`;
      expect(() => new Webhook(wrong).verify(hit.body, hit.headers)).toThrow(WebhookVerificationError);
    }
    const handover = JSON.parse(hitsAt(s.path).find((h) => h.body.includes('project.handed_over'))!.body) as { data: { handover_certificate_url: string } };
    expect(handover.data.handover_certificate_url).toMatch(/^https:\/\//);
  });

  it('gets every event exactly once per webhook-id from a receiver that answers 500 twice and then recovers', async () => {
    const s = await aSubscriber({ mode: 'flaky' });
    const events = await publishEvents(s.operatorId, 'charge_point.status_changed', 3);
    // The first attempt happened inside the fan-out; each failed and waits for a retry.
    expect(hitsAt(s.path).map((h) => h.status)).toEqual([500, 500, 500]);

    await vi.waitFor(
      async () => {
        await sweep();
        const { deliveries } = await deliveriesOf(s);
        expect(deliveries.map((d) => d.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
      },
      { timeout: 20_000, interval: 10 },
    );
    await sweep();
    await sweep();

    for (const event of events) {
      const forId = hitsAt(s.path).filter((h) => h.id === event.id);
      expect(forId.map((h) => h.status)).toEqual([500, 500, 200]);
      expect(forId.every((h) => h.verified && JSON.parse(h.body).id === event.id)).toBe(true);
    }
    expect(new Set(accepted(s.path).map((h) => h.id))).toEqual(new Set(events.map((e) => e.id)));
    expect(accepted(s.path)).toHaveLength(3);

    // The delivery log shows each attempt: time, status code, latency, error.
    const { deliveries } = await deliveriesOf(s);
    expect(deliveries.map((d) => d.event_id).sort()).toEqual(events.map((e) => e.id).sort());
    for (const d of deliveries) {
      expect(d).toMatchObject({ event_type: 'charge_point.status_changed', attempt_count: 3, next_attempt_at: null });
      expect(d.attempts.map((a) => [a.trigger, a.status_code, a.error])).toEqual([
        ['initial', 500, 'HTTP 500'],
        ['retry', 500, 'HTTP 500'],
        ['retry', 200, null],
      ]);
      for (const a of d.attempts) {
        expect(a.latency_ms).toBeGreaterThanOrEqual(0);
        expect(Date.parse(a.at)).not.toBeNaN();
      }
    }
    expect((await subscriptionOf(s)).status).toBe('active');
  });

  it('dead-letters after the last attempt, marks the subscription failing, and redelivers on request', async () => {
    const s = await aSubscriber({ mode: 'down' });
    const [event] = await publishEvents(s.operatorId, 'charge_point.status_changed');
    await vi.waitFor(
      async () => {
        await sweep();
        expect((await deliveriesOf(s)).deliveries[0]?.status).toBe('dead');
      },
      { timeout: 25_000, interval: 10 },
    );
    const dead = (await deliveriesOf(s, '?status=dead')).deliveries;
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({ event_id: event!.id, attempt_count: 10, next_attempt_at: null });
    expect(dead[0]!.attempts.map((a) => a.trigger)).toEqual(['initial', ...new Array<string>(9).fill('retry')]);
    expect(dead[0]!.attempts.every((a) => a.status_code === 500)).toBe(true);
    expect(await subscriptionOf(s)).toMatchObject({ status: 'failing', status_reason: expect.stringContaining(dead[0]!.id) });
    expect((await deliveriesOf(s, '?status=succeeded')).deliveries).toEqual([]);

    // Nothing more happens on its own: a dead letter waits for the operator.
    await sweep();
    expect(hitsAt(s.path)).toHaveLength(10);

    modes.set(s.path, 'ok');
    const redelivered = await api<DeliveryBody>('POST', `/api/v1/operator/webhooks/${s.subscription.id}/deliveries/${dead[0]!.id}/redeliver`, { token: s.apiKey });
    expect(redelivered.status).toBe(200);
    expect(redelivered.body).toMatchObject({ status: 'succeeded', attempt_count: 11 });
    expect(redelivered.body.attempts.at(-1)).toMatchObject({ trigger: 'redeliver', status_code: 200, error: null });
    const last = hitsAt(s.path).at(-1)!;
    expect(last).toMatchObject({ id: event!.id, status: 200, verified: true });
    expect((await subscriptionOf(s)).status).toBe('active');
    const one = await api<DeliveryBody>('GET', `/api/v1/operator/webhooks/${s.subscription.id}/deliveries/${dead[0]!.id}`, { token: s.apiKey });
    expect(one.body.attempts).toHaveLength(11);
  });

  it('signs with the old and the new secret during the grace period after a rotation', async () => {
    const s = await aSubscriber();
    const rotated = await api<SubscriptionBody>('POST', `/api/v1/operator/webhooks/${s.subscription.id}/rotate-secret`, { token: s.apiKey });
    expect(rotated.status).toBe(200);
    const fresh = rotated.body.secret!;
    expect(fresh).toMatch(/^whsec_/);
    expect(fresh).not.toBe(s.secret);
    const graceHours = (Date.parse(rotated.body.previous_secret_expires_at!) - Date.now()) / 3_600_000;
    expect(graceHours).toBeGreaterThan(23);
    expect(graceHours).toBeLessThanOrEqual(24);

    await publishEvents(s.operatorId, 'charge_point.status_changed');
    const hit = hitsAt(s.path).at(-1)!;
    expect(hit.headers['webhook-signature']!.split(' ')).toHaveLength(2);
    expect(() => new Webhook(s.secret).verify(hit.body, hit.headers)).not.toThrow();
    expect(() => new Webhook(fresh).verify(hit.body, hit.headers)).not.toThrow();
    expect(() => new Webhook(`whsec_${Buffer.alloc(32, 7).toString('base64')}`).verify(hit.body, hit.headers)).toThrow(WebhookVerificationError);

    // At rest neither secret is readable: the item holds only envelope-encrypted values (issue #12, 8).
    const { documentClient } = await import('../../lib/aws/clients');
    const { config } = await import('../../lib/config');
    const { keys } = await import('../../lib/db/keys');
    const item = (await documentClient().send(new GetCommand({ TableName: config().tableName, Key: keys.webhookSubscription(s.operatorId, s.subscription.id) }))).Item!;
    const raw = JSON.stringify(item);
    for (const secret of [s.secret, fresh]) expect(raw).not.toContain(secret.slice('whsec_'.length));
    expect(raw).not.toContain('whsec_');
    expect(item.secret).toMatch(/^sealed\.v1\./);
    expect(item.previousSecret).toMatch(/^sealed\.v1\./);
  });

  it('records events as skipped while paused, sends again after resume, and redelivers a skipped one', async () => {
    const s = await aSubscriber();
    expect((await api<SubscriptionBody>('POST', `/api/v1/operator/webhooks/${s.subscription.id}/pause`, { token: s.apiKey })).body.paused).toBe(true);
    const [held] = await publishEvents(s.operatorId, 'charge_point.status_changed');
    expect(hitsAt(s.path)).toHaveLength(0);
    const skipped = (await deliveriesOf(s)).deliveries;
    expect(skipped).toMatchObject([{ event_id: held!.id, status: 'skipped', attempt_count: 0 }]);
    expect((await api('POST', `/api/v1/operator/webhooks/${s.subscription.id}/deliveries/${skipped[0]!.id}/redeliver`, { token: s.apiKey })).status).toBe(409);

    expect((await api<SubscriptionBody>('POST', `/api/v1/operator/webhooks/${s.subscription.id}/resume`, { token: s.apiKey })).body.paused).toBe(false);
    const [live] = await publishEvents(s.operatorId, 'charge_point.status_changed');
    expect(accepted(s.path).map((h) => h.id)).toEqual([live!.id]);
    const redelivered = await api<DeliveryBody>('POST', `/api/v1/operator/webhooks/${s.subscription.id}/deliveries/${skipped[0]!.id}/redeliver`, { token: s.apiKey });
    expect(redelivered.body).toMatchObject({ status: 'succeeded', attempt_count: 1 });
    expect(accepted(s.path).map((h) => h.id)).toEqual([live!.id, held!.id]);
  });

  it('disables the subscription when the receiver answers 410 Gone, until the operator resumes it', async () => {
    const s = await aSubscriber({ mode: 'gone' });
    await publishEvents(s.operatorId, 'charge_point.status_changed');
    expect(await subscriptionOf(s)).toMatchObject({ status: 'disabled', status_reason: expect.stringMatching(/410 Gone/) });
    expect((await deliveriesOf(s)).deliveries[0]).toMatchObject({ status: 'dead', attempt_count: 1, attempts: [expect.objectContaining({ status_code: 410 })] });

    await publishEvents(s.operatorId, 'charge_point.status_changed');
    expect(hitsAt(s.path)).toHaveLength(1);
    expect((await deliveriesOf(s)).deliveries[0]?.status).toBe('skipped');

    modes.set(s.path, 'ok');
    expect((await api<SubscriptionBody>('POST', `/api/v1/operator/webhooks/${s.subscription.id}/resume`, { token: s.apiKey })).body.status).toBe('active');
    await publishEvents(s.operatorId, 'charge_point.status_changed');
    expect(accepted(s.path)).toHaveLength(1);
  });

  it('pages the delivery log newest first', async () => {
    const s = await aSubscriber();
    const events = await publishEvents(s.operatorId, 'charge_point.status_changed', 3);
    const first = await deliveriesOf(s, '?limit=2');
    expect(first.deliveries).toHaveLength(2);
    expect(first.next_cursor).toEqual(expect.any(String));
    const second = await deliveriesOf(s, `?limit=2&cursor=${first.next_cursor}`);
    const seen = [...first.deliveries, ...second.deliveries].map((d) => d.event_id);
    expect(seen.sort()).toEqual(events.map((e) => e.id).sort());
    const ids = [...first.deliveries, ...second.deliveries].map((d) => d.id);
    expect(ids).toEqual([...ids].sort().reverse());
    const bad = await api('GET', `/api/v1/operator/webhooks/${s.subscription.id}/deliveries?cursor=bm9wZQ`, { token: s.apiKey });
    expect(bad.status).toBe(400);
  });
});
