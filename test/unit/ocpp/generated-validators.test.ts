// The committed schemas and ahead-of-time validators are what the generator makes from the installed
// ocpp-rpc schemas and lib/ocpp/action-names.ts: adding a command or a charger action without
// regenerating (npx tsx scripts/gen-ocpp-schemas.ts) fails here, not at a charger.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
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

  it('the validators need no module loader: only ESM imports of lib/ocpp/validators/runtime.ts', () => {
    for (const f of files.filter((x) => x.path.endsWith('.js'))) {
      expect(f.text).not.toMatch(/\brequire\(/);
      for (const m of f.text.matchAll(/^import .* from "([^"]+)";$/gm)) expect(m[1]).toBe('./runtime');
    }
  });
});
