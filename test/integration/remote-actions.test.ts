// The operator's remote actions (issue #15): start for a driver with a payment method and a price
// group, stop (billed), force stop (payment dropped, with fallbacks), unlock, reboot soft/hard and
// check, in both OCPP versions, with their failure paths (offline, refuses, never answers). Real
// handlers through the local runtime, strict ocpp-rpc charge points.
import type { RPCClient } from 'ocpp-rpc';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LocalRuntime } from '../../local/runtime';
import { putPriceGroup } from '../../lib/db/price-groups';
import { getSession } from '../../lib/domain/sessions';
import type { OcppVersion } from '../../lib/ocpp/versions';
import { apiClient } from './support/api';
import { aCommissionedChargePoint, aConnectedClient, BOOT } from './support/ocpp';
import { startTestRuntime } from './support/runtime';

let rt: LocalRuntime;
let api: ReturnType<typeof apiClient>;
const clients: RPCClient[] = [];
let priceGroupId: string;

beforeAll(async () => {
  rt = await startTestRuntime();
  api = apiClient(rt);
  priceGroupId = `pg_actions_${Date.now().toString(36)}`;
  const at = new Date().toISOString();
  // 0.30 EUR/kWh net, 21 % VAT: 10 kWh costs 300 + 63 = 363 minor units.
  await putPriceGroup({ priceGroupId, operatorId: rt.seed!.operatorId, name: 'Standard', currency: 'EUR', pricePerKwhMinor: 30, vatRateBasisPoints: 2100, createdAt: at, updatedAt: at });
});
afterAll(async () => {
  for (const c of clients) await c.close({ force: true }).catch(() => undefined);
  await rt?.stop();
});
afterEach(() => {
  delete process.env.COMMAND_TIMEOUT_MS;
  delete process.env.FORCE_STOP_WAIT_MS;
});

interface ActionBody {
  action: string;
  outcome: string;
  detail: string;
  connector?: number;
  session_id?: string;
  charger_stopped?: boolean;
  steps?: Array<{ step: string; outcome: string; detail: string }>;
  check?: {
    connectivity: { connected: boolean; heartbeat: string };
    firmware: { version: string | null };
    connectors: Array<{ connector: number; status: string; error_code: string | null; fresh: boolean }>;
    last_error: { code: string; source: string } | null;
  };
  errors?: Array<{ field: string }>;
}
const act = (id: string, body: Record<string, unknown>) => api<ActionBody>('POST', `/api/v1/operator/charge-points/${id}/actions`, { token: rt.seed!.operatorApiKey, body });
const now = () => new Date().toISOString();

/** A commissioned charger, connected and booted Accepted, every connector reporting `status`; records every CALL it gets. */
async function aCharger(protocol: OcppVersion, opts: { connectors?: number; status?: string } = {}) {
  const connectors = opts.connectors ?? 1;
  const reg = await aCommissionedChargePoint(rt, { protocol, connectorCount: connectors });
  const client = await aConnectedClient(rt, { identity: reg.identity, password: reg.provisioningPassword, protocol });
  clients.push(client);
  expect(((await client.call('BootNotification', BOOT[protocol])) as { status: string }).status).toBe('Accepted');
  const report = (connector: number, status: string, errorCode = 'NoError') =>
    protocol === 'ocpp1.6'
      ? client.call('StatusNotification', { connectorId: connector, errorCode, status })
      : client.call('StatusNotification', { timestamp: now(), connectorStatus: status, evseId: connector, connectorId: 1 });
  for (let c = 1; c <= connectors; c += 1) await report(c, opts.status ?? 'Available');
  const sent: Array<{ method: string; params: Record<string, unknown> }> = [];
  const answer = (method: string, reply: (params: Record<string, unknown>) => unknown) =>
    client.handle(method, async ({ params }) => {
      sent.push({ method, params: params as Record<string, unknown> });
      return (await reply(params as Record<string, unknown>)) as Record<string, unknown>;
    });
  return { id: reg.chargePoint.chargePointId, identity: reg.identity, client, report, sent, answer };
}
type Charger = Awaited<ReturnType<typeof aCharger>>;

/** The charger starts the transaction it was asked to (1.6 StartTransaction / 2.0.1 TransactionEvent Started) and returns its id. */
async function chargerStarts(cp: Charger, protocol: OcppVersion, connector: number, idToken: string, remoteStartId?: unknown): Promise<string> {
  if (protocol === 'ocpp1.6') {
    const r = (await cp.client.call('StartTransaction', { connectorId: connector, idTag: idToken, meterStart: 1000, timestamp: now() })) as { transactionId: number };
    return String(r.transactionId);
  }
  const transactionId = `T-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  await cp.client.call('TransactionEvent', {
    eventType: 'Started',
    timestamp: now(),
    triggerReason: 'RemoteStart',
    seqNo: 0,
    transactionInfo: { transactionId, chargingState: 'Charging', ...(remoteStartId !== undefined ? { remoteStartId } : {}) },
    evse: { id: connector, connectorId: 1 },
    idToken: { idToken, type: 'Central' },
    meterValue: [{ timestamp: now(), sampledValue: [{ value: 1000, measurand: 'Energy.Active.Import.Register', unitOfMeasure: { unit: 'Wh' } }] }],
  });
  return transactionId;
}

/** The charger ends it with 11 000 Wh on the register: 10 kWh charged. */
async function chargerStops(cp: Charger, protocol: OcppVersion, transactionId: string, connector = 1): Promise<void> {
  if (protocol === 'ocpp1.6') {
    await cp.client.call('StopTransaction', { transactionId: Number(transactionId), meterStop: 11_000, timestamp: now(), reason: 'Remote' });
    return;
  }
  await cp.client.call('TransactionEvent', {
    eventType: 'Ended',
    timestamp: now(),
    triggerReason: 'RemoteStop',
    seqNo: 1,
    transactionInfo: { transactionId, stoppedReason: 'Remote' },
    evse: { id: connector, connectorId: 1 },
    meterValue: [{ timestamp: now(), sampledValue: [{ value: 11_000, measurand: 'Energy.Active.Import.Register', unitOfMeasure: { unit: 'Wh' } }] }],
  });
}

const START = { 'ocpp1.6': 'RemoteStartTransaction', 'ocpp2.0.1': 'RequestStartTransaction' } as const;
const STOP = { 'ocpp1.6': 'RemoteStopTransaction', 'ocpp2.0.1': 'RequestStopTransaction' } as const;
const aDriverStart = { action: 'start', user_id: 'drv_ana', id_token: 'ANA-CARD-1', payment_method: 'user' } as const;

/** A driver's session running on connector 1, started through the API; the charger answers stops with `stopAnswer`. */
async function aRunningSession(protocol: OcppVersion, stopAnswer: (params: Record<string, unknown>) => unknown) {
  const cp = await aCharger(protocol);
  cp.answer(START[protocol], () => ({ status: 'Accepted' }));
  cp.answer(STOP[protocol], stopAnswer);
  expect((await act(cp.id, { ...aDriverStart, price_group_id: priceGroupId })).body.outcome).toBe('accepted');
  const transactionId = await chargerStarts(cp, protocol, 1, 'ANA-CARD-1', cp.sent[0]!.params.remoteStartId);
  return { cp, transactionId };
}

const session = (id: string) => getSession(rt.seed!.operatorId, id);

describe.each(['ocpp1.6', 'ocpp2.0.1'] as const)('%s', (protocol) => {
  it('starts a charge for a driver with a payment method and price group, and a stop bills it', async () => {
    const cp = await aCharger(protocol);
    let transactionId = '';
    // The charger starts the transaction before it answers: the intent must already be recorded.
    cp.answer(START[protocol], async (params) => {
      setImmediate(() => void chargerStarts(cp, protocol, 1, 'ANA-CARD-1', params.remoteStartId).then((t) => (transactionId = t)));
      return { status: 'Accepted' };
    });
    cp.answer(STOP[protocol], () => ({ status: 'Accepted' }));

    const started = await act(cp.id, { ...aDriverStart, price_group_id: priceGroupId });

    expect(started.status).toBe(200);
    expect(started.body).toMatchObject({ action: 'start', outcome: 'accepted', connector: 1 });
    expect(cp.sent[0]!.params).toMatchObject(protocol === 'ocpp1.6' ? { idTag: 'ANA-CARD-1', connectorId: 1 } : { idToken: { idToken: 'ANA-CARD-1', type: 'Central' }, evseId: 1 });
    await vi.waitFor(() => expect(transactionId).not.toBe(''));

    const stopped = await act(cp.id, { action: 'stop' });
    expect(stopped.body).toMatchObject({ action: 'stop', outcome: 'accepted', connector: 1 });
    expect(cp.sent[1]).toEqual({ method: STOP[protocol], params: { transactionId: protocol === 'ocpp1.6' ? Number(transactionId) : transactionId } });
    await chargerStops(cp, protocol, transactionId);

    const billed = await session(stopped.body.session_id!);
    expect(billed).toMatchObject({ status: 'ended', user_id: 'drv_ana', payment_method: 'user', price_group_id: priceGroupId, start_source: 'remote', energy_wh: 10_000 });
    expect(billed.cost).toMatchObject({ currency: 'EUR', net_minor: 300, total_minor: 363 });
  });

  it('force stop drops the payment even when the charger ends the session itself', async () => {
    const { cp, transactionId } = await aRunningSession(protocol, (params) => {
      setImmediate(() => void chargerStops(cp, protocol, String(params.transactionId)));
      return { status: 'Accepted' };
    });

    const forced = await act(cp.id, { action: 'force_stop', reason: 'Driver charged on a blocked bay' });

    expect(forced.body).toMatchObject({ action: 'force_stop', outcome: 'accepted', charger_stopped: true });
    expect(cp.sent.map((s) => s.method)).toEqual([START[protocol], STOP[protocol]]);
    const dropped = await session(forced.body.session_id!);
    expect(dropped).toMatchObject({ status: 'force_stopped', ended_by: 'force_stop', force_stop: { by: 'by the operator', reason: 'Driver charged on a blocked bay' } });
    expect(dropped.cost).toMatchObject({ total_minor: 0 });
    expect(dropped.transaction_id).toBe(transactionId);
  });

  it('force stop of a charger that refuses: closed on our side, connector made Unavailable, reset when it says a transaction still runs', async () => {
    const { cp } = await aRunningSession(protocol, () => ({ status: 'Rejected' }));
    cp.answer('ChangeAvailability', () => ({ status: 'Scheduled' }));
    cp.answer('Reset', () => ({ status: 'Accepted' }));

    const forced = await act(cp.id, { action: 'force_stop', reason: 'Charger stuck' });

    expect(forced.body).toMatchObject({ outcome: 'rejected', charger_stopped: false, detail: expect.stringContaining('closed on our side without payment') });
    expect(cp.sent.slice(1)).toEqual([
      { method: STOP[protocol], params: expect.any(Object) },
      { method: 'ChangeAvailability', params: protocol === 'ocpp1.6' ? { connectorId: 1, type: 'Inoperative' } : { operationalStatus: 'Inoperative', evse: { id: 1 } } },
      { method: 'Reset', params: { type: protocol === 'ocpp1.6' ? 'Hard' : 'Immediate' } },
    ]);
    expect((await session(forced.body.session_id!)).cost).toMatchObject({ total_minor: 0 });
    expect((await session(forced.body.session_id!)).status).toBe('force_stopped');
  });

  it('force stop of a charger that never answers: closed on our side after the bound, no reset to a charger that is not listening', async () => {
    const { cp } = await aRunningSession(protocol, () => new Promise(() => undefined));
    cp.answer('ChangeAvailability', () => new Promise(() => undefined));
    process.env.FORCE_STOP_WAIT_MS = '1000';
    process.env.COMMAND_TIMEOUT_MS = '1000';

    const forced = await act(cp.id, { action: 'force_stop', reason: 'No answer' });

    expect(forced.body).toMatchObject({ outcome: 'timed_out', charger_stopped: false });
    expect(forced.body.steps!.map((s) => `${s.step} ${s.outcome}`)).toEqual(['session closed on our side accepted', `${STOP[protocol]} timed_out`, 'ChangeAvailability timed_out']);
    expect((await session(forced.body.session_id!)).status).toBe('force_stopped');
  });

  it('force stop of an offline charger closes the session at once and sends nothing', async () => {
    const { cp } = await aRunningSession(protocol, () => ({ status: 'Accepted' }));
    await cp.client.close({ force: true });
    await vi.waitFor(async () => expect((await act(cp.id, { action: 'check' })).body.check!.connectivity.connected).toBe(false));

    const forced = await act(cp.id, { action: 'force_stop', reason: 'Offline for a day' });

    expect(forced.body).toMatchObject({ outcome: 'not_connected', charger_stopped: false });
    expect(cp.sent.map((s) => s.method)).toEqual([START[protocol]]);
    expect(await session(forced.body.session_id!)).toMatchObject({ status: 'force_stopped', cost: { total_minor: 0 } });
  });

  it('explains a refused start from the connector status: no car plugged in', async () => {
    const cp = await aCharger(protocol);
    cp.answer(START[protocol], () => ({ status: 'Rejected' }));

    const res = await act(cp.id, { ...aDriverStart, payment_method: 'free' });

    expect(res.body).toMatchObject({ outcome: 'rejected', detail: expect.stringContaining('no car is plugged in to connector 1') });
  });

  it('says timed_out for a start the charger never answers, and not_connected once it is gone', async () => {
    const cp = await aCharger(protocol);
    cp.answer(START[protocol], () => new Promise(() => undefined));
    process.env.COMMAND_TIMEOUT_MS = '1000';
    expect((await act(cp.id, aDriverStart)).body.outcome).toBe('timed_out');
    await cp.client.close({ force: true });
    await vi.waitFor(async () => expect((await act(cp.id, aDriverStart)).body.outcome).toBe('not_connected'));
  });

  it('needs the connector when there are several, and refuses one that does not exist (400 naming connector)', async () => {
    const cp = await aCharger(protocol, { connectors: 2 });
    cp.answer('UnlockConnector', () => ({ status: 'Unlocked' }));

    const missing = await act(cp.id, aDriverStart);
    const unknown = await act(cp.id, { action: 'unlock', connector: 5 });
    const unlocked = await act(cp.id, { action: 'unlock', connector: 2 });

    expect(missing.status).toBe(400);
    expect(missing.body.errors).toEqual([expect.objectContaining({ field: 'connector' })]);
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors).toEqual([expect.objectContaining({ field: 'connector' })]);
    expect(unlocked.body).toMatchObject({ outcome: 'accepted', connector: 2 });
    expect(cp.sent).toEqual([{ method: 'UnlockConnector', params: protocol === 'ocpp1.6' ? { connectorId: 2 } : { evseId: 2, connectorId: 1 } }]);
  });

  it('reboots soft by default and hard when asked', async () => {
    const cp = await aCharger(protocol);
    cp.answer('Reset', () => ({ status: 'Accepted' }));

    expect((await act(cp.id, { action: 'reboot' })).body.outcome).toBe('accepted');
    expect((await act(cp.id, { action: 'reboot', hard: true })).body.outcome).toBe('accepted');

    expect(cp.sent.map((s) => s.params.type)).toEqual(protocol === 'ocpp1.6' ? ['Soft', 'Hard'] : ['OnIdle', 'Immediate']);
  });

  it('runs a check: fresh connector statuses, the heartbeat, firmware and the last error code', async () => {
    const cp = await aCharger(protocol);
    if (protocol === 'ocpp2.0.1') {
      await cp.client.call('NotifyEvent', {
        generatedAt: now(),
        seqNo: 0,
        eventData: [{ eventId: 1, timestamp: now(), trigger: 'Alerting', actualValue: 'true', techCode: 'GroundFault', eventNotificationType: 'HardWiredNotification', component: { name: 'Connector', evse: { id: 1 } }, variable: { name: 'Problem' } }],
      });
    }
    cp.answer('TriggerMessage', (params) => {
      setImmediate(() => {
        if (params.requestedMessage === 'Heartbeat') void cp.client.call('Heartbeat', {});
        else void cp.report(1, 'Faulted', 'GroundFailure');
      });
      return { status: 'Accepted' };
    });

    const res = await act(cp.id, { action: 'check' });

    expect(res.body).toMatchObject({ action: 'check', outcome: 'accepted' });
    expect(cp.sent.map((s) => s.params)).toEqual(
      protocol === 'ocpp1.6' ? [{ requestedMessage: 'StatusNotification' }, { requestedMessage: 'Heartbeat' }] : [{ requestedMessage: 'StatusNotification', evse: { id: 1, connectorId: 1 } }, { requestedMessage: 'Heartbeat' }],
    );
    expect(res.body.check).toMatchObject({
      connectivity: { connected: true, heartbeat: 'answered' },
      firmware: { version: protocol === 'ocpp1.6' ? '1.2.3' : '2.0.0' },
      connectors: [{ connector: 1, status: 'Faulted', fresh: true }],
      last_error: protocol === 'ocpp1.6' ? { code: 'GroundFailure', source: 'StatusNotification' } : { code: 'GroundFault', source: 'NotifyEvent' },
    });
  });

  it('runs a check on a charger that refuses the triggers: rejected, last known statuses shown as not refreshed', async () => {
    const cp = await aCharger(protocol);
    cp.answer('TriggerMessage', () => ({ status: 'Rejected' }));

    const res = await act(cp.id, { action: 'check' });

    expect(res.body).toMatchObject({ outcome: 'rejected', check: { connectors: [{ connector: 1, status: 'Available', fresh: false }], connectivity: { heartbeat: 'not_asked' } } });
  });
});

describe('validation and the job page', () => {
  it('names the missing and the misplaced fields (400)', async () => {
    const reg = await aCommissionedChargePoint(rt, { protocol: 'ocpp1.6', connectorCount: 1 });
    const id = reg.chargePoint.chargePointId;

    const noDriver = await act(id, { action: 'start' });
    const misplaced = await act(id, { ...aDriverStart, hard: true });
    const noReason = await act(id, { action: 'force_stop' });
    const badPayment = await act(id, { ...aDriverStart, payment_method: 'card' });

    expect(noDriver.status).toBe(400);
    expect(noDriver.body.errors!.map((e) => e.field)).toEqual(['user_id', 'payment_method']);
    expect(misplaced.body.errors).toEqual([expect.objectContaining({ field: 'hard' })]);
    expect(noReason.body.errors).toEqual([expect.objectContaining({ field: 'reason' })]);
    expect(badPayment.body.errors).toEqual([expect.objectContaining({ field: 'payment_method' })]);
  });

  it("starts with the driver's own active token when only user_id is given, and refuses a driver with none usable (400 naming user_id)", async () => {
    const op = { token: rt.seed!.operatorApiKey };
    const userId = `drv_${Date.now().toString(36)}`;
    expect((await api('POST', '/api/v1/operator/drivers', { ...op, body: { user_id: userId, name: 'Bo' } })).status).toBe(201);
    await api('POST', `/api/v1/operator/drivers/${userId}/id-tokens`, { ...op, body: { id_token: `OLD${userId}`.slice(0, 20), status: 'blocked' } });
    const blockedOnly = await aCharger('ocpp2.0.1');
    const refused = await act(blockedOnly.id, { action: 'start', user_id: userId, payment_method: 'team' });
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([expect.objectContaining({ field: 'user_id' })]);

    const card = `C${userId}`.slice(0, 20);
    expect((await api('POST', `/api/v1/operator/drivers/${userId}/id-tokens`, { ...op, body: { id_token: card, type: 'ISO14443' } })).status).toBe(201);
    const cp = await aCharger('ocpp2.0.1');
    cp.answer('RequestStartTransaction', () => ({ status: 'Accepted' }));

    expect((await act(cp.id, { action: 'start', user_id: userId, payment_method: 'team' })).body.outcome).toBe('accepted');
    expect(cp.sent[0]!.params).toMatchObject({ idToken: { idToken: card, type: 'ISO14443' }, evseId: 1 });
  });

  it('refuses a price group the operator does not have (400 naming price_group_id) before sending anything', async () => {
    const cp = await aCharger('ocpp1.6');

    const res = await act(cp.id, { ...aDriverStart, price_group_id: 'pg_nobody' });

    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'price_group_id' })]);
    expect(cp.sent).toEqual([]);
  });

  it('checks an offline charger without sending anything: not_connected with what was last known', async () => {
    const cp = await aCharger('ocpp1.6');
    await cp.client.close({ force: true });

    await vi.waitFor(async () => expect((await act(cp.id, { action: 'check' })).body).toMatchObject({ outcome: 'not_connected', check: { connectivity: { connected: false, heartbeat: 'not_asked' }, connectors: [{ status: 'Available', fresh: false }] } }));
    expect(cp.sent).toEqual([]);
  });

  it('offers the job page only start, stop, unlock and reboot', async () => {
    const link = await api<{ url: string }>('POST', `/api/v1/operator/projects/${rt.seed!.projectId}/public-links`, { token: rt.seed!.operatorApiKey, body: {} });
    const token = link.body.url.split('/jobs/')[1]!;
    const reg = await aCommissionedChargePoint(rt, { protocol: 'ocpp1.6' });

    for (const action of ['force_stop', 'check']) {
      const res = await api<ActionBody>('POST', `/api/v1/public/jobs/${token}/charge-points/${reg.chargePoint.chargePointId}/actions`, { body: { action } });
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'action' })]);
    }
  });
});
