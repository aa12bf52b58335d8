// Raw frames over a plain WebSocket: malformed input, retries, and what one message costs.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime';
import { documentClient } from '../../lib/aws/clients';
import { attachCallCounter, isWrite, type CallCounter } from '../../lib/aws/call-counter';
import type { RegisteredChargePoint } from '../../lib/domain/charge-points';
import { ERROR_CODES } from '../../lib/ocpp/errors';
import { EVENT_RULES } from '../../lib/events/rules';
import { INVALID_FRAME_LOGGING, latestConnectorStatuses, listLog } from '../../lib/db/logs';
import { activeSessionItems } from '../../lib/db/sessions';
import { MAX_PAYLOAD_DEPTH } from '../../lib/ocpp/codec';
import { aCommissionedChargePoint, aRawSocket, aRegisteredChargePoint, BOOT } from './support/ocpp';
import { startTestRuntime } from './support/runtime';

let rt: LocalRuntime;
let cp16: RegisteredChargePoint;
let cp201: RegisteredChargePoint;
let s16: Awaited<ReturnType<typeof aRawSocket>>;
let s201: Awaited<ReturnType<typeof aRawSocket>>;
let counter: CallCounter;
/** Connections opened after a boot was Accepted: their $connect context says so. */
let accepted16: Awaited<ReturnType<typeof aRawSocket>>;
let accepted201: Awaited<ReturnType<typeof aRawSocket>>;

/** A charge point whose commissioning completed, booted (Accepted) and reconnected, as after an API Gateway 2-hour reconnect. */
async function anAcceptedConnection(version: 'ocpp1.6' | 'ocpp2.0.1') {
  const cp = await aCommissionedChargePoint(rt, { protocol: version });
  const login = { identity: cp.identity, password: cp.provisioningPassword, protocol: version };
  const first = await aRawSocket(rt, login);
  first.send(JSON.stringify([2, 'boot-accepted', 'BootNotification', BOOT[version]]));
  expect((JSON.parse((await first.next())!) as { status?: string }[])[2]?.status).toBe('Accepted');
  first.close();
  await rt.drain();
  return aRawSocket(rt, login);
}

async function bootRaw(s: typeof s16, version: 'ocpp1.6' | 'ocpp2.0.1') {
  s.send(JSON.stringify([2, 'boot-1', 'BootNotification', BOOT[version]]));
  const reply = JSON.parse((await s.next())!) as unknown[];
  expect(reply[0]).toBe(3);
}

beforeAll(async () => {
  // Only the message handler's own calls are counted: on AWS the event consumers (webhook fan-out…)
  // are separate Lambdas, but here they share the process and the SDK client.
  rt = await startTestRuntime({ eventRules: EVENT_RULES.filter((r) => r.name !== 'webhook-fanout') });
  // Commissioned, so their boots are Accepted: a Pending station may send only what it is asked for.
  cp16 = await aCommissionedChargePoint(rt, { protocol: 'ocpp1.6' });
  cp201 = await aCommissionedChargePoint(rt, { protocol: 'ocpp2.0.1' });
  s16 = await aRawSocket(rt, { identity: cp16.identity, password: cp16.provisioningPassword, protocol: 'ocpp1.6' });
  s201 = await aRawSocket(rt, { identity: cp201.identity, password: cp201.provisioningPassword, protocol: 'ocpp2.0.1' });
  await bootRaw(s16, 'ocpp1.6');
  await bootRaw(s201, 'ocpp2.0.1');
  accepted16 = await anAcceptedConnection('ocpp1.6');
  accepted201 = await anAcceptedConnection('ocpp2.0.1');
  counter = attachCallCounter(documentClient(), 'frames-test-counter');
});
afterAll(async () => {
  counter?.detach();
  s16?.close();
  s201?.close();
  accepted16?.close();
  accepted201?.close();
  await rt?.stop();
});

let probes = 0;
/**
 * Sends a frame and returns its reply, or undefined when there is none. "None" is decided without a
 * timer: a Heartbeat probe follows the frame and everything received before the probe's answer
 * (after the server has drained, and a second probe) belongs to the frame.
 */
const exchange = async (s: typeof s16, text: string): Promise<unknown[] | undefined> => {
  const received: unknown[][] = [];
  const probe = async () => {
    const id = `probe-${++probes}`;
    s.send(JSON.stringify([2, id, 'Heartbeat', {}]));
    for (;;) {
      const next = await s.next(10_000);
      if (next === undefined) throw new Error('no answer to the probe');
      const frame = JSON.parse(next) as unknown[];
      if (frame[1] === id) return;
      received.push(frame);
    }
  };
  s.send(text);
  await probe();
  await rt.drain();
  await probe();
  expect(received.length).toBeLessThanOrEqual(1);
  return received[0];
};

describe('malformed frames (OCPP 1.6)', () => {
  it('answers FormationViolation when the id is readable, drops the frame when it is not', async () => {
    expect(await exchange(s16, '[2,"m1","Heartbeat"]')).toEqual([4, 'm1', 'FormationViolation', expect.any(String), {}]);
    expect(await exchange(s16, 'not json at all')).toBeUndefined();
  });
  it('answers a CALL whose id is longer than 36 characters with FormationViolation echoing the id (§4.2.3), not silence', async () => {
    const id = `${'x'.repeat(36)}7`;
    expect(await exchange(s16, `[2,"${id}","Heartbeat",{}]`)).toEqual([4, id, 'FormationViolation', 'MessageId must be at most 36 characters, got 37', {}]);
    expect(await exchange(s16, `[3,"${id}",{}]`)).toBeUndefined();
  });
  it('answers a schema violation with the 1.6 code', async () => {
    expect(await exchange(s16, '[2,"m2","StatusNotification",{"connectorId":1,"errorCode":"NoError","status":"Sleeping"}]')).toEqual([
      4, 'm2', 'PropertyConstraintViolation', expect.stringContaining('status'), expect.any(Object),
    ]);
    expect(await exchange(s16, '[2,"m3","StatusNotification",{"connectorId":"one","errorCode":"NoError","status":"Available"}]')).toEqual([
      4, 'm3', 'TypeConstraintViolation', expect.any(String), expect.any(Object),
    ]);
    expect(await exchange(s16, '[2,"m4","StatusNotification",{"errorCode":"NoError","status":"Available"}]')).toEqual([
      4, 'm4', 'OccurenceConstraintViolation', expect.any(String), expect.any(Object),
    ]);
  });
  it('answers NotImplemented for an unknown action and never answers a CALLRESULT or CALLERROR', async () => {
    expect(await exchange(s16, '[2,"m5","FlyToTheMoon",{}]')).toEqual([4, 'm5', 'NotImplemented', expect.any(String), {}]);
    expect(await exchange(s16, '[3,"nobody-asked",{}]')).toBeUndefined();
    expect(await exchange(s16, '[4,"nobody-asked","GenericError","",{}]')).toBeUndefined();
    expect(await exchange(s16, '[3,"broken"]')).toBeUndefined();
  });
});

describe('actions the version defines but this CSMS does not take part in (1.6 §4.2.3 Table 7, 2.0.1 §4.3 Table 8)', () => {
  it.each([
    ['ocpp1.6', 'GetDiagnostics', { location: 'ftp://example.com/' }],
    ['ocpp1.6', 'ReserveNow', { connectorId: 1, expiryDate: '2026-01-01T00:00:00Z', idTag: 'CARD', reservationId: 1 }],
    ['ocpp2.0.1', 'Get15118EVCertificate', { iso15118SchemaVersion: 'urn:iso:15118:2:2013:MsgDef', action: 'Install', exiRequest: 'AA==' }],
    ['ocpp2.0.1', 'GetCertificateStatus', { ocspRequestData: { hashAlgorithm: 'SHA256', issuerNameHash: 'a', issuerKeyHash: 'b', serialNumber: 'c', responderURL: 'http://ocsp.example.com' } }],
    ['ocpp2.0.1', 'Reset', { type: 'Immediate' }],
  ] as const)('%s %s is answered NotSupported ("recognized but not supported"), an unknown name NotImplemented', async (version, action, payload) => {
    const s = version === 'ocpp1.6' ? s16 : s201;
    expect(await exchange(s, JSON.stringify([2, `ns-${action}`, action, payload]))).toEqual([4, `ns-${action}`, 'NotSupported', `this CSMS does not take part in ${action} (no request validator)`, {}]);
    expect(await exchange(s, JSON.stringify([2, `ni-${action}`, `${action}X`, payload]))).toEqual([4, `ni-${action}`, 'NotImplemented', expect.any(String), {}]);
  });
});

describe('1.6 message-table rules the official schemas leave out (ocpp-1.6_edition_2 §6.31, §6.45, §6.47, §6.49, §7.33)', () => {
  it('refuses a start on connector 0, a status for connector -1 and empty meter values, and writes no state', async () => {
    const cp = await aCommissionedChargePoint(rt, { protocol: 'ocpp1.6' });
    const s = await aRawSocket(rt, { identity: cp.identity, password: cp.provisioningPassword, protocol: 'ocpp1.6' });
    try {
      await bootRaw(s, 'ocpp1.6');
      const now = new Date().toISOString();
      const sample = { timestamp: now, sampledValue: [{ value: '10' }] };
      const refusals: Array<[string, Record<string, unknown>, string, string, string]> = [
        ['StartTransaction', { connectorId: 0, idTag: 'CARD', meterStart: 0, timestamp: now }, 'PropertyConstraintViolation', '/connectorId', '/connectorId must be > 0'],
        ['StatusNotification', { connectorId: -1, errorCode: 'NoError', status: 'Available' }, 'PropertyConstraintViolation', '/connectorId', '/connectorId must be >= 0'],
        ['MeterValues', { connectorId: -1, meterValue: [sample] }, 'PropertyConstraintViolation', '/connectorId', '/connectorId must be >= 0'],
        ['MeterValues', { connectorId: 1, meterValue: [] }, 'OccurenceConstraintViolation', '/meterValue', '/meterValue must NOT have fewer than 1 items'],
        ['MeterValues', { connectorId: 1, meterValue: [{ timestamp: now, sampledValue: [] }] }, 'OccurenceConstraintViolation', '/meterValue/0/sampledValue', '/meterValue/0/sampledValue must NOT have fewer than 1 items'],
        [
          'StopTransaction',
          { transactionId: 1, meterStop: 10, timestamp: now, transactionData: [{ timestamp: now, sampledValue: [] }] },
          'OccurenceConstraintViolation',
          '/transactionData/0/sampledValue',
          '/transactionData/0/sampledValue must NOT have fewer than 1 items',
        ],
      ];
      await rt.drain();
      counter.reset();
      for (const [i, [action, payload, code, path, description]] of refusals.entries()) {
        const reply = await exchange(s, JSON.stringify([2, `rule-${i}`, action, payload]));
        expect(reply, action).toEqual([4, `rule-${i}`, code, description, { path, keyword: expect.any(String) }]);
      }
      // Only the log was written: no transaction (a start, a stop), no session, no connector status.
      expect(counter.calls.map((c) => c.command)).not.toContain('TransactWriteItemsCommand');
      expect(await activeSessionItems(cp.identity)).toEqual([]);
      expect(await latestConnectorStatuses(cp.identity)).toEqual([]);
      // The values the tables allow still pass: a status for connector 0, meter values of the main meter.
      expect(await exchange(s, JSON.stringify([2, 'rule-ok-1', 'StatusNotification', { connectorId: 0, errorCode: 'NoError', status: 'Available' }]))).toEqual([3, 'rule-ok-1', {}]);
      expect(await exchange(s, JSON.stringify([2, 'rule-ok-2', 'MeterValues', { connectorId: 0, meterValue: [sample] }]))).toEqual([3, 'rule-ok-2', {}]);
      expect((await latestConnectorStatuses(cp.identity)).map((c) => c.connectorId)).toEqual([0]);
    } finally {
      s.close();
    }
  });
});

describe('a null payload, which the spec allows for an empty one (1.6 §4.2.1, 2.0.1 §4.1.5)', () => {
  it.each(['ocpp1.6', 'ocpp2.0.1'] as const)('is answered like {} (%s)', async (version) => {
    const reply = await exchange(version === 'ocpp1.6' ? s16 : s201, '[2,"np1","Heartbeat",null]');
    expect(reply).toEqual([3, 'np1', { currentTime: expect.any(String) }]);
  });
});

describe('malformed frames (OCPP 2.0.1)', () => {
  it('answers RpcFrameworkError with id "-1" when the id is unreadable', async () => {
    expect(await exchange(s201, '{"not":"an array"}')).toEqual([4, '-1', 'RpcFrameworkError', expect.any(String), {}]);
  });
  it('answers MessageTypeNotSupported, FormatViolation and the constraint codes with 2.0.1 spellings', async () => {
    expect(await exchange(s201, '[7,"t1","Heartbeat",{}]')).toEqual([4, 't1', 'MessageTypeNotSupported', expect.any(String), {}]);
    expect(await exchange(s201, '[2,"t2","Heartbeat",[]]')).toEqual([4, 't2', 'FormatViolation', expect.any(String), {}]);
    expect(await exchange(s201, '[2,"t3","Heartbeat",{"extra":1}]')).toEqual([4, 't3', expect.stringMatching(/^(ProtocolError|PropertyConstraintViolation)$/), expect.any(String), expect.any(Object)]);
    expect(await exchange(s201, '[2,"t4","StatusNotification",{"timestamp":"2026-01-01T00:00:00Z","connectorStatus":"Available","evseId":1}]')).toEqual([
      4, 't4', 'OccurrenceConstraintViolation', expect.any(String), expect.any(Object),
    ]);
  });
});

describe('values the database cannot hold and payloads too deep to process (found by fuzzing)', () => {
  const now = () => new Date().toISOString();
  it.each([
    ['1.6 StatusNotification connectorId', () => s16, `[2,"u1","StatusNotification",{"connectorId":9007199254740993,"errorCode":"NoError","status":"Available"}]`, '/connectorId'],
    ['1.6 StartTransaction meterStart', () => s16, `[2,"u2","StartTransaction",{"connectorId":1,"idTag":"CARD","meterStart":100000000000000000000,"timestamp":"${now()}"}]`, '/meterStart'],
    [
      '2.0.1 TransactionEvent seqNo',
      () => s201,
      `[2,"u3","TransactionEvent",{"eventType":"Started","timestamp":"${now()}","triggerReason":"CablePluggedIn","seqNo":18014398509481984,"transactionInfo":{"transactionId":"TX-U3"},"evse":{"id":1,"connectorId":1}}]`,
      '/seqNo',
    ],
    ['2.0.1 StatusNotification evseId', () => s201, `[2,"u4","StatusNotification",{"timestamp":"${now()}","connectorStatus":"Available","evseId":9007199254740993,"connectorId":1}]`, '/evseId'],
  ])('answers an integer beyond 2^53 - 1 in %s with PropertyConstraintViolation, not InternalError', async (_name, s, frame, path) => {
    const id = (JSON.parse(frame.replace(/\d{16,}/g, '0')) as unknown[])[1];
    expect(await exchange(s(), frame)).toEqual([4, id, 'PropertyConstraintViolation', expect.stringContaining(path), { path }]);
  });

  it.each([
    ['2.0.1 MeterValues value 1e-300 (DynamoDB: Number underflow)', () => s201, `[2,"w1","MeterValues",{"evseId":1,"meterValue":[{"timestamp":"${now()}","sampledValue":[{"value":1e-300}]}]}]`, '/meterValue/0/sampledValue/0/value'],
    ['1.6 DataTransfer data with a lone surrogate (unreadable to strict JSON readers once stored)', () => s16, `[2,"w2","DataTransfer",{"vendorId":"v","data":"a\\udfffb"}]`, '/data'],
  ])('answers %s with PropertyConstraintViolation, before anything is stored', async (_name, s, frame, path) => {
    const id = (JSON.parse(frame) as unknown[])[1];
    expect(await exchange(s(), frame)).toEqual([4, id, 'PropertyConstraintViolation', expect.stringContaining(path), { path }]);
  });

  it('answers 2.0.1 customData nested thousands of levels deep with FormatViolation, not InternalError', async () => {
    const deep = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`;
    const frame = `[2,"d1","TransactionEvent",{"eventType":"Started","timestamp":"${new Date().toISOString()}","triggerReason":"CablePluggedIn","seqNo":0,"transactionInfo":{"transactionId":"TX-D1"},"customData":{"vendorId":"v","x":${deep}}}]`;
    expect(await exchange(s201, frame)).toEqual([4, 'd1', 'FormatViolation', expect.stringContaining(`${MAX_PAYLOAD_DEPTH} levels`), {}]);
  });
});

describe('invalid-frame logging is bounded per connection', () => {
  it('logs the first frames in full (clipped), then only counts them, with no extra reads', async () => {
    const { inFull, maxChars } = INVALID_FRAME_LOGGING;
    const cp = await aRegisteredChargePoint(rt, { protocol: 'ocpp2.0.1' });
    const s = await aRawSocket(rt, { identity: cp.identity, password: cp.provisioningPassword, protocol: 'ocpp2.0.1' });
    try {
      const sent = 2 * inFull + 5;
      const filler = 'x'.repeat(8 * 1024);
      await rt.drain();
      counter.reset();
      for (let i = 0; i < sent; i++) {
        // Broken framing, a CALL refused for its content, an answer to a CALL never made: all invalid frames.
        const kind = i % 3;
        s.send(kind === 0 ? `[2,"bad-${i}","FlyToTheMoon",{"filler":"${filler}"}]` : kind === 1 ? `[2,"bad-${i}","Heartbeat",[]]` : `[3,"bad-${i}",{"filler":"${filler}"}]`);
        if (kind === 2) continue; // never answered
        const reply = JSON.parse((await s.next(10_000))!) as unknown[];
        expect(reply.slice(0, 2)).toEqual([4, `bad-${i}`]);
      }
      await rt.drain();
      const commands = counter.calls.map((c) => c.command);
      // Reads: only those the frame needs anyway. A well-formed CALL on a connection whose boot is not
      // Accepted reads the connection item (its boot status; kind 0); a malformed one reads nothing
      // (kind 1); an answer from the charger reads the pending call (kind 2).
      const malformed = Array.from({ length: sent }, (_, i) => i % 3).filter((kind) => kind === 1).length;
      expect(commands.filter((c) => !isWrite({ command: c }))).toEqual(Array(sent - malformed).fill('GetItemCommand'));
      expect(commands.filter((c) => c === 'UpdateItemCommand')).toHaveLength(sent);

      const entries = (await listLog(cp.identity, { limit: 200 })).entries;
      const counters = entries.filter((e) => e.kind === 'invalid_frames');
      const full = entries.filter((e) => e.kind === 'invalid_frame' || e.kind === 'result_in' || (e.kind === 'call_in' && e.frameOut?.startsWith('[4,')));
      expect(counters.reduce((n, e) => n + (e.invalidFrames ?? 0), 0)).toBe(sent);
      // Normally one window; exact even if the run straddles a window boundary.
      expect(full).toHaveLength(counters.reduce((n, e) => n + Math.min(e.invalidFrames ?? 0, inFull), 0));
      expect(commands.filter((c) => c === 'PutItemCommand')).toHaveLength(full.length);
      expect(full.length).toBeLessThan(sent);
      for (const e of full) expect((e.frameIn ?? '').length).toBeLessThanOrEqual(maxChars + '…[truncated]'.length);
    } finally {
      s.close();
    }
  });
});

describe('retries and cost', () => {
  it('answers a retried CALL the same and does not apply it twice', async () => {
    const frame = JSON.stringify([2, 'start-42', 'StartTransaction', { connectorId: 1, idTag: 'CARD', meterStart: 5, timestamp: new Date().toISOString() }]);
    const first = await exchange(s16, frame);
    const again = await exchange(s16, frame);
    expect(first?.[0]).toBe(3);
    expect(again).toEqual(first);
    // A new StartTransaction gets the very next id: the retry consumed no transaction.
    const next = await exchange(s16, JSON.stringify([2, 'start-43', 'StartTransaction', { connectorId: 2, idTag: 'CARD', meterStart: 5, timestamp: new Date().toISOString() }]));
    expect((next?.[2] as { transactionId: number }).transactionId).toBeGreaterThan((first?.[2] as { transactionId: number }).transactionId);
  });

  it.each([
    ['ocpp1.6', 'Heartbeat', {}],
    ['ocpp1.6', 'StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Charging' }],
    ['ocpp2.0.1', 'Heartbeat', {}],
    ['ocpp2.0.1', 'StatusNotification', { timestamp: new Date().toISOString(), connectorStatus: 'Occupied', evseId: 1, connectorId: 1 }],
  ] as const)('%s %s costs one DynamoDB request (its PutItem) and one Management API call (the answer)', async (version, action, payload) => {
    const s = version === 'ocpp1.6' ? accepted16 : accepted201;
    await rt.drain();
    counter.reset();
    const mgmtBefore = { ...rt.gateway.managementCalls };
    s.send(JSON.stringify([2, `cost-${action}-${version}`, action, payload]));
    const reply = JSON.parse((await s.next(10_000))!) as unknown[];
    await rt.drain();
    expect(reply?.[0]).toBe(3);
    // No read of the connection item: who the charger is came with the event (the $connect authorizer's context).
    expect(counter.calls.map((c) => c.command)).toEqual(['PutItemCommand']);
    expect(rt.gateway.managementCalls).toEqual({ ...mgmtBefore, POST: mgmtBefore.POST + 1 });
  });

  it.each(['ocpp1.6', 'ocpp2.0.1'] as const)('%s: DynamoDB requests per message type on an Accepted connection, and the one read a not-yet-Accepted boot adds', async (version) => {
    const s = version === 'ocpp1.6' ? accepted16 : accepted201;
    const now = () => new Date().toISOString();
    const messages: Array<[string, Record<string, unknown>, string[]]> =
      version === 'ocpp1.6'
        ? [
            ['Heartbeat', {}, ['PutItemCommand']],
            ['StatusNotification', { connectorId: 2, errorCode: 'NoError', status: 'Available' }, ['PutItemCommand']],
            ['MeterValues', { connectorId: 1, meterValue: [{ timestamp: now(), sampledValue: [{ value: '10' }] }] }, ['PutItemCommand']],
            // The handler reads the charge point (is commissioning complete?), then one transaction.
            ['BootNotification', BOOT['ocpp1.6'], ['GetItemCommand', 'TransactWriteItemsCommand']],
          ]
        : [
            ['Heartbeat', {}, ['PutItemCommand']],
            ['StatusNotification', { timestamp: now(), connectorStatus: 'Available', evseId: 2, connectorId: 1 }, ['PutItemCommand']],
            ['BootNotification', BOOT['ocpp2.0.1'], ['GetItemCommand', 'TransactWriteItemsCommand']],
          ];
    for (const [action, payload, expected] of messages) {
      await rt.drain();
      counter.reset();
      s.send(JSON.stringify([2, `per-type-${action}`, action, payload]));
      const reply = JSON.parse((await s.next(10_000))!) as unknown[];
      await rt.drain();
      expect(reply.slice(0, 2), action).toEqual([3, `per-type-${action}`]);
      expect(counter.calls.map((c) => c.command), action).toEqual(expected);
    }
    // s16/s201 booted (Pending) on their own connection, after $connect: the context says no boot yet,
    // so a CALL the boot gate applies to reads the connection item for the current boot status.
    const pending = version === 'ocpp1.6' ? s16 : s201;
    await rt.drain();
    counter.reset();
    pending.send(JSON.stringify([2, 'per-type-pending', 'Heartbeat', {}]));
    expect((JSON.parse((await pending.next(10_000))!) as unknown[]).slice(0, 2)).toEqual([3, 'per-type-pending']);
    await rt.drain();
    expect(counter.calls.map((c) => c.command)).toEqual(['GetItemCommand', 'PutItemCommand']);
  });

  it.each(['ocpp1.6', 'ocpp2.0.1'] as const)('%s sends nothing at all, not even an empty message, for a CALLRESULT or CALLERROR from the charger', async (version) => {
    const s = version === 'ocpp1.6' ? s16 : s201;
    await rt.drain();
    expect(s.pending()).toBe(0);
    s.send(JSON.stringify([3, 'nobody-asked', {}]));
    s.send(JSON.stringify([4, 'nobody-asked-either', 'GenericError', '', {}]));
    s.send(JSON.stringify([2, `after-results-${version}`, 'Heartbeat', {}]));
    // Frames on one socket arrive in order: the first message must be the Heartbeat's answer.
    const first = JSON.parse((await s.next(10_000))!) as unknown[];
    expect(first.slice(0, 2)).toEqual([3, `after-results-${version}`]);
  });
});

describe('property: the $default handler', () => {
  it('never throws, answers a CALL with exactly one CALLRESULT or CALLERROR, and never answers a non-CALL', async () => {
    // Imported once the runtime has set the environment: the entry reads it at module load.
    const { handler: messageHandler } = await import('../../functions/ocpp/message');
    const connectionId = await connectionIdOf(cp201.identity);
    await rt.drain();
    while (s201.pending() > 0) await s201.next();
    const anyJson = fc.jsonValue({ maxDepth: 3 });
    const frames = fc.oneof(
      fc.string(),
      anyJson.map((v) => JSON.stringify(v)),
      fc.tuple(fc.constantFrom(2, 3, 4, 5, '2', null), fc.oneof(fc.string({ maxLength: 40 }), fc.integer()), fc.constantFrom('Heartbeat', 'StatusNotification', 'Nope', ''), anyJson).map((t) =>
        JSON.stringify(t),
      ),
      fc.tuple(fc.string({ minLength: 1, maxLength: 36 }), anyJson).map(([id, p]) => JSON.stringify([2, id, 'Heartbeat', p])),
      fc.tuple(fc.string({ minLength: 1, maxLength: 36 }), anyJson).map(([id, p]) => JSON.stringify([3, id, p])),
    );
    let barrier = 0;
    await fc.assert(
      fc.asyncProperty(frames, async (body) => {
        const result = await messageHandler({ body, requestContext: { connectionId } });
        expect(result.statusCode).toBe(200);
        // The answer, if any, went to the charger through @connections. A Heartbeat sent after it
        // marks the end: whatever arrives before that answer is what this frame produced.
        barrier += 1;
        const barrierId = `barrier-${barrier}`;
        await messageHandler({ body: JSON.stringify([2, barrierId, 'Heartbeat', {}]), requestContext: { connectionId } });
        const produced: string[] = [];
        for (;;) {
          const m = await s201.next(10_000);
          expect(m, 'the barrier answer arrives').toBeDefined();
          if (m!.startsWith(`[3,"${barrierId}"`)) break;
          produced.push(m!);
        }
        expect(produced.filter((m) => m === '')).toEqual([]);
        let parsed: unknown;
        try {
          parsed = JSON.parse(body);
        } catch {
          parsed = undefined;
        }
        const isCall = Array.isArray(parsed) && parsed[0] === 2 && typeof parsed[1] === 'string' && [...parsed[1]].length <= 36;
        const isNonCall = Array.isArray(parsed) && (parsed[0] === 3 || parsed[0] === 4);
        if (isNonCall) expect(produced).toEqual([]);
        if (isCall) {
          expect(produced).toHaveLength(1);
          const reply = JSON.parse(produced[0]!) as unknown[];
          expect([3, 4]).toContain(reply[0]);
          expect(reply[1]).toBe((parsed as unknown[])[1]);
          if (reply[0] === 4) expect(ERROR_CODES['ocpp2.0.1']).toContain(reply[2]);
        }
      }),
      { numRuns: 150 },
    );
  });
});

async function connectionIdOf(identity: string): Promise<string> {
  const { getIdentityGuard, getChargePoint } = await import('../../lib/db/charge-points');
  const guard = await getIdentityGuard(identity);
  const cp = await getChargePoint(guard!.chargePointId, true);
  return cp!.connection!.connectionId;
}
