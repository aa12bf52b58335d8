// OCPP 2.0.1 end to end: a strict ocpp-rpc charging station against the real handlers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RPCClient } from 'ocpp-rpc';
import type { LocalRuntime } from '../../local/runtime';
import { getChargePoint } from '../../lib/db/charge-points';
import { listLog } from '../../lib/db/logs';
import { aConnectedClient, aRegisteredChargePoint, BOOT, markCommissioned } from './support/ocpp';
import { startTestRuntime } from './support/runtime';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../../lib/aws/clients';
import { keys } from '../../lib/db/keys';

let rt: LocalRuntime;
let client: RPCClient;
let identity: string;
let chargePointId: string;

beforeAll(async () => {
  rt = await startTestRuntime();
  const cp = await aRegisteredChargePoint(rt, { protocol: 'ocpp2.0.1' });
  identity = cp.identity;
  chargePointId = cp.chargePoint.chargePointId;
  client = await aConnectedClient(rt, { identity, password: cp.provisioningPassword, protocol: 'ocpp2.0.1' });
});
afterAll(async () => {
  await client?.close({ force: true }).catch(() => undefined);
  await rt?.stop();
});

const readTransaction = async (transactionId: string) =>
  (await documentClient().send(new GetCommand({ TableName: rt.tableName, Key: keys.transaction(identity, transactionId), ConsistentRead: true }))).Item;

describe('OCPP 2.0.1 charging station', () => {
  it('gets SecurityError for a CALL before BootNotification, then boots Pending', async () => {
    await expect(client.call('StatusNotification', { timestamp: new Date().toISOString(), connectorStatus: 'Available', evseId: 1, connectorId: 1 })).rejects.toMatchObject({
      rpcErrorCode: 'SecurityError',
    });
    const res = (await client.call('BootNotification', BOOT['ocpp2.0.1'])) as { status: string; interval: number };
    expect(res).toMatchObject({ status: 'Pending', interval: 540 });
    expect((await getChargePoint(chargePointId, true))?.boot).toMatchObject({ chargePointVendor: 'TestVendor', firmwareVersion: '2.0.0' });
  });

  it('answers heartbeat, status, firmware/log status, security events, reports and data transfer once Accepted', async () => {
    const now = () => new Date().toISOString();
    // A Pending station sends nothing unasked (B02.FR.09): commissioning completes, the boot is Accepted.
    await markCommissioned(chargePointId);
    expect(await client.call('BootNotification', BOOT['ocpp2.0.1'])).toMatchObject({ status: 'Accepted' });
    await expect(client.call('Heartbeat', {})).resolves.toHaveProperty('currentTime');
    expect(await client.call('StatusNotification', { timestamp: now(), connectorStatus: 'Available', evseId: 1, connectorId: 1 })).toEqual({});
    // A Reset may report the whole station as EVSE 0 (DESIGN.md §3).
    expect(await client.call('StatusNotification', { timestamp: now(), connectorStatus: 'Unavailable', evseId: 0, connectorId: 0 })).toEqual({});
    expect(await client.call('FirmwareStatusNotification', { status: 'Installed' })).toEqual({});
    expect(await client.call('LogStatusNotification', { status: 'Idle' })).toEqual({});
    expect(await client.call('SecurityEventNotification', { type: 'StartupOfTheDevice', timestamp: now() })).toEqual({});
    expect(await client.call('NotifyReport', { requestId: 1, generatedAt: now(), seqNo: 0, tbc: false })).toEqual({});
    expect(await client.call('DataTransfer', { vendorId: 'com.example' })).toEqual({ status: 'UnknownVendorId' });
    expect(await client.call('Authorize', { idToken: { idToken: 'CARD-1', type: 'ISO14443' } })).toEqual({ idTokenInfo: { status: 'Accepted' } });
    // Everything else a station may send is recorded and answered, never NotImplemented (issue #11).
    const recorded: Array<[string, Record<string, unknown>, Record<string, unknown>]> = [
      ['NotifyEvent', { generatedAt: now(), seqNo: 0, eventData: [{ eventId: 1, timestamp: now(), trigger: 'Delta', actualValue: 'Available', eventNotificationType: 'HardWiredNotification', component: { name: 'Connector' }, variable: { name: 'AvailabilityState' } }] }, {}],
      ['NotifyMonitoringReport', { requestId: 1, seqNo: 0, generatedAt: now() }, {}],
      ['NotifyChargingLimit', { chargingLimit: { chargingLimitSource: 'EMS' } }, {}],
      ['ClearedChargingLimit', { chargingLimitSource: 'EMS' }, {}],
      ['ReservationStatusUpdate', { reservationId: 1, reservationUpdateStatus: 'Expired' }, {}],
      ['NotifyDisplayMessages', { requestId: 1 }, {}],
      ['NotifyCustomerInformation', { data: 'none', seqNo: 0, generatedAt: now(), requestId: 1 }, {}],
      ['PublishFirmwareStatusNotification', { status: 'Idle' }, {}],
      ['NotifyEVChargingNeeds', { evseId: 1, chargingNeeds: { requestedEnergyTransfer: 'AC_single_phase' } }, { status: 'Rejected' }],
      ['NotifyEVChargingSchedule', { timeBase: now(), evseId: 1, chargingSchedule: { id: 1, chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: 1000 }] } }, { status: 'Accepted' }],
      ['SignCertificate', { csr: 'not-a-real-csr' }, { status: 'Rejected' }],
    ];
    for (const [action, payload, expected] of recorded) expect(await client.call(action, payload)).toMatchObject(expected);
    const security = await listLog(identity, { category: 'security' });
    expect(security.entries.map((e) => e.action)).toContain('SecurityEventNotification');
  });

  it('runs a transaction ordered by seqNo: a late, older event does not overwrite newer state', async () => {
    const tx = { transactionId: `TX-${Date.now()}` };
    const at = (s: number) => new Date(Date.now() + s * 1000).toISOString();
    const started = await client.call('TransactionEvent', {
      eventType: 'Started', timestamp: at(0), triggerReason: 'Authorized', seqNo: 0,
      transactionInfo: { ...tx, chargingState: 'EVConnected' }, idToken: { idToken: 'CARD-1', type: 'ISO14443' }, evse: { id: 1, connectorId: 1 },
    });
    expect(started).toEqual({ idTokenInfo: { status: 'Accepted' } });
    expect(await client.call('TransactionEvent', { eventType: 'Updated', timestamp: at(2), triggerReason: 'ChargingStateChanged', seqNo: 2, transactionInfo: { ...tx, chargingState: 'Charging' } })).toEqual({});
    // seqNo 1 arrives after 2 (offline queue, API Gateway reordering): answered, not applied.
    expect(await client.call('TransactionEvent', { eventType: 'Updated', timestamp: at(1), triggerReason: 'MeterValuePeriodic', seqNo: 1, transactionInfo: { ...tx, chargingState: 'SuspendedEV' } })).toEqual({});
    expect(await readTransaction(tx.transactionId)).toMatchObject({ lastSeqNo: 2, chargingState: 'Charging', status: 'active' });
    expect(await client.call('MeterValues', { evseId: 1, meterValue: [{ timestamp: at(3), sampledValue: [{ value: 1234.5 }] }] })).toEqual({});
    expect(await client.call('TransactionEvent', { eventType: 'Ended', timestamp: at(4), triggerReason: 'StopAuthorized', seqNo: 3, transactionInfo: { ...tx, stoppedReason: 'Local' } })).toEqual({});
    expect(await readTransaction(tx.transactionId)).toMatchObject({ lastSeqNo: 3, status: 'ended', stoppedReason: 'Local', idToken: { idToken: 'CARD-1' } });
  });

  it('accepts a remote-started transaction without idToken', async () => {
    const res = await client.call('TransactionEvent', {
      eventType: 'Started', timestamp: new Date().toISOString(), triggerReason: 'RemoteStart', seqNo: 0, transactionInfo: { transactionId: `RS-${Date.now()}` },
    });
    expect(res).toEqual({});
  });
});
