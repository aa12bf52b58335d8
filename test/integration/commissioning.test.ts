// Commissioning when chargers misbehave: a refused password rotation keeps the provisioning
// password (and says so), a charger that never sends a Heartbeat fails after the timeout, and
// registering again issues a new password that replaces the old one.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RPCClient } from 'ocpp-rpc';
import type { LocalRuntime } from '../../local/runtime';
import { getChargePoint } from '../../lib/db/charge-points';
import { aConnectedClient, aSerial, basic, BOOT, upgradeStatus } from './support/ocpp';
import { anEmail, apiClient } from './support/api';
import { startTestRuntime } from './support/runtime';

let rt: LocalRuntime;
let api: ReturnType<typeof apiClient>;
let token: string;
const clients: RPCClient[] = [];

beforeAll(async () => {
  // A short timeout so the "never heartbeats" charger fails within the test.
  rt = await startTestRuntime({ env: { COMMISSIONING_TIMEOUT_SECONDS: '2' } });
  api = apiClient(rt);
  const email = anEmail();
  const password = 'Correct-Horse-42';
  await api('POST', '/api/v1/installer/signup', { body: { email, password, name: 'Sam' } });
  await rt.drain();
  const t = /Verification token: (\S+)/.exec(rt.outbox.list({ to: email })[0]!.text!)![1]!;
  await api('POST', '/api/v1/installer/verify-email', { body: { token: t, password } });
  token = (await api<{ access_token: string }>('POST', '/api/v1/installer/login', { body: { email, password } })).body.access_token;
  await api('POST', `/api/v1/operator/projects/${rt.seed!.projectId}/installers`, { token: rt.seed!.operatorApiKey, body: { email } });
});
afterAll(async () => {
  for (const c of clients) await c.close({ force: true }).catch(() => undefined);
  await rt?.stop();
});

async function register(version: 'ocpp1.6' | 'ocpp2.0.1', serial = aSerial('EDGE')) {
  const r = await api<{ charge_point_id: string; charge_point_identity: string; provisioning_password: string }>('POST', `/api/v1/installer/projects/${rt.seed!.projectId}/charge-points`, {
    token,
    body: { serial_number: serial, ocpp_protocol: version },
  });
  expect(r.status).toBe(201);
  return r.body;
}

const status = (id: string) => api<{ status: string; checks: Array<{ name: string; status: string; detail: string }>; password_rotation: { status: string; detail: string } | null }>('GET', `/api/v1/installer/charge-points/${id}/commissioning`, { token });

describe('commissioning edge cases', () => {
  it('keeps the provisioning password when the charger refuses the new one, and says so', async () => {
    const reg = await register('ocpp1.6');
    const client = await aConnectedClient(rt, { identity: reg.charge_point_identity, password: reg.provisioning_password, protocol: 'ocpp1.6' });
    clients.push(client);
    client.handle('TriggerMessage', async ({ params }) => {
      const what = (params as { requestedMessage: string }).requestedMessage;
      setImmediate(() => client.call(what === 'Heartbeat' ? 'Heartbeat' : 'BootNotification', what === 'Heartbeat' ? {} : BOOT['ocpp1.6']).catch(() => undefined));
      return { status: 'Accepted' };
    });
    client.handle('ChangeConfiguration', async () => ({ status: 'Rejected' }));
    await client.call('BootNotification', BOOT['ocpp1.6']);
    expect((await api('POST', `/api/v1/installer/charge-points/${reg.charge_point_id}/commissioning`, { token })).status).toBe(202);
    await vi.waitFor(async () => expect((await status(reg.charge_point_id)).body.password_rotation?.status).toBe('refused'), { timeout: 15_000, interval: 200 });
    const s = await status(reg.charge_point_id);
    expect(s.body.status).toBe('completed');
    expect(s.body.password_rotation?.detail).toMatch(/keeps the provisioning password/);
    expect((await getChargePoint(reg.charge_point_id, true))?.credentials).toMatchObject({ kind: 'provisioning' });
    // And the provisioning password still opens the door.
    expect(await upgradeStatus(`${rt.ocppUrl}/${reg.charge_point_identity}`, { protocols: ['ocpp1.6'], authorization: basic(reg.charge_point_identity, reg.provisioning_password) })).toBe(101);
  }, 30_000);

  it('fails a charger that never sends a Heartbeat once the time is up, naming the check', async () => {
    const reg = await register('ocpp2.0.1');
    const client = await aConnectedClient(rt, { identity: reg.charge_point_identity, password: reg.provisioning_password, protocol: 'ocpp2.0.1' });
    clients.push(client);
    client.handle('TriggerMessage', async () => ({ status: 'Rejected' }));
    await client.call('BootNotification', BOOT['ocpp2.0.1']);
    await api('POST', `/api/v1/installer/charge-points/${reg.charge_point_id}/commissioning`, { token });
    await vi.waitFor(async () => expect((await status(reg.charge_point_id)).body.status).toBe('failed'), { timeout: 15_000, interval: 250 });
    const s = await status(reg.charge_point_id);
    expect(s.body.checks.find((c) => c.name === 'heartbeat')).toMatchObject({ status: 'failed', detail: expect.stringMatching(/timed out/) });
    expect(s.body.checks.find((c) => c.name === 'ocpp_connection')?.status).toBe('passed');
    // Starting again is allowed after a failure.
    expect((await api('POST', `/api/v1/installer/charge-points/${reg.charge_point_id}/commissioning`, { token })).status).toBe(202);
  }, 30_000);

  it('nudges a charger that connects only after commissioning was started', async () => {
    const reg = await register('ocpp2.0.1');
    expect((await api('POST', `/api/v1/installer/charge-points/${reg.charge_point_id}/commissioning`, { token })).status).toBe(202);
    expect((await status(reg.charge_point_id)).body.checks.find((c) => c.name === 'ocpp_connection')?.status).toBe('pending');
    const client = await aConnectedClient(rt, { identity: reg.charge_point_identity, password: reg.provisioning_password, protocol: 'ocpp2.0.1' });
    clients.push(client);
    client.handle('TriggerMessage', async ({ params }) => {
      const what = (params as { requestedMessage: string }).requestedMessage;
      setImmediate(() => client.call(what === 'Heartbeat' ? 'Heartbeat' : 'BootNotification', what === 'Heartbeat' ? {} : BOOT['ocpp2.0.1']).catch(() => undefined));
      return { status: 'Accepted' };
    });
    client.handle('SetVariables', async ({ params }) => {
      const data = (params as { setVariableData: Array<{ component: { name: string }; variable: { name: string } }> }).setVariableData;
      return { setVariableResult: data.map((d) => ({ attributeStatus: 'Accepted', component: d.component, variable: d.variable })) };
    });
    await client.call('BootNotification', BOOT['ocpp2.0.1']);
    await vi.waitFor(async () => expect((await status(reg.charge_point_id)).body.status).toBe('completed'), { timeout: 15_000, interval: 200 });
  }, 30_000);

  it('issues a new password when the same serial is registered again in the same project; the old one stops working', async () => {
    const serial = aSerial('AGAIN');
    const first = await register('ocpp1.6', serial);
    const second = await register('ocpp1.6', serial);
    expect(second.charge_point_id).toBe(first.charge_point_id);
    expect(second.provisioning_password).not.toBe(first.provisioning_password);
    const url = `${rt.ocppUrl}/${first.charge_point_identity}`;
    expect(await upgradeStatus(url, { protocols: ['ocpp1.6'], authorization: basic(first.charge_point_identity, first.provisioning_password) })).toBe(401);
    expect(await upgradeStatus(url, { protocols: ['ocpp1.6'], authorization: basic(first.charge_point_identity, second.provisioning_password) })).toBe(101);
  });

  it('refuses to start commissioning for a charge point of a project the installer is not on', async () => {
    const other = await api<{ team_id: string }>('POST', '/api/v1/operator/teams', { token: rt.seed!.operatorApiKey, body: { name: 'Elsewhere Ltd', owner_email: 'e@example.com' } });
    const site = await api<{ site_id: string }>('POST', '/api/v1/operator/sites', { token: rt.seed!.operatorApiKey, body: { team_id: other.body.team_id, name: 'E', address: 'E', country: 'DE' } });
    const project = await api<{ project_id: string }>('POST', '/api/v1/operator/projects', { token: rt.seed!.operatorApiKey, body: { job_number: 'X', name: 'X', site_id: site.body.site_id } });
    const planned = await api<{ charge_point_id: string }>('POST', `/api/v1/operator/projects/${project.body.project_id}/charge-points`, { token: rt.seed!.operatorApiKey, body: { connector_count: 1 } });
    expect((await api('POST', `/api/v1/installer/charge-points/${planned.body.charge_point_id}/commissioning`, { token })).status).toBe(404);
    expect((await api('GET', `/api/v1/installer/charge-points/${planned.body.charge_point_id}/commissioning`, { token })).status).toBe(404);
  });

  it('shows a planned serial that another team already uses as "Serial is in use by: <Team Name>"', async () => {
    const op = rt.seed!.operatorApiKey;
    const taken = await register('ocpp1.6', aSerial('PLANNED'));
    const team = await api<{ team_id: string }>('POST', '/api/v1/operator/teams', { token: op, body: { name: 'Second Owner Ltd', owner_email: 's@example.com' } });
    const site = await api<{ site_id: string }>('POST', '/api/v1/operator/sites', { token: op, body: { team_id: team.body.team_id, name: 'S', address: 'S', country: 'FR' } });
    const project = await api<{ project_id: string }>('POST', '/api/v1/operator/projects', { token: op, body: { job_number: 'P-2', name: 'P2', site_id: site.body.site_id } });
    const planned = await api<{ status: string; validation_message: string }>('POST', `/api/v1/operator/projects/${project.body.project_id}/charge-points`, {
      token: op,
      body: { serial_number: taken.charge_point_identity.toLowerCase(), connector_count: 1 },
    });
    expect(planned.body).toMatchObject({ status: 'Serial is in use by: Demo Site Owner Ltd', validation_message: 'Serial is in use by: Demo Site Owner Ltd' });
    const detail = await api<{ charge_points: Array<{ status: string }> }>('GET', `/api/v1/operator/projects/${project.body.project_id}`, { token: op });
    expect(detail.body.charge_points.map((c) => c.status)).toEqual(['Serial is in use by: Demo Site Owner Ltd']);
  });
});
