// Payload validation against the official OCA JSON schemas (2.0.1 Part 4 §4.1.2, §4.1.7;
// OCPP-J 1.6 errata §3.6). Schemas compile on first use: compiling all 206 takes ~0.8 s, a cold
// start should only pay for the few actions it sees.
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { OcppError, type OcppErrorKind } from './errors';
import ocpp16Schemas from './schemas/ocpp16.gen';
import ocpp201Schemas from './schemas/ocpp201.gen';
import type { OcppVersion } from './versions';

export type ValidationResult = { ok: true } | { ok: false; error: OcppError };

type Direction = 'req' | 'conf';

const SOURCES: { readonly [V in OcppVersion]: readonly object[] } = {
  'ocpp1.6': ocpp16Schemas,
  'ocpp2.0.1': ocpp201Schemas,
};

interface SchemaSet {
  /** `Action.req` / `Action.conf` → schema, without its `$id` (see schemaSet). */
  readonly schemas: ReadonlyMap<string, object>;
  readonly validators: Map<string, ValidateFunction>;
  ajv: Ajv | undefined;
}

const sets = new Map<OcppVersion, SchemaSet>();

function schemaSet(version: OcppVersion): SchemaSet {
  let set = sets.get(version);
  if (set === undefined) {
    const schemas = new Map<string, object>();
    for (const schema of SOURCES[version]) {
      // `$id` is `urn:<Action>.req|conf`. Ajv 8's URI parser rejects these URNs (no namespace id),
      // and every `$ref` in the OCA schemas is local (`#/definitions/...`), so the id is only a key.
      const { $id, ...rest } = schema as { $id?: unknown };
      if (typeof $id === 'string') schemas.set($id.replace(/^urn:/, ''), rest);
    }
    set = { schemas, validators: new Map(), ajv: undefined };
    sets.set(version, set);
  }
  return set;
}

function createAjv(): Ajv {
  // multipleOfPrecision: the 1.6 schemas say `multipleOf: 0.1` (e.g. ChargingSchedulePeriod.limit),
  // and 0.3 / 0.1 is 2.9999999999999996 in floating point. Ajv's own option compares the quotient
  // with its rounding to 1e-6 instead of demanding an exact integer, and still reports errors.
  // validateSchema: false skips compiling the draft-07 meta-schema (~25 ms of cold start); the
  // generated schemas are checked against it once, in test/unit/ocpp/validate.test.ts.
  const ajv = new Ajv({ allErrors: false, multipleOfPrecision: 6, validateSchema: false });
  addFormats(ajv, ['date-time', 'uri']); // the only formats the OCA schemas use (RFC 3339 date-time, with offset)
  return ajv;
}

function validatorFor(version: OcppVersion, action: string, direction: Direction): ValidateFunction | undefined {
  const set = schemaSet(version);
  const key = `${action}.${direction}`;
  let validate = set.validators.get(key);
  if (validate === undefined) {
    const schema = set.schemas.get(key);
    if (schema === undefined) return undefined;
    set.ajv ??= createAjv();
    validate = set.ajv.compile(schema);
    set.validators.set(key, validate);
  }
  return validate;
}

/** True when `version` defines a request schema for `action` (either direction). */
export function isKnownAction(version: OcppVersion, action: string): boolean {
  return schemaSet(version).schemas.has(`${action}.req`);
}

/** Validates a CALL payload. Unknown action → NotImplemented (1.6 Table 7; 2.0.1 §4.1.7, Table 8). */
export function validateRequest(version: OcppVersion, action: string, payload: unknown): ValidationResult {
  return validate(version, action, 'req', payload);
}

/** Validates the CALLRESULT payload of a CALL we sent with `action`. */
export function validateResponse(version: OcppVersion, action: string, payload: unknown): ValidationResult {
  return validate(version, action, 'conf', payload);
}

function validate(version: OcppVersion, action: string, direction: Direction, payload: unknown): ValidationResult {
  const validateFn = validatorFor(version, action, direction);
  if (validateFn === undefined) {
    const what = direction === 'req' ? 'request' : 'response';
    return { ok: false, error: new OcppError('NotImplemented', `${action} is not a known ${version} action (no ${what} schema)`) };
  }
  if (validateFn(payload)) return unsafeNumberIn(payload);
  const first = validateFn.errors?.[0];
  if (first === undefined) return { ok: false, error: new OcppError('FormatViolation', 'Payload does not match the schema') };
  const path = fieldPath(first);
  return {
    ok: false,
    error: new OcppError(kindForKeyword(version, first.keyword), describeError(first, path), { path, keyword: first.keyword }),
  };
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
function fieldPath(error: ErrorObject): string {
  const params: Record<string, unknown> = error.params;
  const child = error.keyword === 'required' ? params.missingProperty : error.keyword === 'additionalProperties' ? params.additionalProperty : undefined;
  if (typeof child === 'string') return `${error.instancePath}/${child.replace(/~/g, '~0').replace(/\//g, '~1')}`;
  return error.instancePath === '' ? '/' : error.instancePath;
}

function describeError(error: ErrorObject, path: string): string {
  const params: Record<string, unknown> = error.params;
  switch (error.keyword) {
    case 'required':
      return `${path} is required`;
    case 'additionalProperties':
      return `${path} is not a field of this message`;
    case 'enum':
      return Array.isArray(params.allowedValues)
        ? `${path} must be one of: ${params.allowedValues.map(String).join(', ')}`
        : `${path} ${error.message ?? 'must be one of the allowed values'}`;
    default:
      return `${path} ${error.message ?? `fails ${error.keyword}`}`;
  }
}

/**
 * A number beyond ±(2^53 − 1) passes the schemas (`integer` has no maximum in most of them), but
 * JSON.parse has already rounded it, so the value the charger meant is lost, and the DynamoDB
 * marshaller refuses it, which turned a bad connectorId, meterStart, seqNo or evseId into
 * InternalError. It is a field holding a value this CSMS cannot accept:
 * PropertyConstraintViolation (1.6 §4.2.3 Table 7 / 2.0.1 Part 4 §4.3 Table 8, "syntactically
 * correct but at least one field contains an invalid value"). Walks the whole payload, so a number
 * in customData is caught too; the codec has bounded its depth (MAX_PAYLOAD_DEPTH).
 */
function unsafeNumberIn(payload: unknown): ValidationResult {
  const stack: Array<[unknown, string]> = [[payload, '']];
  while (stack.length) {
    const [value, path] = stack.pop()!;
    if (typeof value === 'number') {
      if (Math.abs(value) > Number.MAX_SAFE_INTEGER) {
        const at = path === '' ? '/' : path;
        return { ok: false, error: new OcppError('PropertyConstraintViolation', `${at} must be between -${Number.MAX_SAFE_INTEGER} and ${Number.MAX_SAFE_INTEGER}`, { path: at }) };
      }
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => stack.push([v, `${path}/${i}`]));
    } else if (typeof value === 'object' && value !== null) {
      for (const [k, v] of Object.entries(value)) stack.push([v, `${path}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`]);
    }
  }
  return { ok: true };
}
