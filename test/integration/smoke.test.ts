// `npm run smoke` against the local runtime, so the script that checks a deployment cannot rot:
// every step must report ok, through the outbox path (what the local runtime has) and through the
// admin verify-installer path (what an AWS deployment uses), with a webhook receiver.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LocalRuntime } from '../../local/runtime';
import { main as admin } from '../../scripts/admin';
import { runSmoke, type StepResult } from '../../scripts/smoke';
import { anEmail, apiClient } from './support/api';
import { startTestRuntime } from './support/runtime';

let rt: LocalRuntime;
let receiver: Server;
let receiverUrl: string;
const received: string[] = [];

beforeAll(async () => {
  rt = await startTestRuntime();
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push(Buffer.concat(chunks).toString('utf8'));
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/smoke-hooks`;
});

afterAll(async () => {
  await rt?.stop();
  await new Promise((r) => receiver?.close(r));
});

const failed = (steps: readonly StepResult[]) => steps.filter((s) => !s.ok).map((s) => `${s.name}: ${s.detail}`);

describe('npm run smoke', () => {
  it('runs the whole installer journey against the local runtime, every step ok, and cleans up', async () => {
    // Prepare
    const reported: StepResult[] = [];

    // Act
    const result = await runSmoke({ api: rt.url, ocpp: rt.ocppUrl, apiKey: rt.seed!.operatorApiKey, webhookUrl: receiverUrl, waitMs: 20_000, report: (s) => reported.push(s) });

    // Assess
    expect(failed(result.steps)).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.steps.map((s) => s.name)).toEqual([
      'API reachable (OpenAPI document)',
      'create team, site and project',
      'subscribe a webhook',
      'assign an installer by email',
      'installer signs up',
      'installer is verified',
      'installer logs in and sees the project',
      'register an OCPP 1.6 and a 2.0.1 charge point',
      'charge points connect; boot is Pending',
      'commissioning completes (connection, firmware, heartbeat)',
      'password rotated; boot is Accepted',
      'reconnect with the new password; boot is Accepted',
      'site checklist',
      'handover; certificate signature valid, names as written',
      'webhooks delivered to the receiver',
      'cleanup: disconnect the simulated charge points',
      'cleanup: unassign the installer',
      'cleanup: delete the webhook subscription',
    ]);
    expect(result.steps.find((s) => s.name === 'installer is verified')?.detail).toMatch(/outbox/);
    expect(reported.at(-1)?.name).toMatch(/no delete/);
    expect(received.length).toBeGreaterThanOrEqual(3);
    // Cleanup really happened: the webhook is gone.
    const api = apiClient(rt);
    const subs = await api<{ subscriptions?: Array<{ url: string }> }>('GET', '/api/v1/operator/webhooks', { token: rt.seed!.operatorApiKey });
    expect(JSON.stringify(subs.body)).not.toContain(receiverUrl);
  }, 120_000);

  it('verifies the installer with the admin command where there is no outbox, as on AWS', async () => {
    const result = await runSmoke({ api: rt.url, apiKey: rt.seed!.operatorApiKey, table: process.env.TABLE_NAME!, forceAdminVerify: true, waitMs: 20_000, report: () => undefined });

    expect(failed(result.steps)).toEqual([]);
    expect(result.steps.find((s) => s.name === 'installer is verified')?.detail).toMatch(/admin verify-installer/);
  }, 120_000);

  it('reports a failed step, skips the rest, still cleans up, and does not pass', async () => {
    const result = await runSmoke({ api: rt.url, apiKey: 'cpk_not-a-key', waitMs: 2_000, report: () => undefined });

    expect(result.ok).toBe(false);
    expect(result.steps.map((s) => [s.name, s.ok])).toEqual([
      ['API reachable (OpenAPI document)', true],
      ['create team, site and project', false],
      ['cleanup: disconnect the simulated charge points', true],
    ]);
    expect(result.steps[1]?.detail).toMatch(/401/);
  }, 60_000);
});

describe('npm run admin', () => {
  it('lets an installer whose mail nobody can read log in, and refuses an unknown email', async () => {
    const api = apiClient(rt);
    const email = anEmail('admin');
    const password = 'Correct-Horse-42';
    expect((await api('POST', '/api/v1/installer/signup', { body: { email, password, name: 'Ada Admin' } })).status).toBe(202);
    expect((await api('POST', '/api/v1/installer/login', { body: { email, password } })).status).toBe(403);

    expect(await admin(['verify-installer', '--email', email.toUpperCase(), '--table', process.env.TABLE_NAME!])).toBe(0);
    expect(await admin(['verify-installer', '--email', email, '--table', process.env.TABLE_NAME!])).toBe(0); // idempotent

    expect((await api('POST', '/api/v1/installer/login', { body: { email, password } })).status).toBe(200);
    expect(await admin(['verify-installer', '--email', anEmail('nobody'), '--table', process.env.TABLE_NAME!])).toBe(1);
    expect(await admin(['verify-installer'])).toBe(2);
  });

  it('create-operator prints an API key, once, that the operator API accepts', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      expect(await admin(['create-operator', '--name', 'Smoke CPO Ltd', '--email', anEmail('cpo'), '--table', process.env.TABLE_NAME!])).toBe(0);
      const key = /API key \S+ \(full; shown once, keep it\): (\S+)/.exec(log.mock.calls.map((c) => String(c[0])).join('\n'))?.[1];
      expect(key).toMatch(/^cpk_/);
      expect((await apiClient(rt)('GET', '/api/v1/operator/teams', { token: key! })).status).toBe(200);
    } finally {
      log.mockRestore();
    }
    expect(await admin(['create-operator', '--email', 'x@example.com'])).toBe(2);
  });
});
