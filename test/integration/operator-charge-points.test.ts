// The operator's view of a charge point over HTTP: combined status, log paging, remote commands,
// and the failures (wrong key, someone else's charge point, bad input) as problem+json.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RPCClient } from 'ocpp-rpc';
import type { LocalRuntime } from '../../local/runtime';
import { createOperator } from '../../lib/domain/operator-setup';
import type { RegisteredChargePoint } from '../../lib/domain/charge-points';
import { aCommissionedChargePoint, aConnectedClient, BOOT } from './support/ocpp';
import { startTestRuntime } from './support/runtime';

let rt: LocalRuntime;
let cp: RegisteredChargePoint;
let client: RPCClient;

beforeAll(async () => {
  rt = await startTestRuntime();
  cp = await aCommissionedChargePoint(rt, { protocol: 'ocpp1.6', connectorCount: 2 });
});
afterAll(async () => {
  await client?.close({ force: true }).catch(() => undefined);
  await rt?.stop();
});

const api = (path: string, init: RequestInit & { key?: string } = {}) =>
  fetch(`${rt.url}/api/v1/operator${path}`, {
    ...init,
    headers: { authorization: `Bearer ${init.key ?? rt.seed!.operatorApiKey}`, 'content-type': 'application/json', ...(init.headers ?? {}) },
  });
const status = async () => ((await (await api(`/charge-points/${cp.chargePoint.chargePointId}`)).json()) as { status: string; connectors: unknown[] }).status;

describe('operator charge point API', () => {
  it('shows the combined status as the charge point moves from registered to connected and available', async () => {
    // New charge points are closed to drivers until activated (issue #14); activating one that is offline sends nothing.
    expect(await status()).toBe('pending (inactive)');
    expect((await api(`/charge-points/${cp.chargePoint.chargePointId}/activate`, { method: 'POST' })).status).toBe(200);
    expect(await status()).toBe('pending');
    client = await aConnectedClient(rt, { identity: cp.identity, password: cp.provisioningPassword, protocol: 'ocpp1.6' });
    await client.call('BootNotification', BOOT['ocpp1.6']);
    expect(await status()).toBe('connected (unknown)');
    await client.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Available' });
    await client.call('StatusNotification', { connectorId: 2, errorCode: 'NoError', status: 'Available' });
    expect(await status()).toBe('connected (available)');
    await client.call('StatusNotification', { connectorId: 2, errorCode: 'NoError', status: 'Charging' });
    expect(await status()).toBe('connected (busy-charging)');
  });

  it('shows a 2.0.1 Occupied connector as busy-charging only while its transaction is Charging', async () => {
    const cp2 = await aCommissionedChargePoint(rt, { protocol: 'ocpp2.0.1', connectorCount: 1 });
    const c2 = await aConnectedClient(rt, { identity: cp2.identity, password: cp2.provisioningPassword, protocol: 'ocpp2.0.1' });
    const show = async () => ((await (await api(`/charge-points/${cp2.chargePoint.chargePointId}`)).json()) as { status: string }).status;
    try {
      await c2.call('BootNotification', BOOT['ocpp2.0.1']);
      const now = () => new Date().toISOString();
      await c2.call('StatusNotification', { timestamp: now(), connectorStatus: 'Occupied', evseId: 1, connectorId: 1 });
      expect(await show()).toBe('connected (busy-non-charging)');
      const tx = { transactionId: `V-${Date.now()}` };
      await c2.call('TransactionEvent', { eventType: 'Started', timestamp: now(), triggerReason: 'CablePluggedIn', seqNo: 0, transactionInfo: { ...tx, chargingState: 'EVConnected' }, evse: { id: 1, connectorId: 1 } });
      expect(await show()).toBe('connected (busy-non-charging)');
      await c2.call('TransactionEvent', { eventType: 'Updated', timestamp: now(), triggerReason: 'ChargingStateChanged', seqNo: 1, transactionInfo: { ...tx, chargingState: 'Charging' } });
      expect(await show()).toBe('connected (busy-charging)');
      await c2.call('TransactionEvent', { eventType: 'Ended', timestamp: now(), triggerReason: 'EVDeparted', seqNo: 2, transactionInfo: { ...tx, stoppedReason: 'EVDisconnected' } });
      expect(await show()).toBe('connected (busy-non-charging)');
    } finally {
      await c2.close({ force: true });
    }
  });

  it('shows every connector the charger reports, beyond the registered count', async () => {
    const one = await aCommissionedChargePoint(rt, { protocol: 'ocpp1.6', connectorCount: 1 });
    const c = await aConnectedClient(rt, { identity: one.identity, password: one.provisioningPassword, protocol: 'ocpp1.6' });
    try {
      await c.call('BootNotification', BOOT['ocpp1.6']);
      for (let id = 1; id <= 9; id += 1) await c.call('StatusNotification', { connectorId: id, errorCode: id === 9 ? 'GroundFailure' : 'NoError', status: id === 9 ? 'Faulted' : 'Available' });

      const view = (await (await api(`/charge-points/${one.chargePoint.chargePointId}`)).json()) as { connector_count: number; connectors: Array<{ connectorId: number; status: string; errorCode?: string }> };

      expect(view.connectors.map((x) => x.connectorId)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
      expect(view.connectors[8]).toMatchObject({ connectorId: 9, status: 'Faulted', errorCode: 'GroundFailure' });
      expect(view.connector_count).toBe(9);
    } finally {
      await c.close({ force: true });
    }
  });

  it('lets a 2.0.1 station leave maintenance after Operative, a reset, or an explicit EVSE 0 Available', async () => {
    const cp2 = await aCommissionedChargePoint(rt, { protocol: 'ocpp2.0.1', connectorCount: 1 });
    const c2 = await aConnectedClient(rt, { identity: cp2.identity, password: cp2.provisioningPassword, protocol: 'ocpp2.0.1' });
    const view = async () => (await (await api(`/charge-points/${cp2.chargePoint.chargePointId}`)).json()) as { status: string; connector_count: number; connectors: Array<{ evseId: number; connectorId: number; status: string }> };
    await api(`/charge-points/${cp2.chargePoint.chargePointId}/activate`, { method: 'POST' });
    const report = (evseId: number, connectorStatus: string) => c2.call('StatusNotification', { timestamp: new Date().toISOString(), connectorStatus, evseId, connectorId: evseId === 0 ? 0 : 1 });
    try {
      await c2.call('BootNotification', BOOT['ocpp2.0.1']);
      await report(1, 'Available');
      await report(2, 'Available');
      expect((await view()).connectors.map((x) => `${x.evseId}/${x.connectorId}:${x.status}`)).toEqual(['1/1:Available', '2/1:Available']);
      expect((await view()).connector_count).toBe(2);

      // ChangeAvailability(Inoperative) for the station, then (Operative): only the connectors report back (TC_G_06_CS).
      await report(0, 'Unavailable');
      await report(1, 'Unavailable');
      await report(2, 'Unavailable');
      expect((await view()).status).toBe('connected (maintenance)');
      await report(1, 'Available');
      await report(2, 'Available');
      expect((await view()).status).toBe('connected (available)');

      // Inoperative again, then a Reset: the new boot makes the old EVSE 0 status stale.
      await report(0, 'Unavailable');
      expect((await view()).status).toBe('connected (maintenance)');
      await c2.call('BootNotification', { ...BOOT['ocpp2.0.1'], reason: 'RemoteReset' });
      expect((await view()).status).toBe('connected (available)');

      // An explicit EVSE 0 Available replaces its Unavailable.
      await report(0, 'Unavailable');
      expect((await view()).status).toBe('connected (maintenance)');
      await report(0, 'Available');
      expect((await view()).status).toBe('connected (available)');
    } finally {
      await c2.close({ force: true });
    }
  });

  it('pages the log newest first with a cursor', async () => {
    const first = (await (await api(`/charge-points/${cp.chargePoint.chargePointId}/logs?limit=2`)).json()) as { entries: Array<{ at: string }>; next_cursor: string };
    expect(first.entries).toHaveLength(2);
    expect(first.next_cursor).toEqual(expect.any(String));
    const second = (await (await api(`/charge-points/${cp.chargePoint.chargePointId}/logs?limit=2&cursor=${first.next_cursor}`)).json()) as { entries: Array<{ at: string }> };
    expect(second.entries).toHaveLength(2);
    expect(second.entries[0]!.at <= first.entries[1]!.at).toBe(true);
  });

  it('sends a command and returns its outcome', async () => {
    client.handle('TriggerMessage', async () => ({ status: 'Accepted' }));
    const res = await api(`/charge-points/${cp.chargePoint.chargePointId}/commands`, { method: 'POST', body: JSON.stringify({ action: 'TriggerMessage', payload: { requestedMessage: 'StatusNotification', connectorId: 1 } }) });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ action: 'TriggerMessage', outcome: 'accepted', response: { status: 'Accepted' } });
  });

  it('takes the connector count from the charger\'s NumberOfConnectors once GetConfiguration reads it', async () => {
    client.handle('GetConfiguration', async () => ({ configurationKey: [{ key: 'NumberOfConnectors', readonly: true, value: '4' }] }));
    const res = await api(`/charge-points/${cp.chargePoint.chargePointId}/commands`, { method: 'POST', body: JSON.stringify({ action: 'GetConfiguration', payload: { key: ['NumberOfConnectors'] } }) });
    expect(await res.json()).toMatchObject({ outcome: 'accepted' });

    const view = (await (await api(`/charge-points/${cp.chargePoint.chargePointId}`)).json()) as { connector_count: number };

    expect(view.connector_count).toBe(4);
  });

  it('answers bad input with problem+json naming the field', async () => {
    const res = await api(`/charge-points/${cp.chargePoint.chargePointId}/commands`, { method: 'POST', body: JSON.stringify({ action: 'Reset', payload: { type: 'Sideways' } }) });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(await res.json()).toMatchObject({ status: 400, errors: [expect.objectContaining({ field: 'payload' })] });
    const notJson = await api(`/charge-points/${cp.chargePoint.chargePointId}/commands`, { method: 'POST', body: '{oops' });
    expect(await notJson.json()).toMatchObject({ status: 400, errors: [{ field: 'body', message: expect.any(String) }] });
    const badLimit = await api(`/charge-points/${cp.chargePoint.chargePointId}/logs?limit=0`);
    expect(await badLimit.json()).toMatchObject({ status: 400, errors: [expect.objectContaining({ field: 'query.limit' })] });
  });

  it('answers 401 for a missing or wrong key and 404 for another operator\'s charge point', async () => {
    expect((await fetch(`${rt.url}/api/v1/operator/projects`)).status).toBe(401);
    expect((await api('/projects', { key: 'cpk_AAAAAAAAAAAA_' + 'A'.repeat(43) })).status).toBe(401);
    const other = await createOperator({ name: 'Other CPO', contactEmail: 'o@example.com' });
    const res = await api(`/charge-points/${cp.chargePoint.chargePointId}`, { key: other.apiKey });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { title: string }).title).toBe('Not found');
  });

  it('shows disconnected once the charge point goes away', async () => {
    await client.close({ force: true });
    await vi.waitFor(async () => expect(await status()).toBe('disconnected'));
  });
});
