// Commands to charge points: one library call, a CALL through @connections, the answer matched on
// $default and validated against the response schema.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createRPCError, NOREPLY, type RPCClient } from 'ocpp-rpc';
import type { LocalRuntime } from '../../local/runtime';
import { listLog } from '../../lib/db/logs';
import { Conflict } from '../../lib/domain/errors';
import type { callChargePoint as CallFn } from '../../lib/ocpp/commands';
import { aCommissionedChargePoint, aConnectedClient, aRawSocket, aRegisteredChargePoint, BOOT } from './support/ocpp';
import { startTestRuntime } from './support/runtime';

let rt: LocalRuntime;
let c16: RPCClient;
let c201: RPCClient;
let id16: string;
let id201: string;
let callChargePoint: typeof CallFn;
const received: Array<{ identity: string; method: string; params: unknown }> = [];

beforeAll(async () => {
  rt = await startTestRuntime();
  ({ callChargePoint } = await import('../../lib/ocpp/commands'));
  // Commissioned, so their boots are Accepted: remote start/stop is refused to a Pending station.
  const a = await aCommissionedChargePoint(rt, { protocol: 'ocpp1.6' });
  const b = await aCommissionedChargePoint(rt, { protocol: 'ocpp2.0.1' });
  id16 = a.identity;
  id201 = b.identity;
  c16 = await aConnectedClient(rt, { identity: id16, password: a.provisioningPassword, protocol: 'ocpp1.6' });
  c201 = await aConnectedClient(rt, { identity: id201, password: b.provisioningPassword, protocol: 'ocpp2.0.1' });
  await c16.call('BootNotification', BOOT['ocpp1.6']);
  await c201.call('BootNotification', BOOT['ocpp2.0.1']);
  for (const [client, identity] of [[c16, id16], [c201, id201]] as const) {
    client.handle(async ({ method, params }) => {
      received.push({ identity, method: method!, params });
      return ANSWERS[method!] ?? { status: 'Accepted' };
    });
  }
});
afterAll(async () => {
  await c16?.close({ force: true }).catch(() => undefined);
  await c201?.close({ force: true }).catch(() => undefined);
  await rt?.stop();
});

const ANSWERS: Record<string, Record<string, unknown>> = {
  GetConfiguration: { configurationKey: [{ key: 'HeartbeatInterval', readonly: false, value: '300' }], unknownKey: [] },
  GetVariables: { getVariableResult: [{ attributeStatus: 'Accepted', component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' }, attributeValue: '300' }] },
  SetVariables: { setVariableResult: [{ attributeStatus: 'Accepted', component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } }] },
  UnlockConnector: { status: 'Unlocked' },
};

const COMMANDS_16: Array<[string, Record<string, unknown>]> = [
  ['Reset', { type: 'Soft' }],
  ['RemoteStartTransaction', { idTag: 'CARD-1', connectorId: 1 }],
  ['RemoteStopTransaction', { transactionId: 1 }],
  ['UnlockConnector', { connectorId: 1 }],
  ['TriggerMessage', { requestedMessage: 'Heartbeat' }],
  ['ChangeConfiguration', { key: 'HeartbeatInterval', value: '300' }],
  ['GetConfiguration', { key: ['HeartbeatInterval'] }],
  ['ChangeAvailability', { connectorId: 0, type: 'Operative' }],
];
const COMMANDS_201: Array<[string, Record<string, unknown>]> = [
  ['Reset', { type: 'Immediate' }],
  ['RequestStartTransaction', { idToken: { idToken: 'CARD-1', type: 'ISO14443' }, remoteStartId: 1 }],
  ['RequestStopTransaction', { transactionId: 'TX-1' }],
  ['UnlockConnector', { evseId: 1, connectorId: 1 }],
  ['TriggerMessage', { requestedMessage: 'Heartbeat' }],
  ['SetVariables', { setVariableData: [{ attributeValue: '300', component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } }] }],
  ['GetVariables', { getVariableData: [{ component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } }] }],
  ['ChangeAvailability', { operationalStatus: 'Operative' }],
  ['GetBaseReport', { requestId: 1, reportBase: 'FullInventory' }],
  ['GetReport', { requestId: 2, componentVariable: [{ component: { name: 'OCPPCommCtrlr' } }] }],
  [
    'SetNetworkProfile',
    { configurationSlot: 1, connectionData: { ocppVersion: 'OCPP20', ocppTransport: 'JSON', ocppCsmsUrl: 'wss://csms.example.com/ocpp', messageTimeout: 30, securityProfile: 2, ocppInterface: 'Wired0' } },
  ],
];

describe('commands', () => {
  it.each(COMMANDS_16)('OCPP 1.6 %s round trip', async (action, payload) => {
    const result = await callChargePoint(id16, action, payload, { timeoutMs: 5000 });
    expect(result.status).toBe('accepted');
    expect(received.at(-1)).toEqual({ identity: id16, method: action, params: payload });
    expect(result.response).toEqual(ANSWERS[action] ?? { status: 'Accepted' });
  });

  it.each(COMMANDS_201)('OCPP 2.0.1 %s round trip', async (action, payload) => {
    const result = await callChargePoint(id201, action, payload, { timeoutMs: 5000 });
    expect(result.status).toBe('accepted');
    expect(received.at(-1)).toMatchObject({ identity: id201, method: action });
  });

  it('records a rejection, a CALLERROR and a response that breaks the schema', async () => {
    c16.handle('Reset', async () => ({ status: 'Rejected' }));
    expect((await callChargePoint(id16, 'Reset', { type: 'Hard' }, { timeoutMs: 5000 })).status).toBe('rejected');
    c16.handle('Reset', async () => {
      throw createRPCError('NotSupported', 'no resets today');
    });
    const failed = await callChargePoint(id16, 'Reset', { type: 'Hard' }, { timeoutMs: 5000 });
    expect(failed).toMatchObject({ status: 'error', error: { code: 'NotSupported', description: 'no resets today' } });
    c16.handle('Reset', async () => ({ status: 'Accepted' }));
  });

  it('settles a command as an error at once when the answer is malformed but its id readable (a probe waited for the timeout)', async () => {
    const cp = await aCommissionedChargePoint(rt, { protocol: 'ocpp1.6' });
    const raw = await aRawSocket(rt, { identity: cp.identity, password: cp.provisioningPassword, protocol: 'ocpp1.6' });
    try {
      raw.send(JSON.stringify([2, 'boot', 'BootNotification', BOOT['ocpp1.6']]));
      expect(JSON.parse((await raw.next())!)).toMatchObject([3, 'boot', { status: 'Accepted' }]);
      for (const broken of [(id: string) => `[3,"${id}",{"status":`, (id: string) => `[3,"${id}",[]]`]) {
        const pending = callChargePoint(cp.identity, 'Reset', { type: 'Soft' }, { timeoutMs: 15_000 });
        const call = JSON.parse((await raw.next(5000))!) as [number, string, string];
        expect(call.slice(0, 1).concat(call.slice(2, 3))).toEqual([2, 'Reset']);
        raw.send(broken(call[1]));
        expect(await pending).toMatchObject({ status: 'error', error: { code: 'FormatViolation', description: expect.stringMatching(/^Malformed Reset response/) } });
      }
      // Nothing is ever sent back for a response, broken or not.
      expect(await raw.next(300)).toBeUndefined();
    } finally {
      raw.close();
    }
  });

  it('times out when the charge point never answers, and frees the slot for the next command', async () => {
    // ocpp-rpc's typings describe NOREPLY as an object; at run time it is the symbol the handler returns.
    c201.handle('TriggerMessage', async () => NOREPLY as unknown as Record<string, unknown>);
    const result = await callChargePoint(id201, 'TriggerMessage', { requestedMessage: 'Heartbeat' }, { timeoutMs: 400 });
    expect(result.status).toBe('timed_out');
    // The slot is free again.
    c201.handle('TriggerMessage', async () => ({ status: 'Accepted' }));
    expect((await callChargePoint(id201, 'TriggerMessage', { requestedMessage: 'Heartbeat' }, { timeoutMs: 5000 })).status).toBe('accepted');
  });

  it('stops waiting with not_connected when the charger goes away before it answers', async () => {
    const c = await aRegisteredChargePoint(rt, { protocol: 'ocpp2.0.1' });
    const client = await aConnectedClient(rt, { identity: c.identity, password: c.provisioningPassword, protocol: 'ocpp2.0.1' });
    await client.call('BootNotification', BOOT['ocpp2.0.1']);
    let asked!: () => void;
    const wasAsked = new Promise<void>((resolve) => (asked = resolve));
    client.handle('TriggerMessage', async () => {
      asked();
      return NOREPLY as unknown as Record<string, unknown>;
    });
    // A timeout far longer than the test: only the connection check can end the wait.
    const pending = callChargePoint(c.identity, 'TriggerMessage', { requestedMessage: 'Heartbeat' }, { timeoutMs: 60_000 });
    await wasAsked;
    await client.close({ force: true });
    expect((await pending).status).toBe('not_connected');
  });

  it('reads a SetVariables/GetVariables outcome per attribute: rejected, partially_accepted, accepted', async () => {
    const hb = { component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } };
    const tx = { component: { name: 'TxCtrlr' }, variable: { name: 'EVConnectionTimeOut' } };
    const answer = (statuses: string[]) => async () => ({ setVariableResult: statuses.map((attributeStatus, i) => ({ attributeStatus, ...(i === 0 ? hb : tx) })) });
    const set = (n: number) => callChargePoint(id201, 'SetVariables', { setVariableData: [hb, tx].slice(0, n).map((d) => ({ ...d, attributeValue: '300' })) }, { timeoutMs: 5000 });
    c201.handle('SetVariables', answer(['Rejected']));
    expect(await set(1)).toMatchObject({ status: 'rejected', response: { setVariableResult: [{ attributeStatus: 'Rejected' }] } });
    c201.handle('SetVariables', answer(['Accepted', 'UnknownVariable']));
    expect((await set(2)).status).toBe('partially_accepted');
    c201.handle('SetVariables', answer(['Accepted', 'RebootRequired']));
    expect((await set(2)).status).toBe('accepted');
    c201.handle('GetVariables', async () => ({ getVariableResult: [{ attributeStatus: 'UnknownComponent', ...hb }] }));
    expect((await callChargePoint(id201, 'GetVariables', { getVariableData: [hb] }, { timeoutMs: 5000 })).status).toBe('rejected');
    c201.handle('SetVariables', async () => ANSWERS.SetVariables!);
    c201.handle('GetVariables', async () => ANSWERS.GetVariables!);
  });

  it('refuses remote start/stop to a charge point whose boot is Pending (1.6 §4.2, 2.0.1 B02), naming why', async () => {
    for (const [protocol, actions, payloads] of [
      ['ocpp1.6', ['RemoteStartTransaction', 'RemoteStopTransaction'], COMMANDS_16],
      ['ocpp2.0.1', ['RequestStartTransaction', 'RequestStopTransaction'], COMMANDS_201],
    ] as const) {
      const pending = await aRegisteredChargePoint(rt, { protocol });
      const client = await aConnectedClient(rt, { identity: pending.identity, password: pending.provisioningPassword, protocol });
      try {
        expect(await client.call('BootNotification', BOOT[protocol])).toMatchObject({ status: 'Pending' });
        for (const action of actions) {
          const payload = payloads.find(([a]) => a === action)![1];
          await expect(callChargePoint(pending.identity, action, payload, { timeoutMs: 2000 })).rejects.toMatchObject({ kind: 'conflict', message: expect.stringContaining('Pending') });
        }
      } finally {
        await client.close({ force: true });
      }
    }
  });

  it('rejects an invalid request before sending it', async () => {
    await expect(callChargePoint(id16, 'Reset', { type: 'Sideways' })).rejects.toMatchObject({ kind: 'validation' });
    await expect(callChargePoint(id16, 'GetVariables', {})).rejects.toMatchObject({ kind: 'validation' });
  });

  it('keeps one outstanding call per charge point: a second caller waits its turn, never gets a crossed answer', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    c16.handle('GetConfiguration', async ({ params }) => {
      received.push({ identity: id16, method: 'GetConfiguration', params });
      await gate;
      return ANSWERS.GetConfiguration!;
    });
    const before = received.length;
    const first = callChargePoint(id16, 'GetConfiguration', { key: ['HeartbeatInterval'] }, { timeoutMs: 5000 });
    // The first call holds the slot once the charge point has it.
    await vi.waitFor(() => expect(received.slice(before).map((r) => r.method)).toContain('GetConfiguration'));
    const second = callChargePoint(id16, 'ChangeAvailability', { connectorId: 0, type: 'Operative' }, { timeoutMs: 5000, waitForSlotMs: 5000 });
    const busy = callChargePoint(id16, 'Reset', { type: 'Soft' }, { timeoutMs: 5000, waitForSlotMs: 0 });
    await expect(busy).rejects.toBeInstanceOf(Conflict);
    release();
    const [a, b] = await Promise.all([first, second]);
    expect(a).toMatchObject({ action: 'GetConfiguration', status: 'accepted', response: ANSWERS.GetConfiguration });
    expect(b).toMatchObject({ action: 'ChangeAvailability', status: 'accepted', response: { status: 'Accepted' } });
  });

  it('reports not_connected for a registered charge point that is offline', async () => {
    const offline = await aRegisteredChargePoint(rt, { protocol: 'ocpp1.6' });
    expect((await callChargePoint(offline.identity, 'Reset', { type: 'Soft' })).status).toBe('not_connected');
  });

  it('logs the outgoing CALL and the incoming answer', async () => {
    const kinds = (await listLog(id16, { limit: 200 })).entries.map((e) => `${e.kind}:${e.action}`);
    expect(kinds).toContain('call_out:Reset');
    expect(kinds).toContain('result_in:Reset');
  });

  it('logs a duplicate answer as late beside the answer that counted, never over it (both may arrive in the same millisecond)', async () => {
    const reg = await aCommissionedChargePoint(rt, { protocol: 'ocpp1.6' });
    const raw = await aRawSocket(rt, { identity: reg.identity, password: reg.provisioningPassword, protocol: 'ocpp1.6' });
    raw.send(JSON.stringify([2, 'boot-1', 'BootNotification', BOOT['ocpp1.6']]));
    await raw.next();
    const pending = callChargePoint(reg.identity, 'UnlockConnector', { connectorId: 1 });
    const call = JSON.parse((await raw.next())!) as [number, string];
    // The same answer twice, back to back.
    raw.send(JSON.stringify([3, call[1], { status: 'Unlocked' }]));
    raw.send(JSON.stringify([3, call[1], { status: 'Unlocked' }]));
    expect((await pending).status).toBe('accepted');
    await rt.drain();
    // The duplicate is logged late (it raced the first to the pending call) or unmatched (it came after): either way, beside it.
    const answers = (await listLog(reg.identity, { limit: 50 })).entries.filter((e) => e.kind === 'result_in' && e.messageId === call[1]);
    const what = (e: (typeof answers)[number]) => {
      const d = (e.detail ?? {}) as { late?: boolean; unmatched?: boolean; outcome?: string };
      return d.late ? 'late' : d.unmatched ? 'unmatched' : d.outcome;
    };
    expect(answers).toHaveLength(2);
    expect(answers.map(what).filter((w) => w === 'accepted')).toHaveLength(1);
    expect(answers.map(what).filter((w) => w === 'late' || w === 'unmatched')).toHaveLength(1);
    raw.close();
  });
});
