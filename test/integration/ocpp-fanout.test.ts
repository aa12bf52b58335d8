// A fan-out of commands (lib/ocpp/commands.ts sendToChargePoints, used by PowerBank activations):
// the slots of up to 33 charge points are taken in one transaction, a charge point whose slot is
// busy waits its turn on its own without holding up the rest, and every command is answered and
// recorded as a single callChargePoint would be.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RPCClient } from 'ocpp-rpc';
import type { LocalRuntime } from '../../local/runtime';
import { NotFound } from '../../lib/domain/errors';
import { attachCallCounter, isWrite } from '../../lib/aws/call-counter';
import { documentClient } from '../../lib/aws/clients';
import type * as Commands from '../../lib/ocpp/commands';
import { aCommissionedChargePoint, aConnectedClient, aRegisteredChargePoint, BOOT } from './support/ocpp';
import { startTestRuntime } from './support/runtime';

vi.setConfig({ testTimeout: 90_000, hookTimeout: 180_000 });

const N = 36;
let rt: LocalRuntime;
let commands: typeof Commands;
const chargers: Array<{ identity: string; client: RPCClient }> = [];
/** Per identity: the TriggerMessage requests it received, in order. */
const received = new Map<string, unknown[]>();
/** While set, chargers hold their answers until it resolves. */
let hold: Promise<void> | undefined;

beforeAll(async () => {
  rt = await startTestRuntime();
  commands = await import('../../lib/ocpp/commands');
  for (let i = 0; i < N; i += 1) {
    const protocol = i % 4 === 3 ? 'ocpp2.0.1' : 'ocpp1.6';
    const reg = await aCommissionedChargePoint(rt, { protocol });
    const client = await aConnectedClient(rt, { identity: reg.identity, password: reg.provisioningPassword, protocol });
    await client.call('BootNotification', BOOT[protocol]);
    received.set(reg.identity, []);
    client.handle('TriggerMessage', async ({ params }) => {
      received.get(reg.identity)!.push(params);
      if (hold) await hold;
      return { status: 'Accepted' };
    });
    chargers.push({ identity: reg.identity, client });
  }
});
afterAll(async () => {
  for (const c of chargers) await c.client.close({ force: true }).catch(() => undefined);
  await rt?.stop();
});

const trigger = (identity: string, requestedMessage = 'Heartbeat') => ({ identity, action: 'TriggerMessage', payload: { requestedMessage }, opts: { wait: false as const, timeoutMs: 20_000 } });

async function settledOf(commandIds: readonly string[]): Promise<string[]> {
  const { GetCommand } = await import('@aws-sdk/lib-dynamodb');
  const { config } = await import('../../lib/config');
  const { keys } = await import('../../lib/db/keys');
  return Promise.all(commandIds.map(async (id) => String((await documentClient().send(new GetCommand({ TableName: config().tableName, Key: keys.command(id), ConsistentRead: true }))).Item?.status)));
}

describe('sendToChargePoints', () => {
  it('takes the slots of 33 charge points per transaction and sends every command', async () => {
    await rt.drain();
    let release!: () => void;
    hold = new Promise((r) => (release = r));
    const counter = attachCallCounter(documentClient(), 'fanout-counter');
    try {
      const results = await commands.sendToChargePoints(chargers.map((c) => trigger(c.identity)));
      // Nothing has been answered yet: every write so far is a slot transaction of 3 items per charge
      // point under the 100-item limit, 33 charge points in the first, 3 in the second. (The reads
      // are each charge point's own: this test does not pass what it knows, as a fan-out does.)
      expect(commands.MAX_TRANSACTION_ITEMS).toBe(100);
      expect(counter.calls.filter(isWrite).map((c) => c.command)).toEqual(['TransactWriteItemsCommand', 'TransactWriteItemsCommand']);
      expect(results.map((r) => (r.status === 'fulfilled' ? r.value.status : 'rejected'))).toEqual(Array(N).fill('sent'));
      await vi.waitFor(() => expect([...received.values()].every((r) => r.length === 1)).toBe(true), { timeout: 20_000 });
      release();
      hold = undefined;
      const ids = results.map((r) => (r as PromiseFulfilledResult<Commands.CommandRecord>).value.commandId);
      await vi.waitFor(async () => expect(await settledOf(ids)).toEqual(Array(N).fill('accepted')), { timeout: 30_000, interval: 250 });
    } finally {
      counter.detach();
      release();
      hold = undefined;
    }
  });

  it('lets a charge point whose slot is busy wait its turn alone, sends the rest at once, and keeps two commands to one charge point in order', async () => {
    await rt.drain();
    for (const r of received.values()) r.splice(0);
    // The first charger is busy with a command it has not answered yet.
    let release!: () => void;
    hold = new Promise((r) => (release = r));
    const busy = chargers[0]!.identity;
    const first = await commands.callChargePoint(busy, 'TriggerMessage', { requestedMessage: 'StatusNotification' }, { wait: false });
    expect(first.status).toBe('sent');
    await vi.waitFor(() => expect(received.get(busy)).toHaveLength(1), { timeout: 10_000 });

    const second = chargers[1]!.identity;
    const fanOut = commands.sendToChargePoints([...chargers.map((c) => trigger(c.identity)), trigger(second, 'BootNotification')]);
    // Everyone else got the fan-out's command while the busy one still holds its slot.
    await vi.waitFor(() => expect(chargers.slice(1).every((c) => received.get(c.identity)!.length >= 1)).toBe(true), { timeout: 20_000 });
    expect(received.get(busy)).toHaveLength(1);
    hold = undefined;
    release();
    const results = await fanOut;
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value.status : String(r.reason)))).toEqual(Array(N + 1).fill('sent'));
    // The busy one got its command after its first was answered; the second charge point got both of its commands, in order.
    await vi.waitFor(() => expect(received.get(busy)).toEqual([{ requestedMessage: 'StatusNotification' }, { requestedMessage: 'Heartbeat' }]), { timeout: 20_000 });
    await vi.waitFor(() => expect(received.get(second)).toEqual([{ requestedMessage: 'Heartbeat' }, { requestedMessage: 'BootNotification' }]), { timeout: 20_000 });
    const ids = results.map((r) => (r as PromiseFulfilledResult<Commands.CommandRecord>).value.commandId);
    await vi.waitFor(async () => expect(await settledOf(ids)).toEqual(Array(N + 1).fill('accepted')), { timeout: 30_000, interval: 250 });
  });

  it('records a charge point that is not connected as not_connected, and one that does not exist as the error a single call gives', async () => {
    const offline = await aRegisteredChargePoint(rt, { protocol: 'ocpp1.6' });
    const results = await commands.sendToChargePoints([trigger(offline.identity), trigger('NO-SUCH-CHARGER'), trigger(chargers[2]!.identity)]);
    expect(results[0]).toMatchObject({ status: 'fulfilled', value: { status: 'not_connected' } });
    expect(results[1]).toMatchObject({ status: 'rejected', reason: expect.any(NotFound) });
    expect(results[2]).toMatchObject({ status: 'fulfilled', value: { status: 'sent' } });
    // Answered and settled (its slot free again) before the next test counts its writes.
    const sent = (results[2] as PromiseFulfilledResult<Commands.CommandRecord>).value.commandId;
    await vi.waitFor(async () => expect(await settledOf([sent])).toEqual(['accepted']), { timeout: 20_000, interval: 100 });
  });

  it('writes what each send also asks for in its slot transaction, 25 charge points a transaction with one item more each', async () => {
    await rt.drain();
    const { GetCommand } = await import('@aws-sdk/lib-dynamodb');
    const { config } = await import('../../lib/config');
    const run = `FANOUT#${Date.now()}`;
    const marker = (identity: string) => ({ Put: { TableName: config().tableName, Item: { pk: run, sk: identity, type: 'TEST_MARKER' } } });
    for (const r of received.values()) r.splice(0);
    // The chargers hold their answers, so every write counted is the fan-out's own.
    let release!: () => void;
    hold = new Promise((r) => (release = r));
    const counter = attachCallCounter(documentClient(), 'fanout-also-counter');
    try {
      const results = await commands.sendToChargePoints(chargers.map((c) => ({ ...trigger(c.identity), alsoWrite: [marker(c.identity)] })));
      expect(results.every((r) => r.status === 'fulfilled' && r.value.status === 'sent')).toBe(true);
      // 4 items each under the 100-item limit: 25 charge points, then 11.
      expect(counter.calls.filter(isWrite).map((c) => c.command)).toEqual(['TransactWriteItemsCommand', 'TransactWriteItemsCommand']);
    } finally {
      counter.detach();
      hold = undefined;
      release();
    }
    for (const c of chargers) {
      const out = await documentClient().send(new GetCommand({ TableName: config().tableName, Key: { pk: run, sk: c.identity }, ConsistentRead: true }));
      expect(out.Item?.type).toBe('TEST_MARKER');
    }
    await vi.waitFor(() => expect([...received.values()].every((r) => r.length >= 1)).toBe(true), { timeout: 20_000 });
  });
});
