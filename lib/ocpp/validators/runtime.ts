// The run-time helpers the ahead-of-time validators (*.gen.js, scripts/gen-ocpp-schemas.ts) call:
// Ajv's UCS-2 length for minLength/maxLength, the one format the validators check, date-time, and the
// shared pieces of Ajv's code that the generator's compact() turns into calls (below).
// Only these small pieces are bundled: not the Ajv compiler, and not ajv-formats, a CommonJS module
// of some thirty formats that esbuild bundles whole (7.5 KiB in the $default bundle for one format).
import ucs2lengthModule from 'ajv/dist/runtime/ucs2length';

// A CommonJS module with `exports.default`: bundlers hand over the function, Node's ESM loader the
// exports object; accept both.
const ucs2length = ((ucs2lengthModule as unknown as { default?: unknown }).default ?? ucs2lengthModule) as (s: string) => number;

/** Stands in for `require("ajv/dist/runtime/ucs2length")` in the generated code. */
export const ajvUcs2length = { default: ucs2length };

/*
 * date-time exactly as ajv-formats 3.0.1 `fullFormats["date-time"]` checks it (MIT, © Evgeny
 * Poberezkin): RFC 3339 §5.6 date-time, the time zone required, leap seconds only at 23:59 UTC.
 * test/unit/ocpp/validator-runtime.test.ts holds it to ajv-formats' answer on a corpus of strings.
 */
const DATE = /^(\d\d\d\d)-(\d\d)-(\d\d)$/;
const DAYS = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const TIME = /^(\d\d):(\d\d):(\d\d(?:\.\d+)?)(z|([+-])(\d\d)(?::?(\d\d))?)?$/i;
const DATE_TIME_SEPARATOR = /t|\s/i;

function isLeapYear(year: number): boolean {
  // RFC 3339 Appendix C
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

function date(str: string): boolean {
  const matches = DATE.exec(str);
  if (!matches) return false;
  const year = +matches[1]!;
  const month = +matches[2]!;
  const day = +matches[3]!;
  return month >= 1 && month <= 12 && day >= 1 && day <= (month === 2 && isLeapYear(year) ? 29 : DAYS[month]!);
}

function time(str: string): boolean {
  const matches = TIME.exec(str);
  if (!matches) return false;
  const hr = +matches[1]!;
  const min = +matches[2]!;
  const sec = +matches[3]!;
  const tz = matches[4];
  const tzSign = matches[5] === '-' ? -1 : 1;
  const tzH = +(matches[6] || 0);
  const tzM = +(matches[7] || 0);
  if (tzH > 23 || tzM > 59 || !tz) return false;
  if (hr <= 23 && min <= 59 && sec < 60) return true;
  // leap second
  const utcMin = min - tzM * tzSign;
  const utcHr = hr - tzH * tzSign - (utcMin < 0 ? 1 : 0);
  return (utcHr === 23 || utcHr === -1) && (utcMin === 59 || utcMin === -1) && sec < 61;
}

/** RFC 3339 date-time with a time zone (ajv-formats `fullFormats["date-time"].validate`). */
export function dateTime(str: string): boolean {
  const parts = str.split(DATE_TIME_SEPARATOR);
  return parts.length === 2 && date(parts[0]!) && time(parts[1]!);
}

/** Ajv's `code.formats` for the generated code: format name → `{ validate }`. */
export const ocppFormats: Readonly<Record<string, { readonly validate: (s: string) => boolean }>> = { 'date-time': { validate: dateTime } };

/*
 * Failures as Ajv records them (`validate.errors`, the first and only one: allErrors is off), set by
 * one call instead of an object literal in every failure branch of the generated code
 * (scripts/gen-ocpp-schemas.ts compact()). Each returns false, the validator's verdict.
 */
type Failing = { errors?: unknown };

/** Any keyword: `params` as Ajv sets them. */
export function fail(validate: Failing, instancePath: string, keyword: string, params: Record<string, unknown>): false {
  validate.errors = [{ instancePath, keyword, params }];
  return false;
}

/** `type`: the value is not of the schema's type. */
export function failType(validate: Failing, instancePath: string, type: string): false {
  return fail(validate, instancePath, 'type', { type });
}

/** `required`: `missingProperty` is absent. */
export function failRequired(validate: Failing, instancePath: string, missingProperty: string): false {
  return fail(validate, instancePath, 'required', { missingProperty });
}

/** `additionalProperties: false`: `additionalProperty` is not a field of the schema. */
export function failAdditional(validate: Failing, instancePath: string, additionalProperty: string): false {
  return fail(validate, instancePath, 'additionalProperties', { additionalProperty });
}

/** A validator that `validate` called failed: its failure is `validate`'s (Ajv passes the callee's errors up). */
export function failFrom(validate: Failing, callee: Failing): false {
  validate.errors = callee.errors;
  return false;
}

/*
 * Tests the generated code makes through these helpers instead of writing them out at every use;
 * each does what Ajv's inline code did, in the same order (scripts/gen-ocpp-schemas.ts compact()).
 */

/** `type: "object"`: an object that is not an array (Ajv: `data && typeof data == "object" && !Array.isArray(data)`). */
export function isObject(data: unknown): boolean {
  return Boolean(data) && typeof data === 'object' && !Array.isArray(data);
}

/** `required`: the first of `names` that `data` lacks (a property is missing when it reads undefined), else undefined. */
export function missingOf(data: Record<string, unknown>, names: readonly string[]): string | undefined {
  for (const name of names) if (data[name] === undefined) return name;
  return undefined;
}

/** `additionalProperties: false`: the first key of `data` (for…in order) that is not one of `names`, else undefined. */
export function extraKey(data: object, names: readonly string[]): string | undefined {
  for (const key in data) if (!names.includes(key)) return key;
  return undefined;
}

/** `type: "integer"` (Ajv: a finite number with no fraction). */
export function isInteger(data: unknown): boolean {
  return typeof data === 'number' && !(data % 1) && !isNaN(data) && isFinite(data);
}

/** `type: "string", maxLength`: the type, then the length in UCS-2 code units as Ajv counts it. */
export function stringMax(validate: Failing, data: unknown, instancePath: string, limit: number): boolean {
  if (typeof data !== 'string') return failType(validate, instancePath, 'string');
  return ucs2length(data) > limit ? fail(validate, instancePath, 'maxLength', { limit }) : true;
}

/** `type: "string", format`: the type, then the format. */
export function stringFormat(validate: Failing, data: unknown, instancePath: string, check: { readonly validate: (s: string) => boolean }, format: string): boolean {
  if (typeof data !== 'string') return failType(validate, instancePath, 'string');
  return check.validate(data) ? true : fail(validate, instancePath, 'format', { format });
}

/** A validator as the generated code calls another: the value and its payload path. */
type Callee = Failing & ((data: unknown, instancePath: string) => boolean);

/** A field validated by `callee` (a `$ref`): absent is valid; a failure is `validate`'s. */
export function property(validate: Failing, data: Record<string, unknown>, name: string, callee: Callee, instancePath: string): boolean {
  const value = data[name];
  return value === undefined || callee(value, `${instancePath}/${name}`) || failFrom(validate, callee);
}

/** A definition that is an enum of strings: the type, then the value. */
export function stringEnum(validate: Failing, data: unknown, instancePath: string, values: readonly string[]): boolean {
  if (typeof data !== 'string') return failType(validate, instancePath, 'string');
  if (!values.includes(data)) return fail(validate, instancePath, 'enum', { allowedValues: values });
  validate.errors = null;
  return true;
}

/** `type: "object"` with `required` and/or `additionalProperties: false`, checked in Ajv's order. */
export function objectWith(validate: Failing, data: unknown, instancePath: string, required: readonly string[] | undefined, names: readonly string[] | undefined): boolean {
  if (!isObject(data)) return failType(validate, instancePath, 'object');
  const record = data as Record<string, unknown>;
  const missing = required && missingOf(record, required);
  if (missing !== undefined) return failRequired(validate, instancePath, missing);
  const extra = names && extraKey(record, names);
  return extra === undefined || failAdditional(validate, instancePath, extra);
}
