// Generates, from the official OCA JSON schemas shipped by the npm package ocpp-rpc (draft-07,
// `$id` = `urn:<Action>.req` / `urn:<Action>.conf`):
// - lib/ocpp/schemas/ocpp16.gen.ts and ocpp201.gen.ts: the schemas, documentation keys removed;
// - lib/ocpp/validators/<version>.<role>.gen.js (+ .gen.d.ts): validators compiled ahead of time with
//   Ajv standalone, so no function bundles or runs the Ajv compiler (issue #13), and rewritten smaller
//   with the helpers of lib/ocpp/validators/runtime.ts (compact() below). Only the validators
//   the CSMS uses, by role, so each bundle carries what it calls (lib/ocpp/action-names.ts):
//     received  charger CALLs (.req) and the answers to our commands (.conf): the $default function;
//     answers   our answers to charger CALLs (.conf), checked before they are sent: $default too;
//     commands  the commands we send (.req): the functions that send them.
// Run: npx tsx scripts/gen-ocpp-schemas.ts. test/unit/ocpp/generated-validators.test.ts checks that
// regenerating changes nothing.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv, { _, Name } from 'ajv';
import addFormats from 'ajv-formats';
import standaloneCode from 'ajv/dist/standalone';
import { CHARGER_ACTIONS, COMMAND_ACTIONS } from '../lib/ocpp/action-names';
import type { OcppVersion } from '../lib/ocpp/versions';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const COMMAND = 'npx tsx scripts/gen-ocpp-schemas.ts';

// Keys that only document a schema. They are removed where they are schema keywords, never where they
// are names of payload fields (the keys of `properties` / `definitions` objects).
const DOC_KEYS = new Set(['description', 'javaType', 'comment', '$comment']);
const NAME_MAPS = new Set(['properties', 'definitions', 'patternProperties']);
const ID_PATTERN = /^urn:[A-Za-z0-9]+\.(req|conf)$/;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function strip(node: Json, isNameMap = false): Json {
  if (Array.isArray(node)) return node.map((item) => strip(item));
  if (node === null || typeof node !== 'object') return node;
  const out: { [key: string]: Json } = {};
  for (const [key, value] of Object.entries(node)) {
    if (!isNameMap && DOC_KEYS.has(key)) continue;
    // draft-07 ignores additionalItems unless items is an array (tuple); dropping it changes nothing
    // and lets Ajv keep strict mode on (it rejects the no-op keyword).
    if (!isNameMap && key === 'additionalItems' && !Array.isArray(node.items)) continue;
    out[key] = strip(value, !isNameMap && NAME_MAPS.has(key));
  }
  return out;
}

interface GeneratedFile {
  /** Relative to the repository root. */
  readonly path: string;
  readonly text: string;
}

/** The stripped schemas of one version, in the order ocpp-rpc ships them. */
function strippedSchemas(source: string): Array<{ [key: string]: Json }> {
  const schemas = JSON.parse(readFileSync(require.resolve(`ocpp-rpc/lib/schemas/${source}`), 'utf8')) as unknown;
  if (!Array.isArray(schemas)) throw new Error(`${source}: expected an array of schemas`);
  const seen = new Set<string>();
  return schemas.map((schema: Json) => {
    const id = schema !== null && typeof schema === 'object' && !Array.isArray(schema) ? schema.$id : undefined;
    if (typeof id !== 'string' || !ID_PATTERN.test(id)) throw new Error(`${source}: unexpected $id ${String(id)}`);
    if (seen.has(id)) throw new Error(`${source}: duplicate $id ${id}`);
    seen.add(id);
    return strip(schema) as { [key: string]: Json };
  });
}

function schemaModule(source: string, target: string): GeneratedFile {
  const pkg = require('ocpp-rpc/package.json') as { version: string };
  const lines = strippedSchemas(source).map((schema) => `  ${JSON.stringify(schema)},`);
  const text = [
    `// Generated from ocpp-rpc@${pkg.version} lib/schemas/${source} (official OCA JSON schemas, documentation keys removed). Do not edit; regenerate with: ${COMMAND}`,
    'const schemas: readonly object[] = [',
    ...lines,
    '];',
    'export default schemas;',
    '',
  ].join('\n');
  return { path: `lib/ocpp/schemas/${target}`, text };
}

type Role = 'received' | 'answers' | 'commands';

/** `Action.req` / `Action.conf` keys each role validates. */
function keysOf(version: OcppVersion, role: Role): string[] {
  const charger: readonly string[] = CHARGER_ACTIONS[version];
  const commands: readonly string[] = COMMAND_ACTIONS[version];
  if (role === 'received') return [...charger.map((a) => `${a}.req`), ...commands.map((a) => `${a}.conf`)];
  if (role === 'answers') return charger.map((a) => `${a}.conf`);
  return commands.map((a) => `${a}.req`);
}

/**
 * What the standalone code may reference besides itself: Ajv's UCS-2 length (minLength/maxLength) and
 * the format checks, both provided by lib/ocpp/validators/runtime.ts. Ajv would `require` Ajv and
 * ajv-formats (all of their formats, one CommonJS module esbuild cannot shake); runtime.ts gives the
 * pieces as ES module bindings instead.
 */
const RUNTIME_REQUIRES: Readonly<Record<string, string>> = {
  'require("ajv/dist/runtime/ucs2length")': 'ajvUcs2length',
};
/** Formats runtime.ts implements; the OCA schemas' other one (uri) is only in messages this CSMS never validates. */
const RUNTIME_FORMATS: ReadonlySet<string> = new Set(['date-time']);
/** The binding of runtime.ts that holds the formats (Ajv's `code.formats`). */
const FORMATS_BINDING = 'ocppFormats';

/**
 * Ajv names the schema location of every failure (`schemaPath`); validate.ts reports the payload
 * location (instancePath), keyword and params only, so the location string in every failure
 * branch is dead weight in the $default bundle. Values are JSON strings (escapes allowed).
 */
const SCHEMA_PATH = /schemaPath:"(?:[^"\\]|\\.)*",/g;

/** The helpers of runtime.ts the rewritten code calls (see compact()). */
const HELPER_BINDINGS = ['failType', 'failRequired', 'failAdditional', 'failFrom', 'fail', 'missingOf', 'extraKey', 'isObject', 'isInteger', 'stringMax', 'stringFormat', 'property', 'stringEnum', 'objectWith'] as const;

/** The text of Ajv's `or(...terms)` (ajv/lib/compile/codegen): `((t0) || (t1)) || (t2)`, a lone term bare. */
function orChain(terms: readonly string[]): string {
  if (terms.length <= 1) return terms[0] ?? '';
  return terms.slice(1).reduce((acc, term) => `(${acc}) || (${term})`, terms[0]!);
}

/**
 * Rewrites Ajv's standalone code into the same validation in fewer bytes (issue #13: the validators were
 * four fifths of the $default bundle's own code, 268 KiB minified; 77 KiB after). Each rewrite is a
 * fixed pattern of Ajv 8's output, matched whole lines at a time, and replaces code by a call of a
 * runtime.ts helper that does the same tests in the same order and records the same failure. A rewrite
 * that needs its text to be exactly what it expects (an `or` chain, a function's single type check)
 * leaves anything else as Ajv wrote it; what must not survive (error bookkeeping, Ajv call options)
 * fails the generator, so an Ajv upgrade that changes its output cannot slip through half rewritten.
 * - Failures (`validateN.errors = [{instancePath, keyword, params}]; return false;`, 973 times in
 *   $default) are calls: fail, failType, failRequired, failAdditional.
 * - Calls between validators pass the payload path alone, not `{instancePath, parentData,
 *   parentDataProperty, rootData}`: the last three serve only keywords the OCA schemas do not use.
 * - A called validator's failure returns at once (withoutErrorCount), so the error count folds away.
 * - Enum values and the name lists of `required` / `additionalProperties` are module constants;
 *   enums test `includes`, required fields missingOf, unknown fields extraKey; no schema object is
 *   kept (one enum's allowed values used to keep a whole 1.6 message schema in the bundle).
 * - Whole shapes are one call each: an object's type + required + unknown fields (objectWith), a
 *   field validated by another validator (property), a string with a maxLength or a format
 *   (stringMax, stringFormat), an enum definition (stringEnum), the integer type (isInteger).
 * test/unit/ocpp/validator-equivalence.test.ts holds every validator to Ajv's own compiler: same
 * verdict, same first failure, same CALLERROR.
 */
export function compact(code: string, what: string): string {
  const schemas = new Map<string, Json>();
  for (const m of code.matchAll(/^const (schema\d+) = (.*);$/gm)) schemas.set(m[1]!, JSON.parse(m[2]!) as Json);
  const constants = new Map<string, string>();
  /** A module constant holding `value` (one per distinct value): `enum0`, `names3`… */
  const constant = (value: Json, prefix: string): string => {
    const json = JSON.stringify(value);
    if (!constants.has(json)) constants.set(json, `${prefix}${constants.size}`);
    return constants.get(json)!;
  };
  const schemaValue = (ref: string): Json | undefined => {
    const [name, ...path] = ref.split('.');
    let value: Json | undefined = schemas.get(name!);
    for (const key of path) value = value !== null && typeof value === 'object' && !Array.isArray(value) ? value[key] : undefined;
    return value;
  };
  const constantFor = (ref: string): string => {
    const value = schemaValue(ref);
    if (!Array.isArray(value)) throw new Error(`${what}: ${ref} is not an enum array`);
    return constant(value, 'enum');
  };
  let out = code
    .replace(/^function (validate\d+)\(data, \{instancePath="", parentData, parentDataProperty, rootData=data\}=\{\}\)\{$/gm, 'function $1(data, instancePath=""){')
    .replace(/\{instancePath:([^{}]+?),parentData:\w+,parentDataProperty:(?:"[^"\\]*"|\w+),rootData\}/g, '$1')
    .replace(/^(validate\d+)\.errors = \[\{instancePath(?::(.+?))?,keyword:"(\w+)",params:\{(.*)\}\}\];\nreturn false;$/gm, (_m, fn: string, path: string | undefined, keyword: string, params: string) => {
      const at = path ?? 'instancePath';
      let m: RegExpMatchArray | null;
      if (keyword === 'type' && (m = /^type: ("\w+")$/.exec(params))) return `return failType(${fn}, ${at}, ${m[1]});`;
      if (keyword === 'required' && (m = /^missingProperty: (missing\d+)$/.exec(params))) return `return failRequired(${fn}, ${at}, ${m[1]});`;
      if (keyword === 'additionalProperties' && (m = /^additionalProperty: (key\d+)$/.exec(params))) return `return failAdditional(${fn}, ${at}, ${m[1]});`;
      if (keyword === 'enum' && (m = /^allowedValues: (schema\d+(?:\.\w+)+)$/.exec(params))) return `return fail(${fn}, ${at}, "enum", {allowedValues: ${constantFor(m[1]!)}});`;
      return `return fail(${fn}, ${at}, ${JSON.stringify(keyword)}, {${params}});`;
    });
  // Ajv tests an enum as a chain of `data === "value"`, the values written again; with the values
  // already a constant, `includes` tests the same (SameValueZero and === differ only on NaN and -0,
  // never on the strings these enums hold, which is checked).
  out = out.replace(/^if\(!\(([^\n]*)\)\)\{\n(return fail\(validate\d+, [^\n]*, "enum", \{allowedValues: (enum\d+)\}\);)$/gm, (whole, chain: string, failure: string, name: string) => {
    const terms = [...chain.matchAll(/(data\d*) === ("(?:[^"\\]|\\.)*")/g)];
    const data = terms[0]?.[1];
    const values = terms.map((t) => JSON.parse(t[2]!) as Json);
    const allowed = [...constants].find(([, n]) => n === name)?.[0];
    if (orChain(values.map((v) => `${data} === ${JSON.stringify(v)}`)) !== chain || JSON.stringify(values) !== allowed || !values.every((v) => typeof v === 'string')) return whole;
    return `if(!${name}.includes(${data})){\n${failure}`;
  });
  // required: Ajv tests `(data.a === undefined) && (missing0 = "a")` for each name in turn; missingOf
  // does the same in a loop over one constant list.
  out = out.replace(/^if\((.*)\)\{\n(return failRequired\(validate\d+, [^\n]*, (missing\d+)\);)$/gm, (whole, chain: string, failure: string, missing: string) => {
    const terms = [...chain.matchAll(/\((data\d*)\.(\w+) === undefined\) && \((missing\d+) = "(\w+)"\)/g)];
    const data = terms[0]?.[1];
    const names = terms.map((t) => t[2]!);
    if (orChain(names.map((n) => `(${data}.${n} === undefined) && (${missing} = "${n}")`)) !== chain) return whole;
    return `if((${missing} = missingOf(${data}, ${constant(names, 'names')})) !== undefined){\n${failure}`;
  });
  // additionalProperties: false: Ajv loops over the payload's keys testing each against the names
  // (`key0 === "a" || …`, or hasOwnProperty on the schema's properties object); extraKey loops the
  // same way over one constant list, and the schema object is no longer needed.
  out = out.replace(/^for\(const (key\d+) in (data\d*)\)\{\nif\(!\((.*)\)\)\{\n(return failAdditional\(validate\d+, [^\n]*, \1\);)\nbreak;\n\}\n\}$/gm, (whole, key: string, data: string, test: string, failure: string) => {
    let names: string[];
    const own = /^func\d+\.call\((schema\d+(?:\.\w+)+), (key\d+)\)$/.exec(test);
    if (own && own[2] === key) {
      const properties = schemaValue(own[1]!);
      if (properties === null || typeof properties !== 'object' || Array.isArray(properties) || !code.includes(`const ${/^func\d+/.exec(test)![0]} = Object.prototype.hasOwnProperty;`)) return whole;
      names = Object.keys(properties);
    } else {
      names = [...test.matchAll(/key\d+ === "((?:[^"\\]|\\.)*)"/g)].map((t) => JSON.parse(`"${t[1]!}"`) as string);
      if (orChain(names.map((n) => `${key} === ${JSON.stringify(n)}`)) !== test) return whole;
    }
    return `const ${key} = extraKey(${data}, ${constant(names, 'names')});\nif(${key} !== undefined){\n${failure}\n}`;
  });
  // Dead code after a return.
  out = out.replace(/^(return [^\n]*;)\nbreak;$/gm, '$1');
  out = out.replace(/\b(data\d*) && typeof \1 == "object" && !Array\.isArray\(\1\)/g, 'isObject($1)');
  out = out.replace(/\(\(\(typeof (data\d*) == "number"\) && \(!\(\1 % 1\) && !isNaN\(\1\)\)\) && \(isFinite\(\1\)\)\)/g, 'isInteger($1)');
  // A string field with a maximum length or a date-time (two thirds of the string fields): type, then
  // length or format, in Ajv's order, in one call.
  out = out.replace(
    /^if\(typeof (data\d*) === "string"\)\{\nif\((func\d+)\(\1\) > (\d+)\)\{\nreturn fail\((validate\d+), ([^\n]*), "maxLength", \{limit: \3\}\);\n\}\n\}\nelse \{\nreturn failType\(\4, \5, "string"\);\n\}$/gm,
    (whole, data: string, func: string, limit: string, fn: string, at: string) => (code.includes(`const ${func} = require("ajv/dist/runtime/ucs2length").default;`) ? `if(!stringMax(${fn}, ${data}, ${at}, ${limit})){\nreturn false;\n}` : whole),
  );
  out = out.replace(
    /^if\(typeof (data\d*) === "string"\)\{\nif\(!\((formats\d+)\.validate\(\1\)\)\)\{\nreturn fail\((validate\d+), ([^\n]*), "format", \{format: ("[\w-]+")\}\);\n\}\n\}\nelse \{\nreturn failType\(\3, \4, "string"\);\n\}$/gm,
    (whole, data: string, format: string, fn: string, at: string, name: string) =>
      code.includes(`const ${format} = ${FORMATS_BINDING}[${name}];`) ? `if(!stringFormat(${fn}, ${data}, ${at}, ${format}, ${name})){\nreturn false;\n}` : whole,
  );
  // Module constants of Ajv's (length, hasOwnProperty) no code calls any more.
  out = out.replace(/^const (func\d+) = .*;\n/gm, (line, name: string) => (new RegExp(`\\b${name}\\b`).test(out.replace(line, '')) ? line : ''));
  if (/\.errors = \[|parentData|rootData/.test(out)) throw new Error(`${what}: Ajv code the generator did not rewrite (a failure or a validator call)`);
  out = withoutErrorCount(out, what);
  // A field whose schema is another validator (a definition, a repeated subschema): one call that
  // reads the field, calls it with the field's path and passes its failure up.
  out = out.replace(
    /^if\(data\.(\w+) !== undefined\)\{\nif\(!\((validate\d+)\(data\.\1, instancePath\+"\/\1"\)\)\)\{\nreturn failFrom\((validate\d+), \2\);\n\}\n\}(?:\nelse \{\n\})?$/gm,
    (_m, name: string, callee: string, fn: string) => `if(!property(${fn}, data, "${name}", ${callee}, instancePath)){\nreturn false;\n}`,
  );
  // A definition that is an enum of strings: its whole function is one call.
  out = out.replace(
    /^(function (validate\d+)\(data, instancePath=""\)\{\n(?:\/\*# sourceURL="[^"\n]*" \*\/;\n)?)if\(typeof data !== "string"\)\{\nreturn failType\(\2, instancePath, "string"\);\n\}\nif\(!(enum\d+)\.includes\(data\)\)\{\nreturn fail\(\2, instancePath, "enum", \{allowedValues: \3\}\);\n\}\n\2\.errors = null;\nreturn true;\n\}$/gm,
    (_m, head: string, fn: string, values: string) => `${head}return stringEnum(${fn}, data, instancePath, ${values});\n}`,
  );
  // A validator of an object: its type, required fields and unknown fields in one call at the start,
  // and the `else` that reported a wrong type then only returns the verdict that call recorded.
  out = out
    .split(/^(?=function validate\d+\(data, instancePath=""\)\{$)/m)
    .map((chunk) => {
      const fn = /^function (validate\d+)\(/.exec(chunk)?.[1];
      const tail = `else {\nreturn failType(${fn}, instancePath, "object");\n}`;
      if (fn === undefined || chunk.split(tail).length !== 2) return chunk;
      const heads: Array<[RegExp, (m: string[]) => string]> = [
        [
          new RegExp(`^if\\(isObject\\(data\\)\\)\\{\\nlet (missing\\d+);\\nif\\(\\(\\1 = missingOf\\(data, (names\\d+)\\)\\) !== undefined\\)\\{\\nreturn failRequired\\(${fn}, instancePath, \\1\\);\\n\\}\\nelse \\{\\nconst (key\\d+) = extraKey\\(data, (names\\d+)\\);\\nif\\(\\3 !== undefined\\)\\{\\nreturn failAdditional\\(${fn}, instancePath, \\3\\);\\n\\}$`, 'm'),
          (m) => `if(objectWith(${fn}, data, instancePath, ${m[2]}, ${m[4]})){\n{`,
        ],
        [
          new RegExp(`^if\\(isObject\\(data\\)\\)\\{\\nlet (missing\\d+);\\nif\\(\\(\\1 = missingOf\\(data, (names\\d+)\\)\\) !== undefined\\)\\{\\nreturn failRequired\\(${fn}, instancePath, \\1\\);\\n\\}\\nelse \\{$`, 'm'),
          (m) => `if(objectWith(${fn}, data, instancePath, ${m[2]}, undefined)){\n{`,
        ],
        [
          new RegExp(`^if\\(isObject\\(data\\)\\)\\{\\nconst (key\\d+) = extraKey\\(data, (names\\d+)\\);\\nif\\(\\1 !== undefined\\)\\{\\nreturn failAdditional\\(${fn}, instancePath, \\1\\);\\n\\}$`, 'm'),
          (m) => `if(objectWith(${fn}, data, instancePath, undefined, ${m[2]})){`,
        ],
      ];
      for (const [head, rewrite] of heads) {
        const found = chunk.match(new RegExp(head.source, 'gm'));
        if (found?.length !== 1) continue;
        return chunk.replace(head, (...m: string[]) => rewrite(m)).replace(tail, 'else {\nreturn false;\n}');
      }
      return chunk;
    })
    .join('');
  // Schema objects nothing refers to any more: Ajv emits one per schema, esbuild would drop them anyway.
  out = out.replace(/^const (schema\d+) = .*;\n/gm, (line, name: string) => (new RegExp(`\\b${name}\\b`).test(out.replace(line, '')) ? line : ''));
  const decls = [...constants].map(([json, name]) => `const ${name} = ${json};\n`).join('');
  const strict = out.startsWith('"use strict";') ? '"use strict";' : '';
  return `${strict}\n${decls}${out.slice(strict.length)}`;
}

/** Keywords whose Ajv code may undo or tolerate a failure (a failing branch of anyOf…): none may occur. */
const BRANCHING = /"(anyOf|oneOf|allOf|not|if|then|else|contains|\$dynamicRef|\$recursiveRef)":/;

/**
 * With allErrors off and none of the branching keywords, a validator stops at its first failure: its
 * own ones `return false` already; a called validator's failure is counted (`errors`), and every later
 * check is skipped because the count changed, until the function returns `errors === 0`. Returning at
 * once with the callee's errors is the same verdict and the same `errors`, and leaves the count always
 * 0: its bookkeeping (`_errsN`, `validN`, `vErrors`), some 40 bytes a field, becomes constant and the
 * minifier folds it away. Every step checks that nothing it does not know is left.
 */
function withoutErrorCount(code: string, what: string): string {
  if (BRANCHING.test(code)) throw new Error(`${what}: a schema uses a branching keyword; the validators cannot stop at the first failure`);
  const functions = code.split(/^(?=function validate\d+\(data, instancePath=""\)\{$)/m).map((chunk) => {
    const name = /^function (validate\d+)\(/.exec(chunk)?.[1];
    if (name === undefined) return chunk;
    return chunk.replace(
      /^if\(!\((validate\d+)\((.*)\)\)\)\{\nvErrors = vErrors === null \? \1\.errors : vErrors\.concat\(\1\.errors\);\nerrors = vErrors\.length;\n\}$/gm,
      (_m, callee: string, args: string) => `if(!(${callee}(${args}))){\nreturn failFrom(${name}, ${callee});\n}`,
    );
  });
  let out = functions.join('');
  if (/^(?!let )(vErrors|errors) = /m.test(out)) throw new Error(`${what}: an error count the generator did not rewrite`);
  out = out
    .replace(/^const _errs\d+ = errors;\n/gm, '')
    .replace(/\b_errs\d+ === errors\b|(?<![.\w])errors === _errs\d+\b|(?<![.\w])errors === 0\b/g, 'true')
    .replace(/^var valid\d+ = true;\n/gm, '')
    .replace(/\bvalid\d+\b/g, 'true')
    .replace(/^let vErrors = null;\nlet errors = 0;\n/gm, '')
    .replace(/^(validate\d+)\.errors = vErrors;\nreturn true;$/gm, '$1.errors = null;\nreturn true;');
  if (/\b_errs\d+\b|\bvErrors\b|(?<![.\w])errors\b/.test(out)) throw new Error(`${what}: error bookkeeping the generator did not fold`);
  return out;
}

/** Schemas by the id Ajv knows them under, in a stable order. */
export type KeyedSchemas = Array<[string, Json]>;

/** Below this many characters of JSON a repeated subschema stays inline: the call would outweigh the copy. */
const MIN_HOISTED = 200;

/**
 * Moves an object or array subschema that recurs identically (in 1.6, which has no definitions:
 * MeterValues.req's meterValue is StopTransaction.req's transactionData; idTagInfo is in three
 * answers) into a schema of its own, `urn:shared:<where it first occurs>`, that each place refers to:
 * with inlineRefs off Ajv compiles it once, as a function the places call. Validation is the same,
 * the failing field's path too (Ajv passes the payload path to the call). Largest first, one at a
 * time, so that a part repeated only inside a repeated whole stays inside it. `schemas` are not changed.
 */
export function hoistRepeats(schemas: KeyedSchemas): { schemas: KeyedSchemas; shared: KeyedSchemas } {
  let current = schemas;
  const shared: KeyedSchemas = [];
  for (;;) {
    const seen = new Map<string, { count: number; id: string }>();
    const count = (node: Json, key: string, path: string, root: boolean): void => {
      if (node === null || typeof node !== 'object') return;
      if (Array.isArray(node)) return node.forEach((item, i) => count(item, key, `${path}:${i}`, false));
      if (!root && (node.type === 'object' || node.type === 'array')) {
        const json = JSON.stringify(node);
        if (json.length >= MIN_HOISTED) {
          const entry = seen.get(json) ?? { count: 0, id: `urn:shared:${key.replace(/^urn:def:/, '')}${path}` };
          seen.set(json, { ...entry, count: entry.count + 1 });
        }
      }
      for (const [k, v] of Object.entries(node)) count(v, key, `${path}:${k}`, false);
    };
    for (const [key, schema] of [...current, ...shared]) count(schema, key, '', true);
    const repeated = [...seen].filter(([, e]) => e.count > 1).sort(([a], [b]) => b.length - a.length)[0];
    if (repeated === undefined) return { schemas: current, shared };
    const [json, { id }] = repeated;
    const replace = (node: Json): Json => {
      if (node === null || typeof node !== 'object') return node;
      if (Array.isArray(node)) return node.map(replace);
      if (JSON.stringify(node) === json) return { $ref: id };
      return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, replace(v)]));
    };
    const replaceBelow = ([key, schema]: [string, Json]): [string, Json] => [key, schema !== null && typeof schema === 'object' && !Array.isArray(schema) ? Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, replace(v)])) : schema];
    current = current.map(replaceBelow);
    shared.splice(0, shared.length, ...shared.map(replaceBelow), [id, JSON.parse(json) as Json]);
  }
}

/**
 * One role's validators for one version. The definitions the OCA schemas repeat in every file
 * (CustomDataType, EVSEType, …; identical wherever a name recurs, which is checked) are compiled once
 * each, as schemas of their own (`urn:def:<Name>`) that every `$ref` points to: Ajv caches a compiled
 * `$ref` per referring root schema, so definitions inside one shared `defs` schema were compiled again
 * for every message that refers to them directly. The Ajv options are those the lazy compiler used
 * (allErrors off, multipleOfPrecision 6, the two formats), with `messages: false`: validate.ts words
 * the few keywords the schemas use itself (ajvMessage), so the text is not repeated in every branch.
 */
function validatorModule(version: OcppVersion, source: string, role: Role): GeneratedFile[] {
  const schemas = strippedSchemas(source);
  const wanted = new Set(keysOf(version, role));
  const definitions = new Map<string, string>();
  for (const schema of schemas) {
    for (const [name, def] of Object.entries((schema.definitions ?? {}) as { [key: string]: Json })) {
      const json = JSON.stringify(def);
      if (definitions.has(name) && definitions.get(name) !== json) throw new Error(`${source}: definition ${name} differs between schemas`);
      definitions.set(name, json);
    }
  }
  const toShared = (node: Json): Json => {
    if (Array.isArray(node)) return node.map(toShared);
    if (node === null || typeof node !== 'object') return node;
    return Object.fromEntries(
      Object.entries(node).map(([key, value]) => [key, key === '$ref' && typeof value === 'string' ? value.replace(/^#\/definitions\//, 'urn:def:') : toShared(value)]),
    );
  };
  const ajv = new Ajv({
    allErrors: false,
    multipleOfPrecision: 6,
    validateSchema: false,
    inlineRefs: false,
    messages: false,
    code: { source: true, esm: true, lines: true, formats: _`${new Name(FORMATS_BINDING)}` },
  });
  addFormats(ajv, ['date-time', 'uri']);
  const defs: KeyedSchemas = [...definitions].sort(([a], [b]) => a.localeCompare(b)).map(([name, json]) => [`urn:def:${name}`, toShared(JSON.parse(json) as Json)]);
  const messages: KeyedSchemas = schemas
    .map((schema): [string, Json] => {
      const { $id: id, definitions: _defs, ...rest } = schema;
      return [String(id).replace(/^urn:/, ''), toShared(rest)];
    })
    .filter(([key]) => wanted.has(key));
  const hoisted = hoistRepeats([...defs, ...messages]);
  for (const [id, schema] of hoisted.schemas.slice(0, defs.length)) ajv.addSchema({ $id: id, ...(schema as object) });
  for (const [id, schema] of hoisted.shared) ajv.addSchema({ $id: id, ...(schema as object) });
  const exports: Record<string, string> = {};
  for (const [key, schema] of hoisted.schemas.slice(defs.length)) {
    ajv.addSchema(schema as object, key);
    exports[key.replace('.', '_')] = key;
  }
  const missing = [...wanted].filter((key) => !Object.values(exports).includes(key));
  if (missing.length) throw new Error(`${source}: no schema for ${missing.join(', ')}`);
  let code = compact(standaloneCode(ajv, exports).replace(SCHEMA_PATH, ''), `${source} ${role}`);
  if (code.includes('schemaPath')) throw new Error(`${source} ${role}: a schemaPath the generator did not remove`);
  const used = Object.entries(RUNTIME_REQUIRES).filter(([req]) => code.includes(req));
  for (const [req, binding] of used) code = code.split(req).join(binding);
  if (/\brequire\(/.test(code)) throw new Error(`${source} ${role}: standalone code requires a module runtime.ts does not provide`);
  const formats = [...code.matchAll(new RegExp(`\\b${FORMATS_BINDING}\\[("[^"]+")\\]`, 'g'))].map((m) => JSON.parse(m[1]!) as string);
  const unknown = formats.filter((f) => !RUNTIME_FORMATS.has(f));
  if (unknown.length) throw new Error(`${source} ${role}: format ${unknown.join(', ')} is not in runtime.ts`);
  if (new RegExp(`\\b${FORMATS_BINDING}\\b(?!\\[")`).test(code)) throw new Error(`${source} ${role}: formats used other than by name`);
  const bindings = [...used.map(([, b]) => b), ...(formats.length ? [FORMATS_BINDING] : []), ...HELPER_BINDINGS.filter((b) => new RegExp(`\\b${b}\\(`).test(code))];
  const base = `lib/ocpp/validators/${version.replace(/\./g, '')}.${role}.gen`;
  const header = `// Generated by Ajv standalone from lib/ocpp/schemas, then compacted (compact() in the generator) (${role}: ${ROLE_TEXT[role]}). Do not edit; regenerate with: ${COMMAND}`;
  const actions = role === 'received' ? schemas.map((s) => String(s.$id).replace(/^urn:/, '')).filter((k) => k.endsWith('.req')).map((k) => k.slice(0, -4)) : undefined;
  const js = [
    header,
    ...(bindings.length ? [`import { ${bindings.join(', ')} } from "./runtime";`] : []),
    code.replace(/^"use strict";/, ''),
    `export const validators = {${Object.entries(exports).map(([name, key]) => `${JSON.stringify(key)}: ${name}`).join(', ')}};`,
    ...(actions ? [`export const ACTIONS = ${JSON.stringify(actions)};`] : []),
    '',
  ].join('\n');
  const dts = [
    header,
    "import type { Validator } from './types';",
    '/** `Action.req` / `Action.conf` → its validator. */',
    'export declare const validators: Readonly<Record<string, Validator>>;',
    ...(actions ? ['/** Every action of this version (it has a request schema), whether or not this CSMS takes part in it. */', 'export declare const ACTIONS: readonly string[];'] : []),
    '',
  ].join('\n');
  return [
    { path: `${base}.js`, text: js },
    { path: `${base}.d.ts`, text: dts },
  ];
}

const ROLE_TEXT: Record<Role, string> = {
  received: 'charger CALLs and the answers to our commands',
  answers: 'our answers to charger CALLs',
  commands: 'the commands we send',
};

/** Every generated file with the text it must have. */
export function generatedFiles(): GeneratedFile[] {
  const versions: ReadonlyArray<[OcppVersion, string, string]> = [
    ['ocpp1.6', 'ocpp1_6.json', 'ocpp16.gen.ts'],
    ['ocpp2.0.1', 'ocpp2_0_1.json', 'ocpp201.gen.ts'],
  ];
  return versions.flatMap(([version, source, target]) => [
    schemaModule(source, target),
    ...(['received', 'answers', 'commands'] as const).flatMap((role) => validatorModule(version, source, role)),
  ]);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const file of generatedFiles()) {
    writeFileSync(join(root, file.path), file.text);
    console.log(`${file.path}: ${file.text.length} bytes`);
  }
}
