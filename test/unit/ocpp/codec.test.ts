import { describe, expect, it } from 'vitest';
import {
  decodeFrame,
  encodeCall,
  encodeCallError,
  encodeCallResult,
  encodeOcppError,
  MAX_ECHOED_MESSAGE_ID_LENGTH,
  MAX_PAYLOAD_DEPTH,
  type Decoded,
} from '../../../lib/ocpp/codec';
import { OcppError } from '../../../lib/ocpp/errors';
import { OCPP_VERSIONS, type OcppVersion } from '../../../lib/ocpp/versions';

const ID_36 = 'a'.repeat(36);
const ID_37 = 'a'.repeat(37);

/** The reply of an invalid frame, parsed; fails the test when the frame was not rejected. */
function replyOf(decoded: Decoded): unknown[] | null {
  if (decoded.kind !== 'invalid') throw new Error(`expected an invalid frame, got ${decoded.kind}`);
  return decoded.reply === null ? null : (JSON.parse(decoded.reply) as unknown[]);
}

function replyTo(raw: string, version: OcppVersion): unknown[] | null {
  return replyOf(decodeFrame(raw, version));
}

describe('decodeFrame: CALL', () => {
  it.each(OCPP_VERSIONS)('decodes a BootNotification CALL (%s)', (version) => {
    const raw = '[2, "19223201", "BootNotification", {"chargePointVendor": "VendorX", "chargePointModel": "SingleSocketCharger"}]';

    expect(decodeFrame(raw, version)).toEqual({
      kind: 'call',
      messageId: '19223201',
      action: 'BootNotification',
      payload: { chargePointVendor: 'VendorX', chargePointModel: 'SingleSocketCharger' },
    });
  });

  it('accepts an empty payload {} and a 36-character id', () => {
    expect(decodeFrame(`[2,"${ID_36}","Heartbeat",{}]`, 'ocpp2.0.1')).toEqual({
      kind: 'call',
      messageId: ID_36,
      action: 'Heartbeat',
      payload: {},
    });
  });

  it('counts id length in characters, so 36 emoji are a readable id', () => {
    const id = '🔌'.repeat(36);
    expect(decodeFrame(JSON.stringify([2, id, 'Heartbeat', {}]), 'ocpp1.6')).toMatchObject({ kind: 'call', messageId: id });
  });
});

describe('decodeFrame: frames that are not JSON arrays', () => {
  it('answers RpcFrameworkError with id "-1" when 2.0.1 text is not JSON', () => {
    expect(replyTo('hello', 'ocpp2.0.1')).toEqual([4, '-1', 'RpcFrameworkError', 'Message is not valid JSON', {}]);
  });

  it('drops 1.6 text that is not JSON when no id can be read', () => {
    expect(replyTo('hello', 'ocpp1.6')).toBeNull();
    expect(replyTo('', 'ocpp1.6')).toBeNull();
  });

  it('answers with the id when broken JSON still starts with a readable CALL id', () => {
    const raw = '[2, "abc-1", "BootNotification", {"chargePointVendor": "X",}]';

    expect(replyTo(raw, 'ocpp2.0.1')).toEqual([4, 'abc-1', 'RpcFrameworkError', 'Message is not valid JSON', {}]);
    expect(replyTo(raw, 'ocpp1.6')).toEqual([4, 'abc-1', 'FormationViolation', 'Message is not valid JSON', {}]);
  });

  it.each(OCPP_VERSIONS)('never answers broken JSON that starts like a CALLRESULT or CALLERROR (%s)', (version) => {
    expect(replyTo('[3, "abc", {"status": "Accepted"', version)).toBeNull();
    expect(replyTo('[4,"abc","GenericError","oops",', version)).toBeNull();
  });

  it('keeps the id of broken JSON that starts like a response, to match the pending CALL', () => {
    expect(decodeFrame('[3,"abc",{"status":', 'ocpp2.0.1')).toMatchObject({ kind: 'invalid', reply: null, messageId: 'abc' });
  });

  it('answers RpcFrameworkError with id "-1" when 2.0.1 JSON is not an array, and drops it in 1.6', () => {
    for (const raw of ['{}', 'null', '2', '"[2,\\"a\\",\\"Heartbeat\\",{}]"']) {
      expect(replyTo(raw, 'ocpp2.0.1')).toEqual([4, '-1', 'RpcFrameworkError', 'Message is not a JSON array', {}]);
      expect(replyTo(raw, 'ocpp1.6')).toBeNull();
    }
  });
});

describe('decodeFrame: MessageTypeId', () => {
  it('answers FormationViolation with the id when 1.6 JSON is an array with a bad type', () => {
    expect(replyTo('["2","abc","Heartbeat",{}]', 'ocpp1.6')).toEqual([
      4,
      'abc',
      'FormationViolation',
      'MessageTypeId must be an integer, got a string',
      {},
    ]);
  });

  it('answers RpcFrameworkError with the id when the 2.0.1 MessageTypeId is not an integer', () => {
    expect(replyTo('[null,"abc","Heartbeat",{}]', 'ocpp2.0.1')?.slice(0, 3)).toEqual([4, 'abc', 'RpcFrameworkError']);
    expect(replyTo('[2.5,"abc","Heartbeat",{}]', 'ocpp2.0.1')?.slice(0, 3)).toEqual([4, 'abc', 'RpcFrameworkError']);
    expect(replyTo('[]', 'ocpp2.0.1')?.slice(0, 3)).toEqual([4, '-1', 'RpcFrameworkError']);
  });

  it('answers MessageTypeNotSupported to an unknown 2.0.1 message type, with the id when readable (Part 4 §4.4)', () => {
    expect(replyTo('[5,"abc","Heartbeat",{}]', 'ocpp2.0.1')).toEqual([
      4,
      'abc',
      'MessageTypeNotSupported',
      'MessageTypeId 5 is not supported',
      {},
    ]);
    expect(replyTo('[6,{"x":1}]', 'ocpp2.0.1')?.slice(0, 3)).toEqual([4, '-1', 'MessageTypeNotSupported']);
  });

  it('answers FormationViolation with the id to an unknown 1.6 message type, and drops it without an id', () => {
    expect(replyTo('[5,"abc","Heartbeat",{}]', 'ocpp1.6')?.slice(0, 3)).toEqual([4, 'abc', 'FormationViolation']);
    expect(replyTo('[5]', 'ocpp1.6')).toBeNull();
  });
});

describe('decodeFrame: MessageId', () => {
  it.each([
    ['a number', '[2,19223201,"Heartbeat",{}]'],
    ['null', '[2,null,"Heartbeat",{}]'],
    ['missing', '[2]'],
  ])('answers RpcFrameworkError with id "-1" in 2.0.1 and drops in 1.6 when the CALL id is %s', (_what, raw) => {
    expect(replyTo(raw, 'ocpp2.0.1')?.slice(0, 3)).toEqual([4, '-1', 'RpcFrameworkError']);
    expect(replyTo(raw, 'ocpp1.6')).toBeNull();
  });

  it('answers a CALL whose id is 37 characters long: "-1" in 2.0.1, FormationViolation echoing the id in 1.6 (1.6 §4.2.3 Table 6)', () => {
    const raw = `[2,"${ID_37}","Heartbeat",{}]`;
    const reason = 'MessageId must be at most 36 characters, got 37';

    expect(replyTo(raw, 'ocpp2.0.1')).toEqual([4, '-1', 'RpcFrameworkError', reason, {}]);
    expect(decodeFrame(raw, 'ocpp1.6')).toMatchObject({ kind: 'invalid', messageId: ID_37, reason });
    expect(replyTo(raw, 'ocpp1.6')).toEqual([4, ID_37, 'FormationViolation', reason, {}]);
    // Counted in characters, echoed exactly as received, also when the frame is not even JSON.
    const emoji = '\u{1F50C}'.repeat(37);
    expect(replyTo(`[2,"${emoji}","Heartbeat",{}]`, 'ocpp1.6')?.slice(0, 3)).toEqual([4, emoji, 'FormationViolation']);
    expect(replyTo(`[2,"${ID_37}","Heartbeat",{]`, 'ocpp1.6')?.slice(0, 3)).toEqual([4, ID_37, 'FormationViolation']);
    expect(replyTo(`[2,"${ID_37}","Heartbeat"]`, 'ocpp1.6')?.slice(0, 3)).toEqual([4, ID_37, 'FormationViolation']);
  });

  it(`drops a 1.6 CALL whose id is longer than ${MAX_ECHOED_MESSAGE_ID_LENGTH} characters, and never answers a response with a long id`, () => {
    const longest = 'a'.repeat(MAX_ECHOED_MESSAGE_ID_LENGTH);
    expect(replyTo(`[2,"${longest}","Heartbeat",{}]`, 'ocpp1.6')?.slice(0, 2)).toEqual([4, longest]);
    expect(replyTo(`[2,"${longest}a","Heartbeat",{}]`, 'ocpp1.6')).toBeNull();
    expect(replyTo(`[3,"${ID_37}",{}]`, 'ocpp1.6')).toBeNull();
    expect(replyTo(`[4,"${ID_37}","GenericError","",{}]`, 'ocpp1.6')).toBeNull();
  });

  it('says why the id was unreadable', () => {
    expect(decodeFrame(`[2,"${ID_37}","Heartbeat",{}]`, 'ocpp2.0.1')).toMatchObject({
      reason: 'MessageId must be at most 36 characters, got 37',
    });
    expect(decodeFrame('[2,7,"Heartbeat",{}]', 'ocpp2.0.1')).toMatchObject({ reason: 'MessageId must be a string, got a number' });
  });
});

describe('decodeFrame: CALL structure', () => {
  it.each([
    ['3 elements', '[2,"abc","Heartbeat"]', 'CALL must have 4 elements, got 3'],
    ['5 elements', '[2,"abc","Heartbeat",{},{}]', 'CALL must have 4 elements, got 5'],
    ['2 elements', '[2,"abc"]', 'CALL must have 4 elements, got 2'],
    ['a number as action', '[2,"abc",42,{}]', 'Action must be a non-empty string, got a number'],
    ['an empty action', '[2,"abc","",{}]', 'Action must be a non-empty string, got a string'],
  ])('answers RpcFrameworkError (2.0.1) / FormationViolation (1.6) with the id to a CALL with %s', (_what, raw, reason) => {
    expect(replyTo(raw, 'ocpp2.0.1')).toEqual([4, 'abc', 'RpcFrameworkError', reason, {}]);
    expect(replyTo(raw, 'ocpp1.6')).toEqual([4, 'abc', 'FormationViolation', reason, {}]);
  });

  it.each(OCPP_VERSIONS)('reads a null payload as {}, the other notation the spec allows for an empty one (%s)', (version) => {
    expect(decodeFrame('[2,"abc","Heartbeat",null]', version)).toEqual({ kind: 'call', messageId: 'abc', action: 'Heartbeat', payload: {} });
    expect(decodeFrame('[3,"abc",null]', version)).toEqual({ kind: 'callresult', messageId: 'abc', payload: {} });
  });

  it.each([
    ['an array', '[]'],
    ['a string', '"{}"'],
    ['a number', '0'],
  ])('answers FormatViolation (2.0.1) / FormationViolation (1.6) to a CALL whose payload is %s', (what, payload) => {
    const raw = `[2,"abc","Heartbeat",${payload}]`;
    const reason = `Payload must be a JSON object, got ${what}`;

    expect(replyTo(raw, 'ocpp2.0.1')).toEqual([4, 'abc', 'FormatViolation', reason, {}]);
    expect(replyTo(raw, 'ocpp1.6')).toEqual([4, 'abc', 'FormationViolation', reason, {}]);
  });

  it('does not check the action name: unknown actions are for the router (NotImplemented)', () => {
    expect(decodeFrame('[2,"abc","NoSuchAction",{}]', 'ocpp1.6')).toMatchObject({ kind: 'call', action: 'NoSuchAction' });
  });
});

describe('decodeFrame: CALLRESULT and CALLERROR', () => {
  it.each(OCPP_VERSIONS)('decodes a CALLRESULT (%s)', (version) => {
    expect(decodeFrame('[3,"abc",{"status":"Accepted"}]', version)).toEqual({
      kind: 'callresult',
      messageId: 'abc',
      payload: { status: 'Accepted' },
    });
  });

  it.each(OCPP_VERSIONS)('decodes a CALLERROR (%s)', (version) => {
    expect(decodeFrame('[4,"abc","NotSupported","SetDisplayMessageRequest not implemented",{}]', version)).toEqual({
      kind: 'callerror',
      messageId: 'abc',
      errorCode: 'NotSupported',
      errorDescription: 'SetDisplayMessageRequest not implemented',
      errorDetails: {},
    });
  });

  const brokenResponses = [
    '[3]',
    '[3,"abc"]',
    '[3,"abc",[]]',
    '[3,"abc",{},{}]',
    `[3,"${ID_37}",{}]`,
    '[3,42,{}]',
    '[4]',
    '[4,"abc"]',
    '[4,"abc","GenericError","x"]',
    '[4,"abc","GenericError","x",null]',
    '[4,"abc","GenericError","x",{},1]',
    '[4,"abc",500,"x",{}]',
    '[4,"abc","GenericError",null,{}]',
    '[4,null,"GenericError","x",{}]',
  ];

  it.each(brokenResponses)('never answers the malformed response %s', (raw) => {
    for (const version of OCPP_VERSIONS) {
      const decoded = decodeFrame(raw, version);
      expect(decoded.kind).toBe('invalid');
      expect(replyOf(decoded)).toBeNull();
    }
  });

  it('keeps the readable id of a malformed CALLRESULT so the pending CALL can be resolved', () => {
    expect(decodeFrame('[3,"abc",[]]', 'ocpp1.6')).toEqual({
      kind: 'invalid',
      reply: null,
      reason: 'CALLRESULT payload must be a JSON object, got an array',
      messageId: 'abc',
      answer: true,
    });
    // Text that is not JSON but starts like an answer: its id is read without a parser.
    expect(decodeFrame('[3, "abc", {"status":', 'ocpp2.0.1')).toMatchObject({ kind: 'invalid', reply: null, messageId: 'abc', answer: true });
  });
});

describe('encodeCall / encodeCallResult', () => {
  it('writes a CALL and a CALLRESULT that decode back to themselves', () => {
    const call = encodeCall('m1', 'Reset', { type: 'Soft' });
    const result = encodeCallResult('m1', {});

    expect(call).toBe('[2,"m1","Reset",{"type":"Soft"}]');
    expect(result).toBe('[3,"m1",{}]');
    expect(decodeFrame(call, 'ocpp1.6')).toEqual({ kind: 'call', messageId: 'm1', action: 'Reset', payload: { type: 'Soft' } });
    expect(decodeFrame(result, 'ocpp1.6')).toEqual({ kind: 'callresult', messageId: 'm1', payload: {} });
  });

  it('refuses ids longer than 36 characters, empty ids for our own CALLs and empty actions', () => {
    expect(() => encodeCall(ID_37, 'Reset', {})).toThrow(RangeError);
    expect(() => encodeCall('', 'Reset', {})).toThrow(RangeError);
    expect(() => encodeCall('m1', '', {})).toThrow(TypeError);
    expect(() => encodeCallResult(ID_37, {})).toThrow(RangeError);
  });

  it('answers a CALL whose id is the empty string, which the spec does not forbid', () => {
    expect(decodeFrame('[2,"","Heartbeat",{}]', 'ocpp1.6')).toMatchObject({ kind: 'call', messageId: '' });
    expect(encodeCallResult('', {})).toBe('[3,"",{}]');
    expect(replyTo('[2,"","",{}]', 'ocpp1.6')?.slice(0, 3)).toEqual([4, '', 'FormationViolation']);
  });

  it('refuses a payload that is not an object, such as null', () => {
    expect(() => encodeCallResult('m1', null as unknown as Record<string, unknown>)).toThrow(TypeError);
    expect(() => encodeCall('m1', 'Reset', [] as unknown as Record<string, unknown>)).toThrow(TypeError);
  });
});

describe('encodeCallError', () => {
  it('spells the kind the way the version does', () => {
    expect(encodeCallError('ocpp1.6', 'm1', 'FormatViolation', 'bad')).toBe('[4,"m1","FormationViolation","bad",{}]');
    expect(encodeCallError('ocpp2.0.1', 'm1', 'FormatViolation', 'bad')).toBe('[4,"m1","FormatViolation","bad",{}]');
    expect(encodeCallError('ocpp1.6', 'm1', 'OccurrenceConstraintViolation', '')).toBe(
      '[4,"m1","OccurenceConstraintViolation","",{}]',
    );
  });

  it("accepts a code of the other version's table and respells it", () => {
    expect(JSON.parse(encodeCallError('ocpp2.0.1', 'm1', 'FormationViolation', 'x'))).toEqual([4, 'm1', 'FormatViolation', 'x', {}]);
    expect(JSON.parse(encodeCallError('ocpp1.6', 'm1', 'RpcFrameworkError', 'x'))).toEqual([4, 'm1', 'FormationViolation', 'x', {}]);
  });

  it('writes the details, or {} when there are none or they cannot be serialised', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;

    expect(JSON.parse(encodeCallError('ocpp2.0.1', 'm1', 'GenericError', 'x', { path: '/a' }))[4]).toEqual({ path: '/a' });
    expect(JSON.parse(encodeCallError('ocpp2.0.1', 'm1', 'GenericError', 'x', cyclic))[4]).toEqual({});
    expect(JSON.parse(encodeCallError('ocpp2.0.1', 'm1', 'GenericError', 'x', { n: 1n }))[4]).toEqual({});
  });

  it('cuts the description to 255 characters without splitting a character', () => {
    const long = '€'.repeat(254) + '🔌🔌';

    const description = JSON.parse(encodeCallError('ocpp2.0.1', 'm1', 'GenericError', long))[3] as string;

    expect(Array.from(description)).toHaveLength(255);
    expect(description.endsWith('🔌')).toBe(true);
  });

  it('allows the id "-1" and refuses ids longer than 36 characters', () => {
    expect(encodeCallError('ocpp2.0.1', '-1', 'RpcFrameworkError', 'x')).toBe('[4,"-1","RpcFrameworkError","x",{}]');
    expect(() => encodeCallError('ocpp2.0.1', ID_37, 'GenericError', 'x')).toThrow(RangeError);
  });

  it('encodes an OcppError with its kind, description and details', () => {
    const error = new OcppError('OccurrenceConstraintViolation', '/idTag is required', { path: '/idTag' });

    expect(encodeOcppError('ocpp1.6', 'm1', error)).toBe(
      '[4,"m1","OccurenceConstraintViolation","/idTag is required",{"path":"/idTag"}]',
    );
  });
});

describe('decodeFrame: nesting depth', () => {
  const nested = (levels: number) => `${'{"a":'.repeat(levels - 1)}{}${'}'.repeat(levels - 1)}`;

  it.each([
    ['ocpp1.6', 'FormationViolation'],
    ['ocpp2.0.1', 'FormatViolation'],
  ] as const)('answers a CALL nested deeper than MAX_PAYLOAD_DEPTH with %s / %s, without overflowing the stack', (version, code) => {
    const raw = `[2,"deep","TransactionEvent",{"customData":{"vendorId":"x","v":${nested(5000)}}}]`;
    expect(replyTo(raw, version)).toEqual([4, 'deep', code, expect.stringContaining(`${MAX_PAYLOAD_DEPTH} levels`), {}]);
  });

  it('accepts a payload exactly MAX_PAYLOAD_DEPTH levels deep', () => {
    expect(decodeFrame(`[2,"ok","DataTransfer",${nested(MAX_PAYLOAD_DEPTH)}]`, 'ocpp2.0.1')).toMatchObject({ kind: 'call' });
    expect(decodeFrame(`[2,"no","DataTransfer",${nested(MAX_PAYLOAD_DEPTH + 1)}]`, 'ocpp2.0.1')).toMatchObject({ kind: 'invalid' });
  });

  it('drops a deeply nested CALLRESULT or CALLERROR (never answered), keeping its id', () => {
    expect(decodeFrame(`[3,"r",${nested(100)}]`, 'ocpp2.0.1')).toMatchObject({ kind: 'invalid', reply: null, messageId: 'r' });
    expect(decodeFrame(`[4,"e","GenericError","",${nested(100)}]`, 'ocpp1.6')).toMatchObject({ kind: 'invalid', reply: null, messageId: 'e' });
  });
});
