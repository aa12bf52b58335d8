// Payload validation against the official OCA JSON schemas (2.0.1 Part 4 §4.1.2, §4.1.7;
// OCPP-J 1.6 errata §3.6), with validators compiled ahead of time by Ajv standalone
// (scripts/gen-ocpp-schemas.ts): no function bundles the Ajv compiler or compiles at a cold start.
// This module holds what the $default function validates: charger CALLs, the answers to our commands
// and, before sending, our own answers. The commands we send are checked by validate-command.ts, so
// their validators stay out of the $default bundle.
import { numberProblem, stringProblem } from '../db/storable';
import { OcppError, type OcppErrorKind } from './errors';
import * as answers16 from './validators/ocpp16.answers.gen.js';
import * as answers201 from './validators/ocpp201.answers.gen.js';
import * as received16 from './validators/ocpp16.received.gen.js';
import * as received201 from './validators/ocpp201.received.gen.js';
import type { ValidationFailure, Validator } from './validators/types';
import type { OcppVersion } from './versions';

export type ValidationResult = { ok: true } | { ok: false; error: OcppError };

type Direction = 'req' | 'conf';
type Validators = Readonly<Record<string, Validator>>;

const RECEIVED: { readonly [V in OcppVersion]: Validators } = { 'ocpp1.6': received16.validators, 'ocpp2.0.1': received201.validators };
const ANSWERS: { readonly [V in OcppVersion]: Validators } = { 'ocpp1.6': answers16.validators, 'ocpp2.0.1': answers201.validators };
const KNOWN: { readonly [V in OcppVersion]: ReadonlySet<string> } = { 'ocpp1.6': new Set(received16.ACTIONS), 'ocpp2.0.1': new Set(received201.ACTIONS) };

/** True when `version` defines `action` (it has a request schema), whether or not this CSMS takes part in it. */
export function isKnownAction(version: OcppVersion, action: string): boolean {
  return KNOWN[version].has(action);
}

/**
 * Validates a CALL payload a charge point sent. An action this CSMS does not take part in is refused
 * here, before anything else looks at it: NotSupported when the version defines it, NotImplemented
 * when it does not ({@link validateWith}).
 */
export function validateRequest(version: OcppVersion, action: string, payload: unknown): ValidationResult {
  return validateWith([RECEIVED[version]], version, action, 'req', payload);
}

/** Validates a CALLRESULT payload: a charge point's answer to our command, or our answer to its CALL. */
export function validateResponse(version: OcppVersion, action: string, payload: unknown): ValidationResult {
  return validateWith([RECEIVED[version], ANSWERS[version]], version, action, 'conf', payload);
}

/**
 * Validates with the first of `sets` that has a validator for `action`. None: the two codes of
 * OCPP-J 1.6 §4.2.3 Table 7 and 2.0.1 Part 4 §4.3 Table 8 tell "not known by receiver"
 * (NotImplemented: the version defines no such action) from "recognized but not supported by the
 * receiver" (NotSupported: the version defines it, it has an official schema, but this CSMS does not
 * take part in it, e.g. 2.0.1 Get15118EVCertificate, or a CSMS-to-charger action sent the other way).
 */
export function validateWith(sets: readonly Validators[], version: OcppVersion, action: string, direction: Direction, payload: unknown): ValidationResult {
  const key = `${action}.${direction}`;
  const validateFn = sets.find((set) => Object.hasOwn(set, key))?.[key];
  if (validateFn === undefined) {
    const what = direction === 'req' ? 'request' : 'response';
    const error = isKnownAction(version, action)
      ? new OcppError('NotSupported', `this CSMS does not take part in ${action} (no ${what} validator)`)
      : new OcppError('NotImplemented', `${action} is not a known ${version} action (no ${what} schema)`);
    return { ok: false, error };
  }
  if (validateFn(payload)) {
    const broken = specRuleFailure(version, action, direction, payload);
    return broken === undefined ? unstorableValueIn(payload) : refusal(version, broken);
  }
  const first = validateFn.errors?.[0];
  if (first === undefined) return { ok: false, error: new OcppError('FormatViolation', 'Payload does not match the schema') };
  return refusal(version, first);
}

function refusal(version: OcppVersion, failure: ValidationFailure): ValidationResult {
  const path = fieldPath(failure);
  return {
    ok: false,
    error: new OcppError(kindForKeyword(version, failure.keyword), describeError(failure, path), { path, keyword: failure.keyword }),
  };
}

/** A value or cardinality rule of a message table, in the schema keyword it would be written with. */
interface SpecRule {
  /** JSON pointer of the field; `*` stands for every element of an array. */
  readonly path: string;
  readonly keyword: 'minimum' | 'exclusiveMinimum' | 'minItems';
  readonly limit: number;
}

/*
 * Rules of the OCPP 1.6 message tables (ocpp-1.6_edition_2 §6, §7) that the official 1.6 JSON
 * schemas leave out, checked right after a payload has passed its schema. 2.0.1's schemas carry
 * theirs (minItems, minimum), so this table is 1.6 only. Without it, StartTransaction on connector 0
 * opened a session there and StatusNotification for connector -1 showed a connector -1 in the API.
 * A failure is worded and coded as the schema keyword would be (kindForKeyword): a value out of
 * range is PropertyConstraintViolation, an empty list that must have 1..* OccurenceConstraintViolation.
 * The other 1.6 messages a charge point sends (Authorize, BootNotification, DataTransfer, Heartbeat,
 * the status notifications, and the security whitepaper's) have no such rule beyond their schemas;
 * the commands this CSMS sends are checked against theirs too.
 */
// Keyed by action, then direction: a `"<Action>.req"` key would read, in a bundle, as the marker of a
// generated validator module (test/infra/ocpp-validators-bundle.test.ts).
const OCPP16_SPEC_RULES: Readonly<Record<string, Readonly<Partial<Record<Direction, readonly SpecRule[]>>>>> = {
  // §6.31: connectorId >= 0 (0 is the main meter); meterValue 1..*; §7.33 MeterValue.sampledValue 1..*.
  MeterValues: {
    req: [
      { path: '/connectorId', keyword: 'minimum', limit: 0 },
      { path: '/meterValue', keyword: 'minItems', limit: 1 },
      { path: '/meterValue/*/sampledValue', keyword: 'minItems', limit: 1 },
    ],
  },
  // §6.45: connectorId > 0.
  StartTransaction: { req: [{ path: '/connectorId', keyword: 'exclusiveMinimum', limit: 0 }] },
  // §6.47: connectorId >= 0 (0 is the main controller).
  StatusNotification: { req: [{ path: '/connectorId', keyword: 'minimum', limit: 0 }] },
  // §6.49: transactionData 0..* (may be empty), but each of its MeterValues has sampledValue 1..* (§7.33).
  StopTransaction: { req: [{ path: '/transactionData/*/sampledValue', keyword: 'minItems', limit: 1 }] },
  // Commands this CSMS sends (validate-command.ts): an operator's connectorId out of range is a 400
  // before it goes out, not a charger's guess. §6.7, §6.37: >= 0 (0 is the whole charge point); §6.33,
  // §6.51, §6.53: > 0.
  ChangeAvailability: { req: [{ path: '/connectorId', keyword: 'minimum', limit: 0 }] },
  ReserveNow: { req: [{ path: '/connectorId', keyword: 'minimum', limit: 0 }] },
  RemoteStartTransaction: { req: [{ path: '/connectorId', keyword: 'exclusiveMinimum', limit: 0 }] },
  TriggerMessage: { req: [{ path: '/connectorId', keyword: 'exclusiveMinimum', limit: 0 }] },
  UnlockConnector: { req: [{ path: '/connectorId', keyword: 'exclusiveMinimum', limit: 0 }] },
};

/** The first table rule a schema-valid payload breaks, as a schema failure; undefined when none (or not 1.6). */
function specRuleFailure(version: OcppVersion, action: string, direction: Direction, payload: unknown): ValidationFailure | undefined {
  const rules = version === 'ocpp1.6' && Object.hasOwn(OCPP16_SPEC_RULES, action) ? OCPP16_SPEC_RULES[action]?.[direction] : undefined;
  for (const rule of rules ?? []) {
    for (const [instancePath, value] of valuesAt(payload, rule.path.split('/').slice(1), '')) {
      const broken =
        rule.keyword === 'minItems'
          ? Array.isArray(value) && value.length < rule.limit
          : typeof value === 'number' && (rule.keyword === 'minimum' ? value < rule.limit : value <= rule.limit);
      if (!broken) continue;
      const params = rule.keyword === 'minItems' ? { limit: rule.limit } : { comparison: rule.keyword === 'minimum' ? '>=' : '>', limit: rule.limit };
      return { instancePath, keyword: rule.keyword, params };
    }
  }
  return undefined;
}

/** The values at a path of {@link SpecRule} (absent optional fields yield nothing), with their JSON pointers. */
function valuesAt(value: unknown, segments: readonly string[], at: string): Array<[string, unknown]> {
  if (segments.length === 0) return [[at, value]];
  const [head, ...rest] = segments as [string, ...string[]];
  if (head === '*') return Array.isArray(value) ? value.flatMap((item, i) => valuesAt(item, rest, `${at}/${i}`)) : [];
  if (typeof value !== 'object' || value === null || Array.isArray(value) || !Object.hasOwn(value, head)) return [];
  return valuesAt((value as Record<string, unknown>)[head], rest, `${at}/${head}`);
}

/*
 * Which CALLERROR a failing schema keyword becomes, from the code descriptions in OCPP-J 1.6 §4.2.3
 * Table 7 and 2.0.1 Part 4 §4.3 Table 8:
 * - type → TypeConstraintViolation: "violates data type constraints (e.g. "somestring": 12)".
 * - required, minItems, maxItems, min/maxProperties → OccurrenceConstraintViolation: these are the
 *   cardinalities (1..1, 0..*, 1..n) that say how often a field occurs.
 * - enum, const, pattern, min/maxLength, format, minimum/maximum, exclusive*, multipleOf →
 *   PropertyConstraintViolation: "syntactically correct but at least one field contains an invalid value".
 *   Not FormationViolation: the payload's syntax is fine; one value is out of range.
 * - additionalProperties (a field the action does not define) has no value to be invalid; the payload
 *   is "not conform the PDU structure". 1.6 files that under FormationViolation; 2.0.1 narrowed
 *   FormatViolation to "syntactically incorrect" and moved "not conform the PDU structure" to
 *   ProtocolError, so the kind differs per version.
 * Anything else (not used by the OCA schemas) → FormatViolation, the general "payload is wrong".
 */
const KIND_FOR_KEYWORD: Readonly<Record<string, OcppErrorKind>> = {
  type: 'TypeConstraintViolation',
  required: 'OccurrenceConstraintViolation',
  minItems: 'OccurrenceConstraintViolation',
  maxItems: 'OccurrenceConstraintViolation',
  minProperties: 'OccurrenceConstraintViolation',
  maxProperties: 'OccurrenceConstraintViolation',
  uniqueItems: 'OccurrenceConstraintViolation',
  enum: 'PropertyConstraintViolation',
  const: 'PropertyConstraintViolation',
  pattern: 'PropertyConstraintViolation',
  format: 'PropertyConstraintViolation',
  minLength: 'PropertyConstraintViolation',
  maxLength: 'PropertyConstraintViolation',
  minimum: 'PropertyConstraintViolation',
  maximum: 'PropertyConstraintViolation',
  exclusiveMinimum: 'PropertyConstraintViolation',
  exclusiveMaximum: 'PropertyConstraintViolation',
  multipleOf: 'PropertyConstraintViolation',
};

export function kindForKeyword(version: OcppVersion, keyword: string): OcppErrorKind {
  if (keyword === 'additionalProperties') return version === 'ocpp1.6' ? 'FormatViolation' : 'ProtocolError';
  return Object.hasOwn(KIND_FOR_KEYWORD, keyword) ? (KIND_FOR_KEYWORD[keyword] ?? 'FormatViolation') : 'FormatViolation';
}

/** JSON pointer of the offending field; for required/additionalProperties, the named child field. */
function fieldPath(error: ValidationFailure): string {
  const params: Record<string, unknown> = error.params;
  const child = error.keyword === 'required' ? params.missingProperty : error.keyword === 'additionalProperties' ? params.additionalProperty : undefined;
  if (typeof child === 'string') return `${error.instancePath}/${child.replace(/~/g, '~0').replace(/\//g, '~1')}`;
  return error.instancePath === '' ? '/' : error.instancePath;
}

function describeError(error: ValidationFailure, path: string): string {
  const params = error.params;
  switch (error.keyword) {
    case 'required':
      return `${path} is required`;
    case 'additionalProperties':
      return `${path} is not a field of this message`;
    case 'enum':
      return Array.isArray(params.allowedValues)
        ? `${path} must be one of: ${params.allowedValues.map(String).join(', ')}`
        : `${path} ${ajvMessage(error) ?? 'must be one of the allowed values'}`;
    default:
      return `${path} ${ajvMessage(error) ?? `fails ${error.keyword}`}`;
  }
}

/*
 * Ajv's message for each keyword the OCA schemas use (ajv 8 lib/vocabularies/**: `message`), worded
 * here from keyword and params because the generated validators are compiled with `messages: false`
 * (scripts/gen-ocpp-schemas.ts): the text is then not repeated in each of their failure branches.
 * test/unit/ocpp/validate.test.ts holds every entry to the text Ajv itself produces.
 */
const AJV_MESSAGES: Readonly<Record<string, (p: Record<string, unknown>) => string>> = {
  type: (p) => `must be ${String(p.type)}`,
  required: (p) => `must have required property '${String(p.missingProperty)}'`,
  additionalProperties: () => 'must NOT have additional properties',
  enum: () => 'must be equal to one of the allowed values',
  const: () => 'must be equal to constant',
  format: (p) => `must match format "${String(p.format)}"`,
  pattern: (p) => `must match pattern "${String(p.pattern)}"`,
  maxLength: (p) => `must NOT have more than ${String(p.limit)} characters`,
  minLength: (p) => `must NOT have fewer than ${String(p.limit)} characters`,
  maxItems: (p) => `must NOT have more than ${String(p.limit)} items`,
  minItems: (p) => `must NOT have fewer than ${String(p.limit)} items`,
  maxProperties: (p) => `must NOT have more than ${String(p.limit)} properties`,
  minProperties: (p) => `must NOT have fewer than ${String(p.limit)} properties`,
  maximum: (p) => `must be ${String(p.comparison)} ${String(p.limit)}`,
  minimum: (p) => `must be ${String(p.comparison)} ${String(p.limit)}`,
  exclusiveMaximum: (p) => `must be ${String(p.comparison)} ${String(p.limit)}`,
  exclusiveMinimum: (p) => `must be ${String(p.comparison)} ${String(p.limit)}`,
  multipleOf: (p) => `must be multiple of ${String(p.multipleOf)}`,
  uniqueItems: (p) => `must NOT have duplicate items (items ## ${String(p.j)} and ${String(p.i)} are identical)`,
};

/** Ajv's message for a failure, or undefined for a keyword the OCA schemas do not use. */
export function ajvMessage(error: ValidationFailure): string | undefined {
  return Object.hasOwn(AJV_MESSAGES, error.keyword) ? AJV_MESSAGES[error.keyword]?.(error.params) : undefined;
}

/**
 * A value the schemas let through but this CSMS cannot store or answer back (lib/db/storable.ts):
 * - a number beyond ±(2^53 − 1) (`integer` has no maximum in most schemas): JSON.parse has already
 *   rounded it, so the value the charger meant is lost, and the DynamoDB marshaller refuses it,
 *   which turned a bad connectorId, meterStart, seqNo or evseId into InternalError; a non-zero one
 *   below 1e-130 (a 2.0.1 SampledValue.value, say), which DynamoDB refuses ("Number underflow");
 * - a string with a lone UTF-16 surrogate or a NUL: stored, it would make every REST answer that
 *   carries it (the log, a session's token) unreadable to strict JSON parsers.
 * It is a field holding a value this CSMS cannot accept: PropertyConstraintViolation (1.6 §4.2.3
 * Table 7 / 2.0.1 Part 4 §4.3 Table 8, "syntactically correct but at least one field contains an
 * invalid value"). Walks the whole payload, keys too, so customData is covered; the codec has
 * bounded its depth (MAX_PAYLOAD_DEPTH).
 */
function unstorableValueIn(payload: unknown): ValidationResult {
  const stack: Array<[unknown, string]> = [[payload, '']];
  const refuse = (path: string, why: string): ValidationResult => {
    const at = path === '' ? '/' : path;
    return { ok: false, error: new OcppError('PropertyConstraintViolation', `${at} ${why}`, { path: at }) };
  };
  while (stack.length) {
    const [value, path] = stack.pop()!;
    if (typeof value === 'number') {
      if (Math.abs(value) > Number.MAX_SAFE_INTEGER) return refuse(path, `must be between -${Number.MAX_SAFE_INTEGER} and ${Number.MAX_SAFE_INTEGER}`);
      const why = numberProblem(value);
      if (why) return refuse(path, why);
    } else if (typeof value === 'string') {
      const why = stringProblem(value);
      if (why) return refuse(path, why);
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => stack.push([v, `${path}/${i}`]));
    } else if (typeof value === 'object' && value !== null) {
      for (const [k, v] of Object.entries(value)) {
        const keyWhy = stringProblem(k);
        if (keyWhy) return refuse(path, `field names ${keyWhy}`);
        stack.push([v, `${path}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`]);
      }
    }
  }
  return { ok: true };
}
