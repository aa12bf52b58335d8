// docs/conformance.md cannot drift: it must be what test/conformance/cases.ts renders, and every case
// it calls automated must be a test named by its id in the conformance suite (which npm test runs).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CASES } from '../conformance/cases';
import { renderConformanceDoc } from '../conformance/render';

const root = join(import.meta.dirname, '..', '..');
const suite = readdirSync(join(root, 'test/conformance'))
  .filter((f) => f.endsWith('.test.ts'))
  .map((f) => readFileSync(join(root, 'test/conformance', f), 'utf8'))
  .join('\n');

describe('docs/conformance.md', () => {
  it('is the table the case catalogue renders (regenerate: npx tsx test/conformance/render.ts > docs/conformance.md)', () => {
    expect(readFileSync(join(root, 'docs/conformance.md'), 'utf8')).toBe(renderConformanceDoc());
  });

  it('lists a case as automated only when a conformance test is named by its id, and every such test is in the catalogue', () => {
    const named = new Set([...suite.matchAll(/\b(TC(?:16)?_[AB]_\d+_CSMS)\b/g)].map((m) => m[1]!));
    const automated = CASES.filter((c) => c.status === 'automated').map((c) => c.id);
    expect(automated.filter((id) => !named.has(id))).toEqual([]);
    expect([...named].filter((id) => !automated.includes(id))).toEqual([]);
  });

  it('names, for every case verified by template test, a test/infra file that exists and names the case', () => {
    const unbacked = CASES.filter((c) => c.status === 'verified_by_template').filter((c) => {
      const file = /test\/infra\/[\w-]+\.test\.ts/.exec(c.note ?? '')?.[0];
      return !file || !existsSync(join(root, file)) || !readFileSync(join(root, file), 'utf8').includes(c.id);
    });
    expect(unbacked.map((c) => c.id)).toEqual([]);
  });

  it('lists every block A and B CSMS case of OCPP 2.0.1 Part 6 once, with a reason for each one not automated', () => {
    const ids = CASES.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(CASES.filter((c) => c.version === '2.0.1')).toHaveLength(30);
    expect(CASES.filter((c) => c.status !== 'automated' && !c.note)).toEqual([]);
  });
});
