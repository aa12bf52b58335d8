// OCPP 1.6J end to end: a strict ocpp-rpc charge point against the real handlers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RPCClient } from 'ocpp-rpc';
import type { LocalRuntime } from '../../local/runtime';
import { getChargePoint } from '../../lib/db/charge-points';
import { listLog } from '../../lib/db/logs';
import { activeSessionItems, getSessionItem } from '../../lib/db/sessions';
import { aConnectedClient, aRegisteredChargePoint, BOOT, markCommissioned } from './support/ocpp';
import { startTestRuntime } from './support/runtime';

let rt: LocalRuntime;
let client: RPCClient;
let identity: string;
let chargePointId: string;

beforeAll(async () => {
  rt = await startTestRuntime();
  const cp = await aRegisteredChargePoint(rt, { protocol: 'ocpp1.6' });
  identity = cp.identity;
  chargePointId = cp.chargePoint.chargePointId;
  client = await aConnectedClient(rt, { identity, password: cp.provisioningPassword, protocol: 'ocpp1.6' });
});
afterAll(async () => {
  await client?.close({ force: true }).catch(() => undefined);
  await rt?.stop();
});

describe('OCPP 1.6 charge point', () => {
  it('negotiates ocpp1.6 and is recorded as connected', async () => {
    expect(client.protocol).toBe('ocpp1.6');
    const cp = await getChargePoint(chargePointId, true);
    expect(cp?.connection?.protocol).toBe('ocpp1.6');
  });

  it('gets SecurityError for a CALL before BootNotification', async () => {
    await expect(client.call('Heartbeat', {})).rejects.toMatchObject({ rpcErrorCode: 'SecurityError' });
  });

  it('boots Pending while commissioning is not complete, with a 540 s interval (lib/ocpp/heartbeat.ts)', async () => {
    const res = (await client.call('BootNotification', BOOT['ocpp1.6'])) as { status: string; interval: number; currentTime: string };
    expect(res.status).toBe('Pending');
    expect(res.interval).toBe(540);
    const cp = await getChargePoint(chargePointId, true);
    expect(cp?.boot).toMatchObject({ chargePointVendor: 'TestVendor', chargePointModel: 'AC22', firmwareVersion: '1.2.3', status: 'Pending' });
    expect(cp?.firmwareVersion).toBe('1.2.3');
  });

  it('answers SecurityError to a Heartbeat the Pending charge point sends unasked (1.6 §4.2)', async () => {
    await expect(client.call('Heartbeat', {})).rejects.toMatchObject({ rpcErrorCode: 'SecurityError' });
  });

  it('answers Heartbeat, StatusNotification and the status reports once Accepted', async () => {
    await markCommissioned(chargePointId);
    expect(await client.call('BootNotification', BOOT['ocpp1.6'])).toMatchObject({ status: 'Accepted' });
    const hb = (await client.call('Heartbeat', {})) as { currentTime: string };
    expect(Date.parse(hb.currentTime)).not.toBeNaN();
    expect(await client.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Available' })).toEqual({});
    expect(await client.call('StatusNotification', { connectorId: 0, errorCode: 'NoError', status: 'Available', timestamp: new Date().toISOString() })).toEqual({});
    expect(await client.call('FirmwareStatusNotification', { status: 'Idle' })).toEqual({});
    expect(await client.call('DiagnosticsStatusNotification', { status: 'Idle' })).toEqual({});
    expect(await client.call('DataTransfer', { vendorId: 'com.example' })).toEqual({ status: 'UnknownVendorId' });
    expect(await client.call('Authorize', { idTag: 'CARD-1' })).toEqual({ idTagInfo: { status: 'Accepted' } });
    expect((await getChargePoint(chargePointId, true))?.firmwareStatus).toMatchObject({ status: 'Idle' });
  });

  it('runs a transaction with an integer id we assign, meter values and a stop', async () => {
    const now = new Date().toISOString();
    const start = (await client.call('StartTransaction', { connectorId: 1, idTag: 'CARD-1', meterStart: 1000, timestamp: now })) as {
      transactionId: number;
      idTagInfo: { status: string };
    };
    expect(Number.isInteger(start.transactionId)).toBe(true);
    expect(start.idTagInfo.status).toBe('Accepted');
    expect(
      await client.call('MeterValues', {
        connectorId: 1,
        transactionId: start.transactionId,
        meterValue: [{ timestamp: now, sampledValue: [{ value: '1500', measurand: 'Energy.Active.Import.Register', unit: 'Wh' }] }],
      }),
    ).toEqual({});
    expect(await client.call('StopTransaction', { transactionId: start.transactionId, meterStop: 2000, timestamp: new Date().toISOString(), reason: 'Local' })).toEqual({});
    const second = (await client.call('StartTransaction', { connectorId: 2, idTag: 'CARD-2', meterStart: 0, timestamp: new Date().toISOString() })) as { transactionId: number };
    expect(second.transactionId).toBeGreaterThan(start.transactionId);
  });

  it('answers a StartTransaction sent again under a new message id (its answer was lost) with the same transaction, not a second session', async () => {
    const start = { connectorId: 1, idTag: 'card-9', meterStart: 5000, timestamp: new Date().toISOString() };
    const first = (await client.call('StartTransaction', start)) as { transactionId: number; idTagInfo: { status: string } };
    // ocpp-rpc gives every call a new id: to the replay guard this is a new message.
    const again = (await client.call('StartTransaction', { ...start, idTag: 'CARD-9' })) as { transactionId: number; idTagInfo: { status: string } };
    expect(again).toEqual(first);
    const running = (await activeSessionItems(identity)).filter((s) => s.connectorId === 1);
    expect(running.map((s) => s.transactionId)).toEqual([String(first.transactionId)]);
    // Another start (a new time) is a new transaction.
    const other = (await client.call('StartTransaction', { ...start, timestamp: new Date(Date.now() + 1000).toISOString() })) as { transactionId: number };
    expect(other.transactionId).toBeGreaterThan(first.transactionId);
    for (const transactionId of [first.transactionId, other.transactionId]) {
      await client.call('StopTransaction', { transactionId, meterStop: 5100, timestamp: new Date().toISOString() });
    }
  });

  it('keeps a session\'s times in UTC whatever offset the charger sends, and reads a leap second (a probe got energy null)', async () => {
    const start = (await client.call('StartTransaction', { connectorId: 2, idTag: 'CARD-TZ', meterStart: 100, timestamp: '2017-01-01T13:00:00+14:00' })) as { transactionId: number };
    await client.call('StopTransaction', { transactionId: start.transactionId, meterStop: 700, timestamp: '2016-12-31T23:59:60Z' }); // the last leap second
    const s = await getSessionItem(identity, String(start.transactionId));
    expect(s).toMatchObject({ status: 'ended', startedAt: '2016-12-31T23:00:00.000Z', stoppedAt: '2016-12-31T23:59:59.999Z', energyWh: 600 });
  });

  it('logs every exchange newest first, by category', async () => {
    const page = await listLog(identity, { limit: 100 });
    const actions = page.entries.map((e) => e.action ?? e.kind);
    expect(actions).toContain('Heartbeat');
    expect(actions).toContain('StartTransaction');
    expect(actions.at(-1)).toBe('connected');
    const times = page.entries.map((e) => e.at);
    expect([...times].sort().reverse()).toEqual(times);
    const tx = await listLog(identity, { category: 'transaction' });
    expect(tx.entries.every((e) => e.category === 'transaction')).toBe(true);
    expect(tx.entries.map((e) => e.action)).toEqual(expect.arrayContaining(['StartTransaction', 'MeterValues', 'StopTransaction']));
    // Authorize is authentication: the guide's white category (lib/domain/log-glossary.ts).
    expect((await listLog(identity, { category: 'security' })).entries.map((e) => e.action)).toContain('Authorize');
  });
});
