// The ahead-of-time validators (lib/ocpp/validators/*.gen.js) are Ajv standalone code that
// scripts/gen-ocpp-schemas.ts hoists and rewrites to make it smaller (issue #13). Whatever the
// rewriting, they must decide exactly as Ajv itself decides on the official schemas: the same verdict
// and the same first failure (payload path, keyword, params), hence the same CALLERROR code and text.
// Reference: Ajv's own compiler over lib/ocpp/schemas/*.gen.ts, each schema with its own definitions,
// the options the validators were first compiled with. Samples: for every schema, a payload with every
// field it defines and one with only the required ones (both checked valid), then fast-check mutations
// of those (a value replaced, a field removed or added, a list emptied or grown) and arbitrary JSON.
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import ocpp16Schemas from '../../../lib/ocpp/schemas/ocpp16.gen';
import ocpp201Schemas from '../../../lib/ocpp/schemas/ocpp201.gen';
import { validateWith } from '../../../lib/ocpp/validate';
import * as answers16 from '../../../lib/ocpp/validators/ocpp16.answers.gen.js';
import * as commands16 from '../../../lib/ocpp/validators/ocpp16.commands.gen.js';
import * as received16 from '../../../lib/ocpp/validators/ocpp16.received.gen.js';
import * as answers201 from '../../../lib/ocpp/validators/ocpp201.answers.gen.js';
import * as commands201 from '../../../lib/ocpp/validators/ocpp201.commands.gen.js';
import * as received201 from '../../../lib/ocpp/validators/ocpp201.received.gen.js';
import type { Validator } from '../../../lib/ocpp/validators/types';
import type { OcppVersion } from '../../../lib/ocpp/versions';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Schema = { [key: string]: Json };

function referenceAjv(schemas: readonly object[]): Ajv {
  const ajv = new Ajv({ allErrors: false, multipleOfPrecision: 6, validateSchema: false });
  addFormats(ajv, ['date-time', 'uri']);
  // Keyed `Action.req` as the generator keys them ($id `urn:Action.req` is not a URN Ajv accepts).
  for (const schema of schemas) {
    const { $id: id, ...rest } = schema as { $id: string };
    ajv.addSchema(rest, id.replace(/^urn:/, ''));
  }
  return ajv;
}

const VERSIONS: ReadonlyArray<{ version: OcppVersion; ajv: Ajv; schemas: readonly Schema[]; roles: ReadonlyArray<[string, Readonly<Record<string, Validator>>]> }> = [
  {
    version: 'ocpp1.6',
    ajv: referenceAjv(ocpp16Schemas),
    schemas: ocpp16Schemas as Schema[],
    roles: [
      ['received', received16.validators],
      ['answers', answers16.validators],
      ['commands', commands16.validators],
    ],
  },
  {
    version: 'ocpp2.0.1',
    ajv: referenceAjv(ocpp201Schemas),
    schemas: ocpp201Schemas as Schema[],
    roles: [
      ['received', received201.validators],
      ['answers', answers201.validators],
      ['commands', commands201.validators],
    ],
  },
];

/** A payload the schema accepts: every field it defines (`full`) or only the required ones. */
function sample(schema: Json, root: Schema, full: boolean, depth = 0): Json {
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) throw new Error('not a schema');
  if (typeof schema.$ref === 'string') {
    const name = schema.$ref.replace(/^#\/definitions\//, '');
    return sample((root.definitions as Schema)[name]!, root, full, depth);
  }
  if (Array.isArray(schema.enum)) return schema.enum[schema.enum.length - 1]!;
  const type = schema.type;
  if (type === 'object' || schema.properties) {
    const properties = (schema.properties ?? {}) as Schema;
    const required = new Set((schema.required ?? []) as string[]);
    const out: Schema = {};
    for (const [name, sub] of Object.entries(properties)) if (required.has(name) || (full && depth < 8)) out[name] = sample(sub, root, full, depth + 1);
    return out;
  }
  if (type === 'array') {
    const count = Math.max(Number(schema.minItems ?? 0), full ? Math.min(2, Number(schema.maxItems ?? 2)) : 0);
    return Array.from({ length: count }, () => sample(schema.items!, root, full, depth + 1));
  }
  if (type === 'string') {
    if (schema.format === 'date-time') return '2026-03-01T10:00:00.000Z';
    if (schema.format === 'uri') return 'https://example.com/x';
    return 'x'.repeat(Math.max(1, Math.min(Number(schema.maxLength ?? 5), 5), Number(schema.minLength ?? 0)));
  }
  if (type === 'integer') return Number(schema.minimum ?? 1);
  if (type === 'number') return Number(schema.minimum ?? 1.5);
  if (type === 'boolean') return true;
  if (Object.keys(schema).length === 0) return 'any value'; // DataTransfer's data: no constraint at all
  throw new Error(`no sample for ${JSON.stringify(schema)}`);
}

/** Every location in a payload, as a path of keys and indexes ([] is the payload itself). */
function locations(value: Json, at: Array<string | number> = []): Array<Array<string | number>> {
  const here = [at];
  if (Array.isArray(value)) return [...here, ...value.flatMap((v, i) => locations(v, [...at, i]))];
  if (value !== null && typeof value === 'object') return [...here, ...Object.entries(value).flatMap(([k, v]) => locations(v, [...at, k]))];
  return here;
}

type Mutation = { kind: 'replace'; with: Json } | { kind: 'remove' } | { kind: 'add'; key: string; with: Json } | { kind: 'empty' } | { kind: 'grow'; times: number };

function mutate(payload: Json, at: ReadonlyArray<string | number>, mutation: Mutation): Json {
  const copy = structuredClone(payload);
  if (at.length === 0) return mutation.kind === 'replace' ? mutation.with : copy;
  let parent: Json = copy;
  for (const key of at.slice(0, -1)) {
    // An earlier mutation may have removed or replaced the place: the payload stays as it is.
    if (parent === null || typeof parent !== 'object') return copy;
    parent = (parent as Record<string | number, Json>)[key]!;
  }
  if (parent === null || typeof parent !== 'object') return copy;
  const last = at[at.length - 1]!;
  const container = parent as Record<string | number, Json> & Json[];
  const target = container[last]!;
  if (mutation.kind === 'replace') container[last] = mutation.with;
  else if (mutation.kind === 'remove') {
    if (Array.isArray(container)) container.splice(Number(last), 1);
    else delete container[last];
  } else if (mutation.kind === 'add' && target !== null && typeof target === 'object' && !Array.isArray(target)) target[mutation.key] = mutation.with;
  else if (mutation.kind === 'empty' && Array.isArray(target)) target.length = 0;
  else if (mutation.kind === 'grow' && Array.isArray(target) && target.length) for (let i = 0; i < mutation.times; i++) target.push(structuredClone(target[0]!));
  return copy;
}

/** Values that sit on the schemas' edges: long and empty strings, near-dates, non-integers, big numbers. */
const edgeValue: fc.Arbitrary<Json> = fc.oneof(
  fc.jsonValue() as fc.Arbitrary<Json>,
  fc.constantFrom<Json>('', 'x'.repeat(21), 'x'.repeat(51), 'x'.repeat(256), 'x'.repeat(2000), '2026-03-01T10:00:00', '2026-02-30T10:00:00Z', '2026-03-01T23:59:60Z', 'Accepted', 'Other', 0, -1, 1.5, 0.15, 1e300, 2 ** 53 + 2, [], {}, null, true),
  fc.string({ maxLength: 60 }),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('replace' as const), with: edgeValue }),
  fc.constant({ kind: 'remove' as const }),
  fc.record({ kind: fc.constant('add' as const), key: fc.oneof(fc.constantFrom('customData', 'vendorId', 'extra', 'idToken', 'status'), fc.string({ maxLength: 8 })), with: edgeValue }),
  fc.constant({ kind: 'empty' as const }),
  fc.record({ kind: fc.constant('grow' as const), times: fc.integer({ min: 1, max: 12 }) }),
);

/** What Ajv's first failure becomes in a validator's `errors` (no schemaPath or message: the generator drops them). */
function firstFailure(errors: readonly ErrorObject[] | null | undefined) {
  const first = errors?.[0];
  return first === undefined ? undefined : { instancePath: first.instancePath, keyword: first.keyword, params: first.params };
}

const cases = VERSIONS.flatMap(({ version, ajv, schemas, roles }) =>
  roles.flatMap(([role, validators]) =>
    Object.keys(validators).map((key) => {
      const schema = schemas.find((s) => s.$id === `urn:${key}`)!;
      return { name: `${version} ${role} ${key}`, version, key, validator: validators[key]!, reference: ajv.getSchema(key) as ValidateFunction, schema };
    }),
  ),
);

describe('ahead-of-time validators decide as Ajv decides on the official schemas', () => {
  it('cover every validator of both versions and all three roles', () => {
    expect(cases.length).toBeGreaterThan(100);
    for (const c of cases) expect(c.reference, c.name).toBeTypeOf('function');
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s: same verdict, same first failure and CALLERROR on mutated samples', (_name, c) => {
    const seeds = [sample(c.schema, c.schema, true), sample(c.schema, c.schema, false)];
    for (const seed of seeds) expect(c.reference(seed), `${c.name} sample ${JSON.stringify(seed)}: ${JSON.stringify(c.reference.errors)}`).toBe(true);
    const check = (payload: Json) => {
      const expected = c.reference(payload);
      const expectedFailure = firstFailure(c.reference.errors);
      expect(c.validator(payload)).toBe(expected);
      if (!expected) expect(c.validator.errors?.[0]).toEqual(expectedFailure);
      // The CALLERROR the pipeline answers: the same as the reference validator's would be.
      const [action, direction] = c.key.split('.') as [string, 'req' | 'conf'];
      const actual = validateWith([{ [c.key]: c.validator }], c.version, action, direction, payload);
      const reference = validateWith([{ [c.key]: c.reference as unknown as Validator }], c.version, action, direction, payload);
      expect(actual.ok ? 'ok' : [actual.error.kind, actual.error.description]).toEqual(reference.ok ? 'ok' : [reference.error.kind, reference.error.description]);
    };
    // One to three mutations, each at a place of its own: several failures in one payload show that
    // the first one found is the one Ajv reports.
    const mutated = fc
      .constantFrom(...seeds)
      .chain((seed) => fc.tuple(fc.constant(seed), fc.array(fc.tuple(fc.constantFrom(...locations(seed)), mutation), { minLength: 1, maxLength: 3 })));
    fc.assert(
      fc.property(mutated, ([seed, changes]) => {
        check(changes.reduce<Json>((payload, [at, m]) => mutate(payload, at, m), seed));
      }),
      { numRuns: 200 },
    );
    fc.assert(fc.property(fc.jsonValue() as fc.Arbitrary<Json>, check), { numRuns: 30 });
  });
});
