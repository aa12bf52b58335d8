// The job domain behind the installer job page (issue #14): the status keeps operator-set states
// across disconnection, activation (with ChangeAvailability Operative when the charger reports
// Unavailable), completing a job (job.completed, a signed webhook, once), and the remote actions
// with every outcome. Real handlers through the local runtime, strict ocpp-rpc charge points.
import type { RPCClient } from 'ocpp-rpc';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LocalRuntime } from '../../local/runtime';
import { getChargePoint, type ChargePoint } from '../../lib/db/charge-points';
import { getProjectWithState } from '../../lib/db/projects';
import { registerChargePoint, type RegisteredChargePoint } from '../../lib/domain/charge-points';
import { viewChargePoint } from '../../lib/domain/charge-point-view';
import { completeJob, jobStatusOf } from '../../lib/domain/jobs';
import { lastRemoteAction, offeredActions, runRemoteAction } from '../../lib/domain/remote-actions';
import { Conflict } from '../../lib/domain/errors';
import { createProject } from '../../lib/domain/operator-setup';
import type { OcppVersion } from '../../lib/ocpp/versions';
import { apiClient } from './support/api';
import { aWebhookReceiver, type WebhookReceiver } from './support/webhooks';
import { aCommissionedChargePoint, aConnectedClient, aRegisteredChargePoint, aSerial, BOOT, markCommissioned } from './support/ocpp';
import { startTestRuntime } from './support/runtime';

let rt: LocalRuntime;
let api: ReturnType<typeof apiClient>;
const clients: RPCClient[] = [];
let hooks: WebhookReceiver;

beforeAll(async () => {
  rt = await startTestRuntime();
  api = apiClient(rt);
  hooks = await aWebhookReceiver(api, rt.seed!.operatorApiKey, ['job.completed'], '/hooks');
});
afterAll(async () => {
  for (const c of clients) await c.close({ force: true }).catch(() => undefined);
  await rt?.stop();
  await hooks?.close();
});

const op = () => ({ token: rt.seed!.operatorApiKey });
const operator = () => ({ kind: 'operator' as const, operatorId: rt.seed!.operatorId });
const load = async (id: string): Promise<ChargePoint> => (await getChargePoint(id, true))!;
const statusOf = async (id: string) => (await viewChargePoint(await load(id))).status;

/** A job of its own, so completing it touches nothing else in this file. */
async function aJob(): Promise<string> {
  const s = rt.seed!;
  const p = await createProject(s.operatorId, { teamId: s.teamId, siteId: s.siteId, jobNumber: `JOB-${aSerial('J')}`, name: 'Car park', description: 'Two wallboxes', instructions: 'Level -1' });
  return p.projectId;
}

/** A commissioned charge point, connected and booted Accepted, reporting `status` on every connector. */
async function aBootedCharger(protocol: OcppVersion, opts: { projectId?: string; status?: string; connectors?: number } = {}) {
  const connectors = opts.connectors ?? 1;
  const reg: RegisteredChargePoint = opts.projectId
    ? await registerChargePoint({ projectId: opts.projectId, serialNumber: aSerial(), protocol, connectorCount: connectors })
    : await aCommissionedChargePoint(rt, { protocol, connectorCount: connectors });
  if (opts.projectId) await markCommissioned(reg.chargePoint.chargePointId);
  const client = await aConnectedClient(rt, { identity: reg.identity, password: reg.provisioningPassword, protocol });
  clients.push(client);
  expect(((await client.call('BootNotification', BOOT[protocol])) as { status: string }).status).toBe('Accepted');
  const report = (connector: number, status: string) =>
    protocol === 'ocpp1.6'
      ? client.call('StatusNotification', { connectorId: connector, errorCode: 'NoError', status })
      : client.call('StatusNotification', { timestamp: new Date().toISOString(), connectorStatus: status, evseId: connector, connectorId: connector === 0 ? 0 : 1 });
  for (let c = 1; c <= connectors; c += 1) await report(c, opts.status ?? 'Available');
  return { reg, id: reg.chargePoint.chargePointId, client, report };
}

describe('status: operator-set states outlive the connection, live states go stale', () => {
  it('shows disconnected (maintenance) for a charger that went offline Unavailable, and plain disconnected for one that was available', async () => {
    const down = await aBootedCharger('ocpp1.6', { status: 'Unavailable' });
    const up = await aBootedCharger('ocpp1.6', { status: 'Available' });
    await api('POST', `/api/v1/operator/charge-points/${up.id}/activate`, op());
    expect(await statusOf(down.id)).toBe('connected (maintenance)');
    expect(await statusOf(up.id)).toBe('connected (available)');

    await down.client.close({ force: true });
    await up.client.close({ force: true });

    await vi.waitFor(async () => expect(await statusOf(down.id)).toBe('disconnected (maintenance)'));
    await vi.waitFor(async () => expect(await statusOf(up.id)).toBe('disconnected'));
  });

  it('keeps a charge point that is not activated yet inactive, connected or not', async () => {
    const reg = await aRegisteredChargePoint(rt, { protocol: 'ocpp1.6' });
    const view = await viewChargePoint(reg.chargePoint);

    expect(view).toMatchObject({ status: 'pending (inactive)', active: false, validation_message: null, charge_point_state: 'inactive' });
  });

  it('shows the validation message in place of the status in the operator API', async () => {
    const other = await aRegisteredChargePoint(rt, { protocol: 'ocpp1.6' });
    const planned = await api<{ status: string; validation_message: string | null; active: boolean }>('POST', `/api/v1/operator/projects/${rt.seed!.projectId}/charge-points`, {
      ...op(),
      body: { connector_count: 1 },
    });
    expect(planned.body).toMatchObject({ status: 'No serial', validation_message: 'No serial', active: false });

    // The operator API shows the same view as the installer's, so the planned charge point reads the same everywhere.
    const shown = await api<{ status: string; validation_message: string | null }>('GET', `/api/v1/operator/charge-points/${other.chargePoint.chargePointId}`, op());
    expect(shown.body).toMatchObject({ status: 'pending (inactive)', validation_message: null });
  });
});

describe('activation', () => {
  it.each([
    ['ocpp1.6', { connectorId: 0, type: 'Operative' }],
    ['ocpp2.0.1', { operationalStatus: 'Operative' }],
  ] as const)('activates a %s charger and asks it to become Operative when it reports Unavailable', async (protocol, expected) => {
    const cp = await aBootedCharger(protocol, { status: 'Unavailable' });
    const asked: unknown[] = [];
    cp.client.handle('ChangeAvailability', async ({ params }) => {
      asked.push(params);
      setImmediate(() => void cp.report(1, 'Available').catch(() => undefined));
      return { status: 'Accepted' };
    });

    const res = await api<{ active: boolean; status: string }>('POST', `/api/v1/operator/charge-points/${cp.id}/activate`, op());

    expect(res.status).toBe(200);
    expect(res.body.active).toBe(true);
    expect(asked).toEqual([expected]);
    await vi.waitFor(async () => expect(await statusOf(cp.id)).toBe('connected (available)'));
    expect((await load(cp.id)).activatedBy).toBe('by the operator');
  });

  it('sends nothing to a charger that is available, and activating twice changes nothing', async () => {
    const cp = await aBootedCharger('ocpp1.6');
    let asked = 0;
    cp.client.handle('ChangeAvailability', async () => {
      asked += 1;
      return { status: 'Accepted' };
    });
    expect(await statusOf(cp.id)).toBe('connected (inactive)');

    const first = await api<{ active: boolean; status: string }>('POST', `/api/v1/operator/charge-points/${cp.id}/activate`, op());
    const activatedAt = (await load(cp.id)).activatedAt;
    const second = await api<{ active: boolean }>('POST', `/api/v1/operator/charge-points/${cp.id}/activate`, op());

    expect(first.body).toMatchObject({ active: true, status: 'connected (available)' });
    expect(second.body.active).toBe(true);
    expect((await load(cp.id)).activatedAt).toBe(activatedAt);
    expect(asked).toBe(0);
  });

  it('answers 404 for another operator\'s or an unknown charge point', async () => {
    expect((await api('POST', '/api/v1/operator/charge-points/cp_nope/activate', op())).status).toBe(404);
  });
});

describe('completing a job', () => {
  const eventsOf = (projectId: string) =>
    hooks.received
      .map((r) => new Webhook(hooks.secret).verify(r.body, r.headers) as { type: string; data: { project_id: string; activate_all: boolean; activated_charge_point_ids: string[]; charge_point_ids: string[]; completed_by: string } })
      .filter((e) => e.type === 'job.completed' && e.data.project_id === projectId);

  it('activates every inactive charge point (Operative where Unavailable) and publishes job.completed once, however often it is pressed', async () => {
    const projectId = await aJob();
    const offline = await registerChargePoint({ projectId, serialNumber: aSerial(), protocol: 'ocpp2.0.1', connectorCount: 1 });
    const down = await aBootedCharger('ocpp1.6', { projectId, status: 'Unavailable' });
    const asked: unknown[] = [];
    down.client.handle('ChangeAvailability', async ({ params }) => {
      asked.push(params);
      return { status: 'Accepted' };
    });
    expect(jobStatusOf((await getProjectWithState(projectId))!, [await load(down.id)])).toBe('in_progress');
    const actor = { kind: 'public_link' as const, linkId: 'lnk_test' };

    await Promise.all([completeJob(projectId, { activateAll: true, actor }), completeJob(projectId, { activateAll: true, actor })]);
    await completeJob(projectId, { activateAll: true, actor });

    expect((await load(offline.chargePoint.chargePointId)).active).toBe(true);
    expect((await load(down.id)).active).toBe(true);
    expect(asked).toEqual([{ connectorId: 0, type: 'Operative' }]);
    const project = (await getProjectWithState(projectId))!;
    expect(project).toMatchObject({ completedBy: 'via public link lnk_test' });
    expect(jobStatusOf(project)).toBe('completed');
    await rt.drain();
    await vi.waitFor(() => expect(eventsOf(projectId)).toHaveLength(1));
    expect(eventsOf(projectId)[0]!.data).toMatchObject({
      activate_all: true,
      completed_by: 'via public link lnk_test',
      activated_charge_point_ids: expect.arrayContaining([offline.chargePoint.chargePointId, down.id]),
      charge_point_ids: expect.arrayContaining([offline.chargePoint.chargePointId, down.id]),
    });
    await rt.drain();
    expect(eventsOf(projectId)).toHaveLength(1);
  });

  it('leaves the charge points inactive when "Activate all" is unchecked, until the operator activates them', async () => {
    const projectId = await aJob();
    const cp = await registerChargePoint({ projectId, serialNumber: aSerial(), protocol: 'ocpp1.6', connectorCount: 1 });
    expect(jobStatusOf((await getProjectWithState(projectId))!, [cp.chargePoint])).toBe('open');

    await completeJob(projectId, { activateAll: false, actor: operator() });

    expect((await load(cp.chargePoint.chargePointId)).active).toBe(false);
    await rt.drain();
    await vi.waitFor(() => expect(eventsOf(projectId)).toHaveLength(1));
    expect(eventsOf(projectId)[0]!.data).toMatchObject({ activate_all: false, activated_charge_point_ids: [], charge_point_ids: [cp.chargePoint.chargePointId] });
    await api('POST', `/api/v1/operator/charge-points/${cp.chargePoint.chargePointId}/activate`, op());
    expect((await load(cp.chargePoint.chargePointId)).active).toBe(true);
  });
});

describe('remote actions', () => {
  const run = (id: string, action: string) => api<{ action: string; outcome: string; detail: string; at: string }>('POST', `/api/v1/operator/charge-points/${id}/actions`, { ...op(), body: { action } });
  /** The job page's start: the installer's test charge (the operator's start names a driver: remote-actions.test.ts). */
  const startTest = async (id: string) => ({ body: await runRemoteAction(await load(id), { action: 'start', installerTest: true }, { kind: 'public_link', linkId: 'lnk_test' }) });
  const offered = async (id: string) => {
    const cp = await load(id);
    return offeredActions(cp, await viewChargePoint(cp));
  };

  it('starts and stops a 1.6 test charge, offering Stop only while the session runs', async () => {
    const cp = await aBootedCharger('ocpp1.6', { connectors: 2 });
    const sent: Array<{ method: string; params: unknown }> = [];
    cp.client.handle('RemoteStartTransaction', async ({ params }) => {
      sent.push({ method: 'RemoteStartTransaction', params });
      return { status: 'Accepted' };
    });
    cp.client.handle('RemoteStopTransaction', async ({ params }) => {
      sent.push({ method: 'RemoteStopTransaction', params });
      return { status: 'Accepted' };
    });
    expect(await offered(cp.id)).toEqual({ start: true, stop: false, unlock: true, reboot: true });

    const start = await startTest(cp.id);
    expect(start.body).toMatchObject({ action: 'start', outcome: 'accepted' });
    expect(sent[0]).toEqual({ method: 'RemoteStartTransaction', params: { idTag: 'INSTALLER-TEST', connectorId: 1 } });
    const tx = (await cp.client.call('StartTransaction', { connectorId: 1, idTag: 'INSTALLER-TEST', meterStart: 0, timestamp: new Date().toISOString() })) as { transactionId: number };
    await cp.report(1, 'Charging');
    expect(await offered(cp.id)).toEqual({ start: false, stop: true, unlock: true, reboot: true });
    expect(await statusOf(cp.id)).toBe('connected (busy-charging)');

    expect((await run(cp.id, 'stop')).body).toMatchObject({ action: 'stop', outcome: 'accepted' });
    expect(sent[1]).toEqual({ method: 'RemoteStopTransaction', params: { transactionId: tx.transactionId } });
    await cp.client.call('StopTransaction', { transactionId: tx.transactionId, meterStop: 10, timestamp: new Date().toISOString(), reason: 'Remote' });
    await cp.report(1, 'Available');
    expect(await offered(cp.id)).toEqual({ start: true, stop: false, unlock: true, reboot: true });
    expect((await run(cp.id, 'stop')).status).toBe(409);
  });

  it('starts and stops a 2.0.1 test charge with a Central idToken on the free EVSE', async () => {
    const cp = await aBootedCharger('ocpp2.0.1');
    const sent: Array<{ method: string; params: Record<string, unknown> }> = [];
    cp.client.handle('RequestStartTransaction', async ({ params }) => {
      sent.push({ method: 'RequestStartTransaction', params: params as Record<string, unknown> });
      return { status: 'Accepted' };
    });
    cp.client.handle('RequestStopTransaction', async ({ params }) => {
      sent.push({ method: 'RequestStopTransaction', params: params as Record<string, unknown> });
      return { status: 'Rejected' };
    });

    expect((await startTest(cp.id)).body.outcome).toBe('accepted');
    expect(sent[0]!.params).toMatchObject({ idToken: { idToken: 'INSTALLER-TEST', type: 'Central' }, evseId: 1, remoteStartId: expect.any(Number) });
    const transactionId = `T-${Date.now()}`;
    await cp.client.call('TransactionEvent', {
      eventType: 'Started',
      timestamp: new Date().toISOString(),
      triggerReason: 'RemoteStart',
      seqNo: 0,
      transactionInfo: { transactionId, chargingState: 'Charging', remoteStartId: sent[0]!.params.remoteStartId },
      evse: { id: 1, connectorId: 1 },
    });
    expect((await offered(cp.id)).stop).toBe(true);

    const stop = await run(cp.id, 'stop');
    expect(stop.body).toMatchObject({ action: 'stop', outcome: 'rejected', detail: expect.stringContaining('Rejected') });
    expect(sent[1]!.params).toEqual({ transactionId });
  });

  it('unlocks and reboots, and reports a refusal as rejected', async () => {
    const cp = await aBootedCharger('ocpp1.6');
    const sent: Array<{ method: string; params: unknown }> = [];
    cp.client.handle('UnlockConnector', async ({ params }) => {
      sent.push({ method: 'UnlockConnector', params });
      return { status: 'UnlockFailed' };
    });
    cp.client.handle('Reset', async ({ params }) => {
      sent.push({ method: 'Reset', params });
      return { status: 'Accepted' };
    });

    expect((await run(cp.id, 'unlock')).body).toMatchObject({ outcome: 'rejected', detail: expect.stringContaining('UnlockFailed') });
    expect((await run(cp.id, 'reboot')).body).toMatchObject({ outcome: 'accepted' });

    expect(sent).toEqual([
      { method: 'UnlockConnector', params: { connectorId: 1 } },
      { method: 'Reset', params: { type: 'Soft' } },
    ]);
  });

  it('keeps the last outcome on the charge point, with who asked, so a reload shows it', async () => {
    const cp = await aBootedCharger('ocpp2.0.1');
    cp.client.handle('Reset', async () => ({ status: 'Accepted' }));

    const result = await runRemoteAction(await load(cp.id), { action: 'reboot' }, { kind: 'public_link', linkId: 'lnk_reload' });

    expect(lastRemoteAction(await load(cp.id))).toEqual(result);
    expect((await load(cp.id)).lastAction?.by).toBe('via public link lnk_reload');
    const log = await api<{ entries: Array<{ kind: string; detail?: { by?: string; outcome?: string } }> }>('GET', `/api/v1/operator/charge-points/${cp.id}/logs`, op());
    expect(log.body.entries.find((e) => e.kind === 'remote_action')?.detail).toMatchObject({ by: 'via public link lnk_reload', outcome: 'accepted' });
  });

  it('says not_connected for a charger that is offline, and offers nothing', async () => {
    const reg = await aCommissionedChargePoint(rt, { protocol: 'ocpp1.6' });

    expect((await run(reg.chargePoint.chargePointId, 'reboot')).body).toMatchObject({ outcome: 'not_connected', detail: expect.stringContaining('not connected') });
    expect(await offered(reg.chargePoint.chargePointId)).toEqual({ start: false, stop: false, unlock: false, reboot: false });
  });

  it('says timed_out when the charger never answers', async () => {
    const cp = await aBootedCharger('ocpp1.6');
    cp.client.handle('Reset', () => new Promise(() => undefined));
    process.env.COMMAND_TIMEOUT_MS = '1500';
    try {
      expect((await run(cp.id, 'reboot')).body).toMatchObject({ outcome: 'timed_out' });
    } finally {
      delete process.env.COMMAND_TIMEOUT_MS;
    }
  });

  it('says error when the charger answers with a CALLERROR', async () => {
    const cp = await aBootedCharger('ocpp2.0.1');
    // A strict client without a handler answers NotImplemented.
    expect((await run(cp.id, 'unlock')).body).toMatchObject({ outcome: 'error', detail: expect.stringContaining('NotImplemented') });
  });

  it('refuses start to a station whose boot is Pending (OCPP 1.6 §4.2), and offers it nothing but unlock and reboot', async () => {
    const reg = await aRegisteredChargePoint(rt, { protocol: 'ocpp1.6' });
    const client = await aConnectedClient(rt, { identity: reg.identity, password: reg.provisioningPassword, protocol: 'ocpp1.6' });
    clients.push(client);
    expect(((await client.call('BootNotification', BOOT['ocpp1.6'])) as { status: string }).status).toBe('Pending');

    await expect(startTest(reg.chargePoint.chargePointId)).rejects.toBeInstanceOf(Conflict);
    expect(await offered(reg.chargePoint.chargePointId)).toMatchObject({ start: false, stop: false });
  });

  it('answers 400 naming the field for an unknown action', async () => {
    const reg = await aRegisteredChargePoint(rt, { protocol: 'ocpp1.6' });
    const res = await run(reg.chargePoint.chargePointId, 'explode');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ errors: [expect.objectContaining({ field: 'action' })] });
  });
});
