// The committed schemas and ahead-of-time validators are what the generator makes from the installed
// ocpp-rpc schemas and lib/ocpp/action-names.ts: adding a command or a charger action without
// regenerating (npx tsx scripts/gen-ocpp-schemas.ts) fails here, not at a charger.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import ocpp16Schemas from '../../../lib/ocpp/schemas/ocpp16.gen';
import ocpp201Schemas from '../../../lib/ocpp/schemas/ocpp201.gen';
import { generatedFiles } from '../../../scripts/gen-ocpp-schemas';

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
  it.each(files.filter((f) => f.path.endsWith('.js')).map((f) => [f.path, f.text] as const))('%s compiles each message and each definition it uses once', (path, text) => {
    const schemas = (path.includes('ocpp16.') ? ocpp16Schemas : ocpp201Schemas) as ReadonlyArray<{ $id: string; definitions?: Record<string, unknown> }>;
    const keys = Object.keys(JSON.parse(/^export const validators = \{(.*)\};$/m.exec(text)![1]!.replace(/: \w+/g, ': 0').replace(/^/, '{').concat('}')) as object);
    const used = new Set<string>();
    const visit = (node: unknown, defs: Record<string, unknown>): void => {
      if (Array.isArray(node)) return node.forEach((n) => visit(n, defs));
      if (node === null || typeof node !== 'object') return;
      for (const [key, value] of Object.entries(node)) {
        const name = key === '$ref' && typeof value === 'string' ? /^#\/definitions\/(.+)$/.exec(value)?.[1] : undefined;
        if (name !== undefined && !used.has(name)) {
          used.add(name);
          visit(defs[name], defs);
        } else visit(value, defs);
      }
    };
    for (const key of keys) {
      const { definitions = {}, ...schema } = schemas.find((s) => s.$id === `urn:${key}`)!;
      visit(schema, definitions);
    }
    // Ajv compiles every $ref into a function of its own (inlineRefs: false): one per message, one per definition.
    expect(text.match(/^function validate\d+\(/gm)?.length).toBe(keys.length + used.size);
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
