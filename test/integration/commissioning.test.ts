// Commissioning when chargers misbehave: a refused password rotation keeps the provisioning
// password (and says so), a charger that never sends a Heartbeat fails after the timeout,
// registering again is refused unless it is an explicit re-provisioning, and retried or concurrent
// registrations never hand out a password that does not work.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RPCClient } from 'ocpp-rpc';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { LocalRuntime } from '../../local/runtime';
import { documentClient } from '../../lib/aws/clients';
import { keys } from '../../lib/db/keys';
import { getChargePoint } from '../../lib/db/charge-points';
import { aConnectedClient, aSerial, basic, BOOT, upgradeStatus } from './support/ocpp';
import { anInstallerOnTheSeedProject, apiClient } from './support/api';
import { startTestRuntime } from './support/runtime';

let rt: LocalRuntime;
let api: ReturnType<typeof apiClient>;
let token: string;
const clients: RPCClient[] = [];

beforeAll(async () => {
  // A short timeout so the "never heartbeats" charger fails within the test.
  rt = await startTestRuntime({ env: { COMMISSIONING_TIMEOUT_SECONDS: '5' } });
  api = apiClient(rt);
  token = await anInstallerOnTheSeedProject(rt);
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

/**
 * Connects a charger that answers TriggerMessage and the password change (SetVariables with
 * `attributeStatus`), commissions it, and returns the long-term password it was sent.
 */
async function commissioned(
  version: 'ocpp1.6' | 'ocpp2.0.1',
  reg: { charge_point_id: string; charge_point_identity: string; provisioning_password: string },
  opts: { attributeStatus?: string } = {},
) {
  const client = await aConnectedClient(rt, { identity: reg.charge_point_identity, password: reg.provisioning_password, protocol: version });
  clients.push(client);
  const sent: { password?: string } = {};
  client.handle('TriggerMessage', async ({ params }) => {
    const what = (params as { requestedMessage: string }).requestedMessage;
    setImmediate(() => client.call(what === 'Heartbeat' ? 'Heartbeat' : 'BootNotification', what === 'Heartbeat' ? {} : BOOT[version]).catch(() => undefined));
    return { status: 'Accepted' };
  });
  client.handle('ChangeConfiguration', async ({ params }) => {
    sent.password = (params as { value: string }).value;
    return { status: 'Accepted' };
  });
  client.handle('SetVariables', async ({ params }) => {
    const data = (params as { setVariableData: Array<{ attributeValue: string; component: { name: string }; variable: { name: string } }> }).setVariableData;
    sent.password = data[0]!.attributeValue;
    return { setVariableResult: data.map((d) => ({ attributeStatus: opts.attributeStatus ?? 'Accepted', component: d.component, variable: d.variable })) };
  });
  await client.call('BootNotification', BOOT[version]);
  expect((await api('POST', `/api/v1/installer/charge-points/${reg.charge_point_id}/commissioning`, { token })).status).toBe(202);
  await vi.waitFor(async () => expect((await status(reg.charge_point_id)).body.password_rotation).not.toBeNull(), { timeout: 15_000, interval: 200 });
  return { client, newPassword: sent.password! };
}

type Rotation = { status: string; detail: string; at: string; previous_password_valid_until: string | null };
const status = (id: string) => api<{ status: string; checks: Array<{ name: string; status: string; detail: string }>; password_rotation: Rotation | null }>('GET', `/api/v1/installer/charge-points/${id}/commissioning`, { token });

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

  it('says pending_adoption until the charger connects with its long-term password, keeping the old one valid until then', async () => {
    const reg = await register('ocpp1.6');
    const { client, newPassword } = await commissioned('ocpp1.6', reg);
    const url = `${rt.ocppUrl}/${reg.charge_point_identity}`;
    const asProvisioned = basic(reg.charge_point_identity, reg.provisioning_password);

    // Accepted is not adopted: firmware may keep the old password (DESIGN.md §3).
    const pending = (await status(reg.charge_point_id)).body.password_rotation!;
    expect(pending.status).toBe('pending_adoption');
    const days = (Date.parse(pending.previous_password_valid_until!) - Date.parse(pending.at)) / 86_400_000;
    expect(days).toBe(7);
    const view = await api<{ password_rotation: Rotation | null }>('GET', `/api/v1/operator/charge-points/${reg.charge_point_id}`, { token: rt.seed!.operatorApiKey });
    expect(view.body.password_rotation?.status).toBe('pending_adoption');
    await client.close({ force: true });
    // A charger that ignored the change still gets in with the provisioning password (grace path).
    expect(await upgradeStatus(url, { protocols: ['ocpp1.6'], authorization: asProvisioned })).toBe(101);
    expect((await status(reg.charge_point_id)).body.password_rotation?.status).toBe('pending_adoption');

    // The first connect with the new password makes it rotated and retires the old one.
    expect(await upgradeStatus(url, { protocols: ['ocpp1.6'], authorization: basic(reg.charge_point_identity, newPassword) })).toBe(101);
    const done = (await status(reg.charge_point_id)).body.password_rotation!;
    expect(done).toMatchObject({ status: 'rotated', previous_password_valid_until: null });
    expect((await api<{ password_rotation: Rotation | null }>('GET', `/api/v1/operator/charge-points/${reg.charge_point_id}`, { token: rt.seed!.operatorApiKey })).body.password_rotation?.status).toBe('rotated');
    expect(await upgradeStatus(url, { protocols: ['ocpp1.6'], authorization: asProvisioned })).toBe(401);
  }, 30_000);

  it('stops accepting the provisioning password when the grace period ends unused, and says how to re-provision', async () => {
    const reg = await register('ocpp2.0.1');
    const { client } = await commissioned('ocpp2.0.1', reg);
    await client.close({ force: true });
    // Time passes: the grace period (7 days by default) ends without the new password being used.
    await documentClient().send(
      new UpdateCommand({
        TableName: rt.tableName,
        Key: keys.chargePoint(reg.charge_point_id),
        UpdateExpression: 'SET credentials.previousValidUntil = :past',
        ExpressionAttributeValues: { ':past': new Date(Date.now() - 1000).toISOString() },
      }),
    );
    const url = `${rt.ocppUrl}/${reg.charge_point_identity}`;
    expect(await upgradeStatus(url, { protocols: ['ocpp2.0.1'], authorization: basic(reg.charge_point_identity, reg.provisioning_password) })).toBe(401);
    const expired = (await status(reg.charge_point_id)).body.password_rotation!;
    expect(expired.status).toBe('expired');
    expect(expired.detail).toContain('"reprovision": true');

    const re = await api<{ provisioning_password: string }>('POST', `/api/v1/installer/projects/${rt.seed!.projectId}/charge-points`, {
      token,
      body: { serial_number: reg.charge_point_identity, ocpp_protocol: 'ocpp2.0.1', reprovision: true },
    });
    expect(re.status).toBe(201);
    expect(await upgradeStatus(url, { protocols: ['ocpp2.0.1'], authorization: basic(reg.charge_point_identity, re.body.provisioning_password) })).toBe(101);
  }, 30_000);

  it('does not store a 2.0.1 password whose SetVariables attributeStatus is Rejected (the response has no top-level status)', async () => {
    const reg = await register('ocpp2.0.1');
    await commissioned('ocpp2.0.1', reg, { attributeStatus: 'Rejected' });
    const rotation = (await status(reg.charge_point_id)).body.password_rotation!;
    expect(rotation).toMatchObject({ status: 'refused', detail: expect.stringContaining('Rejected') });
    expect((await getChargePoint(reg.charge_point_id, true))?.credentials).toMatchObject({ kind: 'provisioning' });
    expect(await upgradeStatus(`${rt.ocppUrl}/${reg.charge_point_identity}`, { protocols: ['ocpp2.0.1'], authorization: basic(reg.charge_point_identity, reg.provisioning_password) })).toBe(101);
  }, 30_000);

  it('reads a firmware version missing from a 1.6 BootNotification from the configuration (GetConfiguration)', async () => {
    const reg = await register('ocpp1.6');
    const { firmwareVersion: _omitted, ...boot } = BOOT['ocpp1.6'];
    const client = await aConnectedClient(rt, { identity: reg.charge_point_identity, password: reg.provisioning_password, protocol: 'ocpp1.6' });
    clients.push(client);
    client.handle('TriggerMessage', async ({ params }) => {
      const what = (params as { requestedMessage: string }).requestedMessage;
      setImmediate(() => client.call(what === 'Heartbeat' ? 'Heartbeat' : 'BootNotification', what === 'Heartbeat' ? {} : boot).catch(() => undefined));
      return { status: 'Accepted' };
    });
    client.handle('GetConfiguration', async () => ({
      configurationKey: [
        { key: 'HeartbeatInterval', readonly: false, value: '300' },
        { key: 'FirmwareUpdateRetries', readonly: false, value: '3' },
        { key: 'FwVersion', readonly: true, value: 'V4.5.6' },
      ],
    }));
    client.handle('ChangeConfiguration', async () => ({ status: 'Accepted' }));
    await client.call('BootNotification', boot);
    expect((await api('POST', `/api/v1/installer/charge-points/${reg.charge_point_id}/commissioning`, { token })).status).toBe(202);
    await vi.waitFor(async () => expect((await status(reg.charge_point_id)).body.status).toBe('completed'), { timeout: 15_000, interval: 200 });
    expect((await status(reg.charge_point_id)).body.checks.find((c) => c.name === 'firmware_version')).toMatchObject({
      status: 'passed',
      detail: 'Firmware V4.5.6 (read with GetConfiguration key FwVersion)',
    });
    const view = await api<{ firmware_version: string | null; firmware_version_source: string | null }>('GET', `/api/v1/operator/charge-points/${reg.charge_point_id}`, { token: rt.seed!.operatorApiKey });
    expect(view.body).toMatchObject({ firmware_version: 'V4.5.6', firmware_version_source: 'read with GetConfiguration key FwVersion' });
    // A version the charge point reports is not overwritten by hand.
    const byHand = await api<{ field: string }>('PUT', `/api/v1/installer/charge-points/${reg.charge_point_id}/firmware-version`, { token, body: { version: '1.0', reason: 'sticker' } });
    expect(byHand.status).toBe(409);
    expect(byHand.body.field).toBe('version');
  }, 30_000);

  it('says exactly what is missing when nothing reports the 2.0.1 firmware version, and completes once the installer records it with a reason', async () => {
    const reg = await register('ocpp2.0.1');
    const { firmwareVersion: _omitted, ...station } = BOOT['ocpp2.0.1'].chargingStation;
    const boot = { reason: 'PowerUp', chargingStation: station };
    const client = await aConnectedClient(rt, { identity: reg.charge_point_identity, password: reg.provisioning_password, protocol: 'ocpp2.0.1' });
    clients.push(client);
    const asked: string[] = [];
    client.handle('TriggerMessage', async ({ params }) => {
      const what = (params as { requestedMessage: string }).requestedMessage;
      setImmediate(() => client.call(what === 'Heartbeat' ? 'Heartbeat' : 'BootNotification', what === 'Heartbeat' ? {} : boot).catch(() => undefined));
      return { status: 'Accepted' };
    });
    client.handle('GetVariables', async ({ params }) => {
      const data = (params as { getVariableData: Array<{ component: { name: string }; variable: { name: string } }> }).getVariableData;
      asked.push(...data.map((d) => `${d.component.name}.${d.variable.name}`));
      return { getVariableResult: data.map((d) => ({ attributeStatus: 'UnknownVariable', component: d.component, variable: d.variable })) };
    });
    client.handle('SetVariables', async ({ params }) => {
      const data = (params as { setVariableData: Array<{ component: { name: string }; variable: { name: string } }> }).setVariableData;
      return { setVariableResult: data.map((d) => ({ attributeStatus: 'Accepted', component: d.component, variable: d.variable })) };
    });
    await client.call('BootNotification', boot);
    expect((await api('POST', `/api/v1/installer/charge-points/${reg.charge_point_id}/commissioning`, { token })).status).toBe(202);
    // The time is up (5 s here) and the check names what is missing and how to record it.
    await vi.waitFor(async () => expect((await status(reg.charge_point_id)).body.status).toBe('failed'), { timeout: 15_000, interval: 200 });
    expect(asked).toEqual(['Controller.FirmwareVersion']);
    const failed = (await status(reg.charge_point_id)).body.checks.find((c) => c.name === 'firmware_version')!;
    expect(failed.status).toBe('failed');
    expect(failed.detail).toContain('firmware_version: missing');
    expect(failed.detail).toContain(`PUT /api/v1/installer/charge-points/${reg.charge_point_id}/firmware-version`);

    const path = `/api/v1/installer/charge-points/${reg.charge_point_id}/firmware-version`;
    const bad = await api<{ errors: Array<{ field: string }> }>('PUT', path, { token, body: { version: '3.1.4' } });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toBe('application/problem+json');
    expect(bad.body.errors.map((e) => e.field)).toEqual(['reason']);
    expect((await api('PUT', path, { token, body: { version: '3.1.4', reason: 'Read from the charger display' } })).status).toBe(200);

    expect((await api('POST', `/api/v1/installer/charge-points/${reg.charge_point_id}/commissioning`, { token })).status).toBe(202);
    await vi.waitFor(async () => expect((await status(reg.charge_point_id)).body.status).toBe('completed'), { timeout: 15_000, interval: 200 });
    expect((await status(reg.charge_point_id)).body.checks.find((c) => c.name === 'firmware_version')).toMatchObject({
      status: 'passed',
      detail: 'Firmware 3.1.4 (recorded by installer: Read from the charger display)',
    });
  }, 40_000);

  it('refuses to register a commissioned serial again (409, naming the way out) and re-provisions only on request', async () => {
    const serial = aSerial('AGAIN');
    const first = await register('ocpp1.6', serial);
    await commissioned('ocpp1.6', first);
    const url = `${rt.ocppUrl}/${first.charge_point_identity}`;

    const again = await api<{ field: string; detail: string; commissioning_status: string }>('POST', `/api/v1/installer/projects/${rt.seed!.projectId}/charge-points`, {
      token,
      body: { serial_number: serial, ocpp_protocol: 'ocpp2.0.1' },
    });
    expect(again.status).toBe(409);
    expect(again.headers.get('content-type')).toBe('application/problem+json');
    expect(again.body).toMatchObject({ field: 'serial_number', commissioning_status: 'completed', detail: expect.stringContaining('"reprovision": true') });
    // Nothing changed: still completed, still 1.6, and the charger's password still works.
    expect((await status(first.charge_point_id)).body.status).toBe('completed');
    expect((await getChargePoint(first.charge_point_id, true))?.protocol).toBe('ocpp1.6');

    const re = await api<{ charge_point_id: string; provisioning_password: string; commissioning_status: string; commissioning_reset: boolean }>(
      'POST',
      `/api/v1/installer/projects/${rt.seed!.projectId}/charge-points`,
      { token, body: { serial_number: serial, ocpp_protocol: 'ocpp1.6', reprovision: true } },
    );
    expect(re.status).toBe(201);
    expect(re.body).toMatchObject({ charge_point_id: first.charge_point_id, commissioning_status: 'pending', commissioning_reset: true });
    expect((await status(first.charge_point_id)).body.status).toBe('pending');
    expect(await upgradeStatus(url, { protocols: ['ocpp1.6'], authorization: basic(first.charge_point_identity, first.provisioning_password) })).toBe(401);
    expect(await upgradeStatus(url, { protocols: ['ocpp1.6'], authorization: basic(first.charge_point_identity, re.body.provisioning_password) })).toBe(101);
  }, 30_000);

  it('answers a retry with the same Idempotency-Key with the same working password, and lets one of concurrent registrations win', async () => {
    const path = `/api/v1/installer/projects/${rt.seed!.projectId}/charge-points`;
    type Reg = { charge_point_id: string; charge_point_identity: string; provisioning_password: string };

    // Five concurrent calls with one key (a double-click, a client retry): one registration, one password.
    const serial = aSerial('IDEM');
    const key = randomUUID();
    const same = await Promise.all(Array.from({ length: 5 }, () => api<Reg>('POST', path, { token, body: { serial_number: serial, ocpp_protocol: 'ocpp1.6' }, headers: { 'idempotency-key': key } })));
    expect(same.map((r) => r.status)).toEqual([201, 201, 201, 201, 201]);
    expect(new Set(same.map((r) => r.body.provisioning_password)).size).toBe(1);
    expect(new Set(same.map((r) => r.body.charge_point_id)).size).toBe(1);
    expect(same.filter((r) => r.headers.get('idempotent-replayed') === 'true')).toHaveLength(4);
    const reg = same[0]!.body;
    expect(await upgradeStatus(`${rt.ocppUrl}/${reg.charge_point_identity}`, { protocols: ['ocpp1.6'], authorization: basic(reg.charge_point_identity, reg.provisioning_password) })).toBe(101);
    // A later retry still gets it; the same key for another request is refused, naming the header.
    const later = await api<Reg>('POST', path, { token, body: { serial_number: serial, ocpp_protocol: 'ocpp1.6' }, headers: { 'idempotency-key': key } });
    expect(later.body.provisioning_password).toBe(reg.provisioning_password);
    const misuse = await api<{ errors: Array<{ field: string }> }>('POST', path, { token, body: { serial_number: aSerial('IDEM'), ocpp_protocol: 'ocpp1.6' }, headers: { 'idempotency-key': key } });
    expect(misuse.status).toBe(400);
    expect(misuse.body.errors[0]?.field).toBe('Idempotency-Key');

    // Five concurrent calls without a key: exactly one is answered with a password, and it works.
    const other = aSerial('RACE');
    const raced = await Promise.all(Array.from({ length: 5 }, () => api<Reg & { field?: string }>('POST', path, { token, body: { serial_number: other, ocpp_protocol: 'ocpp2.0.1' } })));
    expect(raced.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409]);
    const winner = raced.find((r) => r.status === 201)!.body;
    expect(raced.filter((r) => r.status === 409).every((r) => r.body.field === 'serial_number')).toBe(true);
    expect(await upgradeStatus(`${rt.ocppUrl}/${winner.charge_point_identity}`, { protocols: ['ocpp2.0.1'], authorization: basic(winner.charge_point_identity, winner.provisioning_password) })).toBe(101);
  }, 30_000);

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
