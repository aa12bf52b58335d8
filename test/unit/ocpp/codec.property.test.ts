// Property tests: decodeFrame faces the network, so throw anything at it (STYLE.md "Tests").
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeFrame, MAX_ECHOED_MESSAGE_ID_LENGTH, type Decoded } from '../../../lib/ocpp/codec';
import { ERROR_CODES, OCPP16_ERROR_CODES } from '../../../lib/ocpp/errors';
import { OCPP_VERSIONS, type OcppVersion } from '../../../lib/ocpp/versions';

const NUM_RUNS = 1000;

const chars = (text: string) => Array.from(text).length;
const isObject = (value: unknown) => typeof value === 'object' && value !== null && !Array.isArray(value);
const isReadableId = (value: unknown): value is string => typeof value === 'string' && chars(value) <= 36;
/** The ids a CALL is answered with: readable ones, and in 1.6 also a longer one, echoed (1.6 §4.2.3 Table 6). */
const isAnswerableId = (value: unknown, version: OcppVersion): value is string =>
  isReadableId(value) || (version === 'ocpp1.6' && typeof value === 'string' && chars(value) <= MAX_ECHOED_MESSAGE_ID_LENGTH);
// Text that starts like `[3,` or `[4,`: a response, even if what follows is broken.
const looksLikeResponse = (raw: string) => /^[ \t\n\r]*\[[ \t\n\r]*[34][ \t\n\r]*,/.test(raw);

function parse(raw: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(raw) as unknown };
  } catch {
    return { ok: false };
  }
}

function expectWellFormedCallError(reply: string, version: OcppVersion): unknown[] {
  const frame: unknown = JSON.parse(reply);
  expect(Array.isArray(frame)).toBe(true);
  const [type, id, code, description, details, ...rest] = frame as unknown[];
  expect(type).toBe(4);
  expect(isAnswerableId(id, version)).toBe(true);
  expect(ERROR_CODES[version]).toContain(code);
  expect(typeof description === 'string' && chars(description) <= 255).toBe(true);
  expect(isObject(details)).toBe(true);
  expect(rest).toEqual([]);
  return frame as unknown[];
}

/** The rules every decoded frame obeys, whatever the input. */
function checkFrame(raw: string, version: OcppVersion): Decoded {
  let decoded: Decoded | undefined;
  expect(() => {
    decoded = decodeFrame(raw, version);
  }).not.toThrow();
  if (decoded === undefined) throw new Error('unreachable');
  const reply = decoded.kind === 'invalid' ? decoded.reply : null;

  if (reply !== null) expectWellFormedCallError(reply, version);
  if (decoded.kind === 'invalid') expect(decoded.reason.length).toBeGreaterThan(0);
  if (decoded.kind === 'call') expect(isObject(decoded.payload)).toBe(true);
  if (looksLikeResponse(raw)) expect(reply).toBeNull();

  const parsed = parse(raw);
  if (!parsed.ok) {
    expect(decoded.kind).toBe('invalid');
    // 2.0.1 Part 4 §4.2.3: a corrupt message is answered (with "-1" when the id is unreadable).
    if (version === 'ocpp2.0.1' && !looksLikeResponse(raw)) expect(reply).not.toBeNull();
    return decoded;
  }
  if (!Array.isArray(parsed.value)) {
    expect(decoded.kind).toBe('invalid');
    if (version === 'ocpp2.0.1') expect(reply === null ? null : JSON.parse(reply)[1]).toBe('-1');
    else expect(reply).toBeNull();
    return decoded;
  }

  const [type, id] = parsed.value as unknown[];
  if (type === 2 && isAnswerableId(id, version)) {
    // Exactly one answer: the CALL goes to a handler, or the CALLERROR goes back, with the sender's id.
    expect(decoded.kind === 'call' || reply !== null).toBe(true);
    if (decoded.kind === 'call') expect(decoded.messageId).toBe(id);
    if (reply !== null) expect(JSON.parse(reply)[1]).toBe(id);
  }
  if (type === 3 || type === 4) {
    expect(reply).toBeNull();
    expect(decoded.kind).not.toBe('call');
  }
  if (decoded.kind === 'callresult') expect(type).toBe(3);
  if (decoded.kind === 'callerror') expect(type).toBe(4);
  return decoded;
}

// Valid frames of each type, then mutated: drop / duplicate / retype / insert elements, long ids, nulls.
const ids = fc.oneof(fc.uuid(), fc.string({ maxLength: 36 }), fc.constant('-1'));
const payloads = fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 });
const validFrames: fc.Arbitrary<unknown[]> = fc.oneof(
  fc.tuple(fc.constant(2), ids, fc.constantFrom('BootNotification', 'Heartbeat', 'StatusNotification', ''), payloads),
  fc.tuple(fc.constant(3), ids, payloads),
  fc.tuple(fc.constant(4), ids, fc.constantFrom(...OCPP16_ERROR_CODES, 'RpcFrameworkError'), fc.string(), payloads),
);
const oddValues = fc.oneof(
  fc.constantFrom<unknown>(null, '2', '3', 2.5, 0, -1, 5, 1e21, [], {}, true, ''),
  fc.string({ minLength: 37, maxLength: 60 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.integer(),
  fc.jsonValue({ maxDepth: 2 }),
);
type Mutation = (frame: unknown[]) => unknown[];
const mutations: fc.Arbitrary<Mutation> = fc.oneof(
  fc.nat().map((i): Mutation => (frame) => frame.filter((_, j) => j !== i % Math.max(frame.length, 1))),
  fc.nat().map((i): Mutation => (frame) => {
    const at = i % Math.max(frame.length, 1);
    return [...frame.slice(0, at + 1), frame[at], ...frame.slice(at + 1)];
  }),
  fc.tuple(fc.nat(), oddValues).map(([i, value]): Mutation => (frame) => frame.map((old, j) => (j === i % Math.max(frame.length, 1) ? value : old))),
  fc.tuple(fc.nat(), oddValues).map(([i, value]): Mutation => (frame) => {
    const at = i % (frame.length + 1);
    return [...frame.slice(0, at), value, ...frame.slice(at)];
  }),
  fc.string({ minLength: 37, maxLength: 100 }).map((long): Mutation => (frame) => frame.map((old, j) => (j === 1 ? long : old))),
  fc.constant<Mutation>((frame) => frame.map((old, j) => (j === frame.length - 1 ? null : old))),
);
// Text damage after serialisation: truncate, or splice in a stray character.
const textDamage = fc.oneof(
  fc.nat().map((i) => (text: string) => text.slice(0, i % Math.max(text.length, 1))),
  fc.tuple(fc.nat(), fc.constantFrom(',', '"', '}', ']', '\\', 'x', ' ')).map(
    ([i, c]) =>
      (text: string) =>
        text.slice(0, i % (text.length + 1)) + c + text.slice(i % (text.length + 1)),
  ),
);
const mutatedFrames = fc
  .tuple(validFrames, fc.array(mutations, { maxLength: 3 }), fc.option(textDamage, { freq: 4 }))
  .map(([frame, steps, damage]) => {
    const text = JSON.stringify(steps.reduce((acc, step) => step(acc), frame));
    return damage === null ? text : damage(text);
  });

const versions = fc.constantFrom(...OCPP_VERSIONS);

describe('decodeFrame properties', () => {
  it('never throws and never answers badly on random strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), versions, (raw, version) => {
        checkFrame(raw, version);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('never throws and never answers badly on random JSON values', () => {
    fc.assert(
      fc.property(fc.json({ maxDepth: 3 }), versions, (raw, version) => {
        checkFrame(raw, version);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('answers a broken CALL exactly once and a broken CALLRESULT or CALLERROR never, on mutated valid frames', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(mutatedFrames, versions, (raw, version) => {
        const decoded = checkFrame(raw, version);
        seen.add(decoded.kind === 'invalid' ? `invalid-${decoded.reply === null ? 'dropped' : 'answered'}` : decoded.kind);
      }),
      { numRuns: NUM_RUNS * 3 },
    );
    // The generator reaches every outcome, so the properties above were not checked vacuously.
    expect([...seen].sort()).toEqual(['call', 'callerror', 'callresult', 'invalid-answered', 'invalid-dropped']);
  });

  it('decodes every unmutated valid frame', () => {
    fc.assert(
      fc.property(validFrames, versions, (frame, version) => {
        const decoded = checkFrame(JSON.stringify(frame), version);
        const readable = isReadableId(frame[1]) && !(frame[0] === 2 && frame[2] === '');
        expect(decoded.kind !== 'invalid').toBe(readable);
      }),
      { numRuns: NUM_RUNS },
    );
  });
});
