// OCPP-J RPC frames: strict decoding and encoding (OCPP-J 1.6 §4; OCPP 2.0.1 Part 4 §4).
import { errorCodeFor, errorKindFor, type OcppError, type OcppErrorCode, type OcppErrorKind } from './errors';
import type { OcppVersion } from './versions';

export const MessageTypeId = { CALL: 2, CALLRESULT: 3, CALLERROR: 4 } as const;

/** 1.6 §4.1.4 Table 3; 2.0.1 §4.1.4 Table 4: messageId is string[36]. */
export const MAX_MESSAGE_ID_LENGTH = 36;
/** 2.0.1 §4.2.3 Table 7: errorDescription is string[255] (applied to 1.6 as well). */
export const MAX_ERROR_DESCRIPTION_LENGTH = 255;
/**
 * Deepest nesting of objects/arrays accepted inside a payload (the payload object is level 1).
 * The OCA schemas nest at most ~6 levels (SetChargingProfile with customData at each), so 32
 * leaves room for vendor customData while keeping everything after decoding (hashing with
 * JSON.stringify, schema validation, the DynamoDB marshaller) far from the stack limit: a payload
 * nested thousands of levels deep otherwise overflows the stack and is answered InternalError.
 */
export const MAX_PAYLOAD_DEPTH = 32;
/** 2.0.1 §4.2.3: "When also the MessageId cannot be read, the CALLERROR SHALL contain "-1" as MessageId." */
export const UNREADABLE_MESSAGE_ID = '-1';
/**
 * Longest over-long 1.6 CALL id that is still answered, echoed as received ({@link replyIdFor}).
 * A too-long id is in practice a few characters over (a prefixed UUID); past this bound the frame
 * is dropped as before, which keeps the reply and the log item's key (the id is part of a DynamoDB
 * sort key, at most 1024 bytes) bounded whatever the charger sends.
 */
export const MAX_ECHOED_MESSAGE_ID_LENGTH = 128;

export type JsonObject = Record<string, unknown>;

export type Decoded =
  | { kind: 'call'; messageId: string; action: string; payload: JsonObject }
  | { kind: 'callresult'; messageId: string; payload: JsonObject }
  | { kind: 'callerror'; messageId: string; errorCode: string; errorDescription: string; errorDetails: JsonObject }
  | {
      kind: 'invalid';
      /** The CALLERROR frame to send back, or null to drop the frame. */
      reply: string | null;
      reason: string;
      /** The sender's message id, when it could be read (also for a broken CALLRESULT/CALLERROR). */
      messageId?: string;
      /** A broken CALLRESULT/CALLERROR: with its id, it settles our pending CALL as an error. */
      answer?: true;
    };

type DecodedInvalid = Extract<Decoded, { kind: 'invalid' }>;

/**
 * Decodes one received frame for the negotiated version, checking in a fixed order:
 * JSON → array → MessageTypeId → MessageId → element count → Action → payload.
 * Never throws. A broken CALL is answered (`reply`); a CALLRESULT or CALLERROR never is, whatever
 * is wrong with it, so two peers can never trade CALLERRORs forever.
 */
export function decodeFrame(raw: string, version: OcppVersion): Decoded {
  let frame: unknown;
  try {
    frame = JSON.parse(raw);
  } catch {
    return decodeCorrupt(raw, version);
  }
  if (!Array.isArray(frame)) {
    return reject(version, undefined, 'RpcFrameworkError', 'Message is not a JSON array');
  }
  // V8's JSON.parse does not recurse, so a deep frame parses; it is bounded here, before any code
  // that does recurse sees it.
  return boundDepth(decodeElements(frame, version), version);
}

/**
 * A payload (or errorDetails) nested deeper than {@link MAX_PAYLOAD_DEPTH}: the message is not
 * malformed JSON but is more than this CSMS can process. A CALL is answered FormatViolation
 * (2.0.1 Part 4 §4.3 Table 8 "Payload for Action is syntactically incorrect"; 1.6 §4.2.3 Table 7
 * FormationViolation, "not conform the PDU structure"); a CALLRESULT/CALLERROR is dropped as any
 * broken response is.
 */
function boundDepth(decoded: Decoded, version: OcppVersion): Decoded {
  if (decoded.kind === 'invalid') return decoded;
  const body = decoded.kind === 'callerror' ? decoded.errorDetails : decoded.payload;
  if (!nestedDeeperThan(body, MAX_PAYLOAD_DEPTH)) return decoded;
  const reason = `Payload is nested deeper than ${MAX_PAYLOAD_DEPTH} levels`;
  if (decoded.kind === 'call') return reject(version, decoded.messageId, 'FormatViolation', reason);
  return { kind: 'invalid', reply: null, reason, messageId: decoded.messageId };
}

/** Iterative (an explicit stack), so it cannot itself overflow on the input it guards against. */
function nestedDeeperThan(root: unknown, max: number): boolean {
  const stack: Array<[unknown, number]> = [[root, 1]];
  while (stack.length) {
    const [value, depth] = stack.pop()!;
    if (typeof value !== 'object' || value === null) continue;
    if (depth > max) return true;
    for (const child of Array.isArray(value) ? value : Object.values(value)) {
      if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
    }
  }
  return false;
}

function decodeElements(frame: readonly unknown[], version: OcppVersion): Decoded {
  const typeId = frame[0];
  const messageId = readMessageId(frame[1]);
  if (typeId === MessageTypeId.CALLRESULT || typeId === MessageTypeId.CALLERROR) {
    return decodeResponse(frame, typeId, messageId);
  }
  const replyId = replyIdFor(version, frame[1]);
  if (typeof typeId !== 'number' || !Number.isInteger(typeId)) {
    return reject(version, replyId, 'RpcFrameworkError', `MessageTypeId must be an integer, got ${describe(typeId)}`);
  }
  if (typeId !== MessageTypeId.CALL) {
    // 2.0.1 §4.4: answer an unknown message type with MessageTypeNotSupported.
    // 1.6 §4.1.3 only says to ignore its payload; the reply carries none of it.
    return reject(version, replyId, 'MessageTypeNotSupported', `MessageTypeId ${typeId} is not supported`);
  }
  if (messageId === undefined) {
    // Unreadable (2.0.1: "-1"; 1.6: dropped), or a 1.6 id too long and answered as received.
    return reject(version, replyId, 'RpcFrameworkError', messageIdProblem(frame[1]));
  }
  if (frame.length !== 4) {
    // 1.6 §4.2.1 / 2.0.1 §4.2.1: "A CALL always consists of 4 elements".
    return reject(version, messageId, 'RpcFrameworkError', `CALL must have 4 elements, got ${frame.length}`);
  }
  const action = frame[2];
  if (typeof action !== 'string' || action.length === 0) {
    return reject(version, messageId, 'RpcFrameworkError', `Action must be a non-empty string, got ${describe(action)}`);
  }
  // 1.6 §4.2.1 / 2.0.1 §4.1.5: "If there is no payload JSON allows for two different notations:
  // null or and empty object {}" ({} is only the recommended one), so null is read as {}.
  const payload = frame[3] === null ? {} : frame[3];
  if (!isJsonObject(payload)) {
    return reject(version, messageId, 'FormatViolation', `Payload must be a JSON object, got ${describe(payload)}`);
  }
  return { kind: 'call', messageId, action, payload };
}

function decodeResponse(frame: readonly unknown[], typeId: 3 | 4, messageId: string | undefined): Decoded {
  const name = typeId === MessageTypeId.CALLRESULT ? 'CALLRESULT' : 'CALLERROR';
  const drop = (reason: string): DecodedInvalid =>
    messageId === undefined ? { kind: 'invalid', reply: null, reason, answer: true } : { kind: 'invalid', reply: null, reason, messageId, answer: true };

  if (messageId === undefined) return drop(`${name}: ${messageIdProblem(frame[1])}`);
  if (typeId === MessageTypeId.CALLRESULT) {
    // §4.2.2: [3, "<MessageId>", {<Payload>}]
    if (frame.length !== 3) return drop(`CALLRESULT must have 3 elements, got ${frame.length}`);
    const payload = frame[2] === null ? {} : frame[2]; // null is an empty payload, as for a CALL
    if (!isJsonObject(payload)) return drop(`CALLRESULT payload must be a JSON object, got ${describe(payload)}`);
    return { kind: 'callresult', messageId, payload };
  }
  // §4.2.3: [4, "<MessageId>", "<errorCode>", "<errorDescription>", {<errorDetails>}]
  if (frame.length !== 5) return drop(`CALLERROR must have 5 elements, got ${frame.length}`);
  const [, , errorCode, errorDescription, errorDetails] = frame;
  if (typeof errorCode !== 'string') return drop(`CALLERROR errorCode must be a string, got ${describe(errorCode)}`);
  if (typeof errorDescription !== 'string') {
    return drop(`CALLERROR errorDescription must be a string, got ${describe(errorDescription)}`);
  }
  if (!isJsonObject(errorDetails)) return drop(`CALLERROR errorDetails must be a JSON object, got ${describe(errorDetails)}`);
  return { kind: 'callerror', messageId, errorCode, errorDescription, errorDetails };
}

// Start of a frame, read without a JSON parser: `[<digits>,` then maybe `"<id>"` (an id without escapes).
const FRAME_HEAD = /^[ \t\n\r]*\[[ \t\n\r]*([0-9]+)[ \t\n\r]*,(?:[ \t\n\r]*"([^"\\\u0000-\u001f]*)")?/;

/**
 * Text that is not JSON. 2.0.1 §4.2.3: answer a corrupt message with a CALLERROR, with "-1" as
 * MessageId when the id cannot be read. 1.6 has no such rule: answer only when the id is readable.
 * If the text starts like a CALLRESULT/CALLERROR it is dropped, as any response is.
 */
function decodeCorrupt(raw: string, version: OcppVersion): Decoded {
  const head = FRAME_HEAD.exec(raw);
  const typeId = head?.[1] === undefined ? undefined : Number(head[1]);
  if (typeId === MessageTypeId.CALLRESULT || typeId === MessageTypeId.CALLERROR) {
    const messageId = readMessageId(head?.[2]);
    const reason = 'Message is not valid JSON (a response; not answered)';
    return messageId === undefined ? { kind: 'invalid', reply: null, reason, answer: true } : { kind: 'invalid', reply: null, reason, messageId, answer: true };
  }
  return reject(version, replyIdFor(version, head?.[2]), 'RpcFrameworkError', 'Message is not valid JSON');
}

/** `messageId` is a readable id or one {@link replyIdFor} allows to be echoed; undefined: none. */
function reject(version: OcppVersion, messageId: string | undefined, kind: OcppErrorKind, reason: string): DecodedInvalid {
  if (messageId !== undefined) {
    return { kind: 'invalid', reply: callErrorFrame(version, messageId, kind, reason), reason, messageId };
  }
  const reply = version === 'ocpp2.0.1' ? encodeCallError(version, UNREADABLE_MESSAGE_ID, kind, reason) : null;
  return { kind: 'invalid', reply, reason };
}

function readMessageId(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > 2 * MAX_MESSAGE_ID_LENGTH) return undefined; // > 72 UTF-16 units is > 36 characters
  return characterCount(value) <= MAX_MESSAGE_ID_LENGTH ? value : undefined;
}

/**
 * The id to answer a broken CALL (or a frame of an unknown type) with: its readable id, or in 1.6 a
 * string id longer than 36 characters, echoed as received. 1.6 has no "-1" rule (that is 2.0.1
 * §4.2.3) and says a CallError's UniqueId "must be the exact same id that is in the call request so
 * that the recipient can match request and result" (OCPP-J 1.6 §4.2.3 Table 6), listing "unique
 * identifier too long" among the reasons for a CallError: the echo is the only answer the charger
 * can match to its CALL, where dropping the frame leaves it waiting for its timeout. The code is
 * FormationViolation (the RpcFrameworkError kind, see errors.ts): 1.6 Table 7's code for a message
 * that does "not conform the PDU structure"; the id is part of that structure, not of the payload
 * the constraint codes speak of, and ProtocolError ("Payload for Action is incomplete") does not fit.
 * 2.0.1 keeps answering "-1": its CALLERROR MessageId is itself string[36].
 */
function replyIdFor(version: OcppVersion, value: unknown): string | undefined {
  const readable = readMessageId(value);
  if (readable !== undefined || version !== 'ocpp1.6' || typeof value !== 'string') return readable;
  return value.length <= 2 * MAX_ECHOED_MESSAGE_ID_LENGTH && characterCount(value) <= MAX_ECHOED_MESSAGE_ID_LENGTH ? value : undefined;
}

function messageIdProblem(value: unknown): string {
  return typeof value === 'string'
    ? `MessageId must be at most ${MAX_MESSAGE_ID_LENGTH} characters, got ${characterCount(value)}`
    : `MessageId must be a string, got ${describe(value)}`;
}

/** OCPP lengths count characters (Unicode code points), not UTF-16 units. */
function characterCount(value: string): number {
  let count = 0;
  for (const _ of value) count++;
  return count;
}

function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A short, safe description of a received value's type (never echoes its content). */
function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  return Array.from(text.slice(0, max * 2)).slice(0, max).join('');
}

/**
 * Ids we answer are echoed as received: the spec sets only a maximum, so "" is a readable id too.
 * Ids we create for our own CALLs must also be non-empty, or they would not identify anything.
 */
function assertMessageId(messageId: string, minLength: 0 | 1): void {
  if (messageId.length < minLength || characterCount(messageId) > MAX_MESSAGE_ID_LENGTH) {
    throw new RangeError(`OCPP messageId must be ${minLength}..${MAX_MESSAGE_ID_LENGTH} characters`);
  }
}

function assertPayload(payload: unknown): asserts payload is JsonObject {
  if (!isJsonObject(payload)) throw new TypeError('OCPP payload must be a JSON object ({} when empty)');
}

/** `[2, messageId, action, payload]`. Throws on a bad id or payload: those are programming errors. */
export function encodeCall(messageId: string, action: string, payload: JsonObject): string {
  assertMessageId(messageId, 1);
  if (action.length === 0) throw new TypeError('OCPP action must be a non-empty string');
  assertPayload(payload);
  return JSON.stringify([MessageTypeId.CALL, messageId, action, payload]);
}

/** `[3, messageId, payload]`. Throws on a bad id or payload: those are programming errors. */
export function encodeCallResult(messageId: string, payload: JsonObject): string {
  assertMessageId(messageId, 0);
  assertPayload(payload);
  return JSON.stringify([MessageTypeId.CALLRESULT, messageId, payload]);
}

/**
 * `[4, messageId, errorCode, errorDescription, errorDetails]` with the errorCode spelled as `version`
 * spells it (a kind or a code of either version is accepted), the description cut to 255
 * characters and errorDetails `{}` when empty or not serialisable. Never throws for a readable id.
 */
export function encodeCallError(
  version: OcppVersion,
  messageId: string,
  kindOrCode: OcppErrorKind | OcppErrorCode,
  description: string,
  details: JsonObject = {},
): string {
  assertMessageId(messageId, 0);
  return callErrorFrame(version, messageId, kindOrCode, description, details);
}

/** {@link encodeCallError} without the id check: the decoder also echoes a 1.6 id that is too long ({@link replyIdFor}). */
function callErrorFrame(version: OcppVersion, messageId: string, kindOrCode: OcppErrorKind | OcppErrorCode, description: string, details: JsonObject = {}): string {
  const code = errorCodeFor(version, errorKindFor(kindOrCode) ?? 'GenericError');
  const errorDescription = truncate(description, MAX_ERROR_DESCRIPTION_LENGTH);
  const head = JSON.stringify([MessageTypeId.CALLERROR, messageId, code, errorDescription]).slice(0, -1);
  return `${head},${stringifyDetails(details)}]`;
}

/** A CALLERROR for an {@link OcppError}. */
export function encodeOcppError(version: OcppVersion, messageId: string, error: OcppError): string {
  return encodeCallError(version, messageId, error.kind, error.description, error.details);
}

function stringifyDetails(details: unknown): string {
  if (!isJsonObject(details)) return '{}';
  try {
    const text = JSON.stringify(details);
    return typeof text === 'string' && text.startsWith('{') ? text : '{}';
  } catch {
    return '{}'; // cycles, BigInt, throwing toJSON: the error report must still go out
  }
}
