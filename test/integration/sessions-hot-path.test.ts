// The DynamoDB requests a charging session costs on the OCPP hot path, counted on the wire
// (lib/aws/call-counter.ts): StartTransaction, MeterValues, StopTransaction and 2.0.1
// TransactionEvent stay bounded, and Heartbeat stays one PutItem while a session runs.
import type { RPCClient } from 'ocpp-rpc';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LocalRuntime } from '../../local/runtime';
import { attachCallCounter, isWrite, type CallCounter } from '../../lib/aws/call-counter';
import { documentClient } from '../../lib/aws/clients';
import { putDriver, putIdToken } from '../../lib/db/drivers';
import { listLog } from '../../lib/db/logs';
import { getSessionItem } from '../../lib/db/sessions';
import { putPriceGroup, setDefaultPriceGroup, setFreeVend } from '../../lib/db/price-groups';
import { EVENT_RULES } from '../../lib/events/rules';
import type { OcppVersion } from '../../lib/ocpp/versions';
import { aCommissionedChargePoint, aConnectedClient, aSerial, BOOT } from './support/ocpp';
import { startTestRuntime } from './support/runtime';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

let rt: LocalRuntime;
let counter: CallCounter;
const clients: RPCClient[] = [];
const CARD = aSerial('HOT').slice(0, 20);

beforeAll(async () => {
  // Only the message handler's own calls are counted: on AWS the webhook fan-out is another Lambda,
  // here it would share the process and the SDK client.
  rt = await startTestRuntime({ eventRules: EVENT_RULES.filter((r) => r.name !== 'webhook-fanout') });
  const s = rt.seed!;
  const at = new Date().toISOString();
  await putPriceGroup({ priceGroupId: 'pg_hot', operatorId: s.operatorId, name: 'Hot', currency: 'EUR', pricePerKwhMinor: 30, vatRateBasisPoints: 2100, createdAt: at, updatedAt: at });
  await putDriver({ operatorId: s.operatorId, userId: 'usr_hot', name: 'Hot Path', teamId: s.teamId, createdAt: at, updatedAt: at });
  await putIdToken({ operatorId: s.operatorId, userId: 'usr_hot', value: CARD, canonical: CARD.toUpperCase(), tokenType: 'ISO14443', status: 'active', createdAt: at, updatedAt: at });
  counter = attachCallCounter(documentClient(), 'sessions-hot-path-counter');
});
afterAll(async () => {
  counter?.detach();
  for (const c of clients) await c.close({ force: true }).catch(() => undefined);
  await rt?.stop();
});

async function aCharger(protocol: OcppVersion): Promise<RPCClient> {
  const reg = await aCommissionedChargePoint(rt, { protocol, connectorCount: 1 });
  await setFreeVend(rt.seed!.operatorId, reg.chargePoint.chargePointId, false, new Date().toISOString());
  await setDefaultPriceGroup({ kind: 'charge_point', operatorId: rt.seed!.operatorId, chargePointId: reg.chargePoint.chargePointId }, 'pg_hot');
  const first = await aConnectedClient(rt, { identity: reg.identity, password: reg.provisioningPassword, protocol });
  await first.call('BootNotification', BOOT[protocol]);
  await first.close({ force: true });
  // Reconnected after an Accepted boot (as API Gateway makes every charger do every 2 hours): the
  // $connect context carries the boot, so the pipeline reads no connection item and what is counted
  // is the session's own cost (ocpp/pipeline.ts).
  const client = await aConnectedClient(rt, { identity: reg.identity, password: reg.provisioningPassword, protocol });
  clients.push(client);
  return client;
}

/** The commands one CALL made, in order. */
async function commandsOf(call: () => Promise<unknown>): Promise<string[]> {
  await rt.drain();
  counter.reset();
  await call();
  await rt.drain();
  return counter.calls.map((c) => c.command);
}

const energy = (value: string) => [{ timestamp: new Date().toISOString(), sampledValue: [{ value }] }];

describe('DynamoDB requests per session message', () => {
  it('1.6: StartTransaction, MeterValues, StopTransaction are bounded; Heartbeat stays one PutItem', async () => {
    const client = await aCharger('ocpp1.6');
    // A first start warms the token cache (authorization.ts: 60 s per container), as on a busy charger.
    const warm = (await client.call('StartTransaction', { connectorId: 1, idTag: CARD, meterStart: 0, timestamp: new Date().toISOString() })) as { transactionId: number };
    await client.call('StopTransaction', { transactionId: warm.transactionId, meterStop: 0, timestamp: new Date().toISOString() });

    let tx = 0;
    const start = await commandsOf(async () => {
      tx = ((await client.call('StartTransaction', { connectorId: 1, idTag: CARD, meterStart: 0, timestamp: new Date().toISOString() })) as { transactionId: number }).transactionId;
    });
    // The charger's running sessions (a Query: is this the same start again under a new message id?
    // sessions.ts repeatedStart16; none run, so no session is read), the id counter, the charge point
    // and the connector's start intent (in parallel), the charger's card-learning window (strongly
    // consistent: the tag may be a card being learned, domain/card-learning.ts), the price group
    // (resolvePriceGroup reads the charge point's default, then the group), one transaction (replay
    // guard, session, sweep pointer, driver pointer, log).
    expect(start.filter((c) => c === 'QueryCommand')).toHaveLength(1);
    expect(start.filter((c) => c === 'UpdateItemCommand')).toHaveLength(1);
    expect(start.filter((c) => c === 'TransactWriteItemsCommand')).toHaveLength(1);
    expect(start.filter((c) => c === 'GetItemCommand')).toHaveLength(5);
    expect(start).toHaveLength(8);

    // The session, its put (conditional on its rev), then the log: no transaction, which would bill
    // the session's write units twice, and no replay guard (ocpp/actions/types.ts writesAlone).
    const reading = energy('1500');
    const meter = await commandsOf(() => client.call('MeterValues', { connectorId: 1, transactionId: tx, meterValue: reading }));
    expect(meter).toEqual(['GetItemCommand', 'PutItemCommand', 'PutItemCommand']);
    // The same readings again (a retry whose answer was lost): nothing new, so only the log is written.
    const before = await getSessionItem(client.identity!, String(tx));
    const again = await commandsOf(() => client.call('MeterValues', { connectorId: 1, transactionId: tx, meterValue: reading }));
    expect(again).toEqual(['GetItemCommand', 'PutItemCommand']);
    const after = await getSessionItem(client.identity!, String(tx));
    expect(after?.meter).toEqual(before?.meter);
    expect(after?.rev).toBe(before?.rev);

    const heartbeat = await commandsOf(() => client.call('Heartbeat', {}));
    expect(heartbeat).toEqual(['PutItemCommand']);

    const stop = await commandsOf(() => client.call('StopTransaction', { transactionId: tx, meterStop: 2000, timestamp: new Date().toISOString() }));
    // The session, then one transaction; publishing session.ended is an EventBridge call, not DynamoDB.
    expect(stop).toEqual(['GetItemCommand', 'TransactWriteItemsCommand']);
    expect(counter.count(isWrite)).toBe(1);
  });

  it("1.6: a MeterValues with the charger's current costs no more than one without it (power management's draw rides in the same write)", async () => {
    const client = await aCharger('ocpp1.6');
    const tx = ((await client.call('StartTransaction', { connectorId: 1, idTag: CARD, meterStart: 0, timestamp: new Date().toISOString() })) as { transactionId: number }).transactionId;
    const current = (value: string) => ({ value, measurand: 'Current.Import', phase: 'L1', unit: 'A' });
    // Energy and current together: the session read and written once, as for energy alone.
    const both = await commandsOf(() => client.call('MeterValues', { connectorId: 1, transactionId: tx, meterValue: [{ timestamp: new Date().toISOString(), sampledValue: [{ value: '1500' }, current('16')] }] }));
    expect(both).toEqual(['GetItemCommand', 'PutItemCommand', 'PutItemCommand']);
    // Current alone: the session is not read; its draw is updated, then the log.
    const alone = await commandsOf(() => client.call('MeterValues', { connectorId: 1, transactionId: tx, meterValue: [{ timestamp: new Date().toISOString(), sampledValue: [current('10')] }] }));
    expect(alone).toEqual(['UpdateItemCommand', 'PutItemCommand']);
    const session = await getSessionItem(client.identity!, String(tx));
    expect(session?.measured?.currentA).toEqual({ L1: 10 });
    expect(session?.meter?.lastMeterWh).toBe(1500);
    await client.call('StopTransaction', { transactionId: tx, meterStop: 2000, timestamp: new Date().toISOString() });
    // A draw for a session that has ended: its condition (running) fails, the charger is answered,
    // the session stays as the stop left it and the log says the write was skipped.
    const ended = await getSessionItem(client.identity!, String(tx));
    expect(await client.call('MeterValues', { connectorId: 1, transactionId: tx, meterValue: [{ timestamp: new Date().toISOString(), sampledValue: [current('7')] }] })).toEqual({});
    expect(await getSessionItem(client.identity!, String(tx))).toEqual(ended);
    const newest = (await listLog(client.identity!, { limit: 5 })).entries.find((e) => e.action === 'MeterValues');
    expect(newest?.detail).toEqual({ stateWriteSkipped: ['ConditionalCheckFailed'] });
  });

  it('2.0.1: an Updated TransactionEvent reads the session once and writes it alone, then the log', async () => {
    const client = await aCharger('ocpp2.0.1');
    const t = { transactionId: `HOT-${aSerial('T')}` };
    await client.call('TransactionEvent', { eventType: 'Started', timestamp: new Date().toISOString(), triggerReason: 'Authorized', seqNo: 0, transactionInfo: t, evse: { id: 1, connectorId: 1 }, idToken: { idToken: CARD, type: 'ISO14443' } });
    const plain = await commandsOf(() => client.call('TransactionEvent', { eventType: 'Updated', timestamp: new Date().toISOString(), triggerReason: 'ChargingStateChanged', seqNo: 1, transactionInfo: { ...t, chargingState: 'Charging' } }));
    expect(plain).toEqual(['GetItemCommand', 'PutItemCommand', 'PutItemCommand']);
    const metered = await commandsOf(() =>
      client.call('TransactionEvent', { eventType: 'Updated', timestamp: new Date().toISOString(), triggerReason: 'MeterValuePeriodic', seqNo: 2, transactionInfo: t, meterValue: [{ timestamp: new Date().toISOString(), sampledValue: [{ value: 1000 }] }] }),
    );
    expect(metered).toEqual(['GetItemCommand', 'PutItemCommand', 'PutItemCommand']);
    // The same event again (same seqNo): the session is not written a second time.
    const retried = await commandsOf(() =>
      client.call('TransactionEvent', { eventType: 'Updated', timestamp: new Date().toISOString(), triggerReason: 'MeterValuePeriodic', seqNo: 2, transactionInfo: t, meterValue: [{ timestamp: new Date().toISOString(), sampledValue: [{ value: 1000 }] }] }),
    );
    expect(retried).toEqual(['GetItemCommand', 'PutItemCommand']);
    // Started and Ended still go in one transaction with their replay guard (pointers, entries, events).
    const ended = await commandsOf(() => client.call('TransactionEvent', { eventType: 'Ended', timestamp: new Date().toISOString(), triggerReason: 'EVDeparted', seqNo: 3, transactionInfo: t }));
    expect(ended).toEqual(['GetItemCommand', 'TransactWriteItemsCommand']);
  });
});
