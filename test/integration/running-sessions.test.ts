// A charge point's running sessions (AP-28) come from one small pointer per running session, put in
// its start transaction and deleted in its end one, not from a Query over every session it ever had
// (a filter does not reduce what DynamoDB reads, and the power planner asks for every charger of a
// site every minute). Sessions that started before the pointers get one from the migration.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RPCClient } from 'ocpp-rpc';
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { LocalRuntime } from '../../local/runtime';
import { documentClient } from '../../lib/aws/clients';
import { config } from '../../lib/config';
import { keys } from '../../lib/db/keys';
import { activeTransactions } from '../../lib/db/logs';
import { migrateRunningPointers } from '../../lib/db/migrations/running-pointers';
import { ACTIVE_SESSION_SHARDS, activeSessionItems, activeSessionItemsOf, activeSessionItemsOfMany, SHARDS_ABOVE } from '../../lib/db/sessions';
import { attachCallCounter } from '../../lib/aws/call-counter';
import { aCommissionedChargePoint, aConnectedClient, BOOT } from './support/ocpp';
import { startTestRuntime } from './support/runtime';

let rt: LocalRuntime;
const clients: RPCClient[] = [];
beforeAll(async () => {
  rt = await startTestRuntime();
}, 120_000);
afterAll(async () => {
  for (const c of clients) await c.close({ force: true }).catch(() => undefined);
  await rt?.stop();
});

async function aBootedCharger(protocol: 'ocpp1.6' | 'ocpp2.0.1') {
  const reg = await aCommissionedChargePoint(rt, { protocol, connectorCount: 2 });
  const client = await aConnectedClient(rt, { identity: reg.identity, password: reg.provisioningPassword, protocol });
  clients.push(client);
  await client.call('BootNotification', BOOT[protocol]);
  return { identity: reg.identity, client };
}

const at = () => new Date().toISOString();
let seq = 0;
async function start(c: { client: RPCClient }, protocol: 'ocpp1.6' | 'ocpp2.0.1', connector: number): Promise<string> {
  if (protocol === 'ocpp1.6') {
    const res = (await c.client.call('StartTransaction', { connectorId: connector, idTag: 'RUN-CARD', meterStart: 0, timestamp: at() })) as { transactionId: number };
    return String(res.transactionId);
  }
  seq += 1;
  const transactionId = `RUN-${process.pid}-${seq}`;
  await c.client.call('TransactionEvent', { eventType: 'Started', timestamp: at(), triggerReason: 'Authorized', seqNo: 0, transactionInfo: { transactionId, chargingState: 'Charging' }, evse: { id: connector, connectorId: 1 }, idToken: { idToken: 'RUN-CARD', type: 'ISO14443' } });
  return transactionId;
}
async function stop(c: { client: RPCClient }, protocol: 'ocpp1.6' | 'ocpp2.0.1', transactionId: string, connector: number) {
  if (protocol === 'ocpp1.6') await c.client.call('StopTransaction', { transactionId: Number(transactionId), meterStop: 100, timestamp: at() });
  else await c.client.call('TransactionEvent', { eventType: 'Ended', timestamp: at(), triggerReason: 'StopAuthorized', seqNo: 1, transactionInfo: { transactionId, stoppedReason: 'Local' }, evse: { id: connector, connectorId: 1 } });
}

/** What the Queries in `fn` examined (ScannedCount), summed: what DynamoDB read and billed, before any filter. */
async function scannedBy(fn: () => Promise<unknown>): Promise<number> {
  let scanned = 0;
  const name = `scanned-${Math.random()}`;
  documentClient().middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      if (context.commandName === 'QueryCommand') scanned += Number((result.output as { ScannedCount?: number }).ScannedCount ?? 0);
      return result;
    },
    { step: 'initialize', name },
  );
  try {
    await fn();
  } finally {
    documentClient().middlewareStack.remove(name);
  }
  return scanned;
}

describe.each(['ocpp1.6', 'ocpp2.0.1'] as const)('running sessions, %s', (protocol) => {
  it('are found by their pointers: a charger with twenty ended sessions reads only what runs', async () => {
    const c = await aBootedCharger(protocol);
    for (let i = 0; i < 20; i += 1) await stop(c, protocol, await start(c, protocol, 1), 1);
    const running = await start(c, protocol, 2);
    await rt.drain();

    expect((await activeSessionItems(c.identity)).map((s) => s.transactionId)).toEqual([running]);
    expect((await activeTransactions(c.identity)).map((t) => t.transactionId)).toEqual([running]);
    // One pointer examined, not the twenty-one sessions.
    expect(await scannedBy(() => activeSessionItems(c.identity))).toBe(1);

    await stop(c, protocol, running, 2);
    await rt.drain();
    expect(await activeSessionItems(c.identity)).toEqual([]);
    const pointer = await documentClient().send(new GetCommand({ TableName: config().tableName, Key: keys.runningTransaction(c.identity, running), ConsistentRead: true }));
    expect(pointer.Item).toBeUndefined();
  }, 60_000);
});

describe('the migration', () => {
  it('points a session that started before the pointers, and only one that still runs', async () => {
    const c = await aBootedCharger('ocpp1.6');
    const old = await start(c, 'ocpp1.6', 1);
    const ended = await start(c, 'ocpp1.6', 2);
    await rt.drain();
    // As before the pointers: neither has one; the ended one left a stale sweep pointer behind.
    for (const tx of [old, ended]) await documentClient().send(new DeleteCommand({ TableName: config().tableName, Key: keys.runningTransaction(c.identity, tx) }));
    const endedItem = (await documentClient().send(new GetCommand({ TableName: config().tableName, Key: keys.transaction(c.identity, ended), ConsistentRead: true }))).Item!;
    await stop(c, 'ocpp1.6', ended, 2);
    await rt.drain();
    await documentClient().send(new PutCommand({ TableName: config().tableName, Item: { ...keys.activeSession(0, String(endedItem.sessionId)), type: 'active_session', sessionId: endedItem.sessionId, identity: c.identity, transactionId: ended, chargePointId: endedItem.chargePointId } }));
    expect(await activeSessionItems(c.identity)).toEqual([]);

    const report = await migrateRunningPointers();
    expect(report.runningPointers).toBeGreaterThanOrEqual(1);
    expect((await activeSessionItems(c.identity)).map((s) => s.transactionId)).toEqual([old]);
    // Idempotent: nothing left to point.
    expect((await migrateRunningPointers()).runningPointers).toBe(0);
  }, 60_000);
});

describe('many charge points at once', () => {
  it('reads every running session of a site in one BatchGet after a pointer Query each', async () => {
    const a = await aBootedCharger('ocpp1.6');
    const b = await aBootedCharger('ocpp2.0.1');
    const idle = await aBootedCharger('ocpp1.6');
    const txA = await start(a, 'ocpp1.6', 1);
    const txB1 = await start(b, 'ocpp2.0.1', 1);
    const txB2 = await start(b, 'ocpp2.0.1', 2);
    await rt.drain();
    const counter = attachCallCounter(documentClient(), 'running-many');
    let running: Map<string, Array<{ transactionId: string }>>;
    try {
      running = await activeSessionItemsOf([a.identity, b.identity, idle.identity]);
    } finally {
      counter.detach();
    }
    expect(counter.calls.map((c) => c.command)).toEqual(['QueryCommand', 'QueryCommand', 'QueryCommand', 'BatchGetItemCommand']);
    expect(running.get(a.identity)!.map((s) => s.transactionId)).toEqual([txA]);
    expect(running.get(b.identity)!.map((s) => s.transactionId).sort()).toEqual([txB1, txB2].sort());
    expect(running.get(idle.identity)).toEqual([]);

    // Very many (a PowerBank zone): the sweep's 8 shards and one BatchGet, not a Query per charge
    // point, with the same answer (other tests' running sessions in the shards are left out).
    const many = [a.identity, b.identity, idle.identity, ...Array.from({ length: SHARDS_ABOVE }, (_, i) => `not-running-${i}`)];
    const counted = attachCallCounter(documentClient(), 'running-shards');
    let byShards: Map<string, Array<{ transactionId: string }>>;
    try {
      byShards = await activeSessionItemsOfMany(many);
    } finally {
      counted.detach();
    }
    expect(counted.calls.map((c) => c.command)).toEqual([...Array.from({ length: ACTIVE_SESSION_SHARDS }, () => 'QueryCommand'), 'BatchGetItemCommand']);
    expect(byShards).toEqual(await activeSessionItemsOf(many));
    expect([...byShards.values()].flat().map((s) => s.transactionId).sort()).toEqual([txA, txB1, txB2].sort());
  }, 60_000);
});
