// The committed schemas and ahead-of-time validators are what the generator makes from the installed
// ocpp-rpc schemas and lib/ocpp/action-names.ts: adding a command or a charger action without
// regenerating (npx tsx scripts/gen-ocpp-schemas.ts) fails here, not at a charger.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generatedFiles, hoistRepeats } from '../../../scripts/gen-ocpp-schemas';

const root = join(import.meta.dirname, '..', '..', '..');

describe('generated OCPP schemas and validators', () => {
  const files = generatedFiles();

  it('cover both versions: the schemas and three validator roles each', () => {
    expect(files.map((f) => f.path).filter((p) => p.endsWith('.js')).sort()).toEqual(
      ['ocpp16', 'ocpp201'].flatMap((v) => ['answers', 'commands', 'received'].map((role) => `lib/ocpp/validators/${v}.${role}.gen.js`)),
    );
  });

  it.each(files.map((f) => [f.path, f.text] as const))('%s is what regenerating makes', (path, text) => {
    expect(readFileSync(join(root, path), 'utf8') === text, `${path} differs: run npx tsx scripts/gen-ocpp-schemas.ts`).toBe(true);
  });

  // What keeps the $default bundle small (issue #13: < 150 KB of our code; npm run bundle-sizes).
  it.each(files.filter((f) => f.path.endsWith('.js')).map((f) => [f.path, f.text] as const))('%s compiles each definition and each repeated subschema once: no two of its functions are the same code', (_path, text) => {
    const exported = new Set([...text.matchAll(/^export const \w+ = (validate\d+);$/gm)].map((m) => m[1]!));
    const functions = [...text.matchAll(/^function (validate\d+)\(([\s\S]*?)(?=^function |^const |^export |(?![\s\S]))/gm)];
    expect(functions.length).toBeGreaterThanOrEqual(Math.max(1, exported.size));
    const seen = new Map<string, string>();
    for (const [, name, body] of functions) {
      if (exported.has(name!)) continue; // two messages may have the same schema
      const code = body!.replaceAll(new RegExp(`\\b${name}\\b`, 'g'), 'self');
      expect(seen.get(code), `${name} is ${seen.get(code)} again`).toBeUndefined();
      seen.set(code, name!);
    }
  });

  it('a subschema repeated across 1.6 messages is one function: MeterValues.req meterValue and StopTransaction.req transactionData', () => {
    const text = files.find((f) => f.path === 'lib/ocpp/validators/ocpp16.received.gen.js')!.text;
    // Called directly, or through runtime.ts `property(caller, data, "field", callee, …)`.
    const called = (field: string) => new Set([...text.matchAll(new RegExp(`(validate\\d+)\\(data\\.${field}, |property\\(validate\\d+, data, "${field}", (validate\\d+), `, 'g'))].map((m) => m[1] ?? m[2]));
    expect([...called('meterValue')]).toHaveLength(1);
    expect(called('transactionData')).toEqual(called('meterValue'));
  });

  it('hoistRepeats moves a repeated subschema into one shared schema, the largest first, and leaves single ones inline', () => {
    const big = { type: 'object', properties: { a: { type: 'string', maxLength: 500 }, b: { type: 'array', items: { type: 'integer' } } }, required: ['a'], additionalProperties: false, padding: 'x'.repeat(200) };
    const lone = { type: 'object', properties: { z: { type: 'string' } }, padding: 'y'.repeat(200) };
    const { schemas, shared } = hoistRepeats([
      ['A.req', { type: 'object', properties: { x: big, y: lone } }],
      ['B.req', { type: 'object', properties: { list: { type: 'array', items: big } } }],
    ]);
    expect(shared).toEqual([['urn:shared:A.req:properties:x', big]]);
    expect(schemas).toEqual([
      ['A.req', { type: 'object', properties: { x: { $ref: 'urn:shared:A.req:properties:x' }, y: lone } }],
      ['B.req', { type: 'object', properties: { list: { type: 'array', items: { $ref: 'urn:shared:A.req:properties:x' } } } }],
    ]);
  });

  it('the validators carry no schemaPath or message text: validate.ts reports payload path, keyword and params, and words the message', () => {
    for (const f of files.filter((x) => x.path.endsWith('.js'))) expect(f.text).not.toMatch(/\b(schemaPath|message):/);
  });

  it('the validators need no module loader: only ESM imports of lib/ocpp/validators/runtime.ts', () => {
    for (const f of files.filter((x) => x.path.endsWith('.js'))) {
      expect(f.text).not.toMatch(/\brequire\(/);
      for (const m of f.text.matchAll(/^import .* from "([^"]+)";$/gm)) expect(m[1]).toBe('./runtime');
    }
  });
});
