// Near misses of a charge point identity: what a charger sent vs. what it should have sent (issue #14).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { editDistance, intendedIdentities, nearMiss } from '../../../lib/domain/connection-diagnosis';

describe('nearMiss', () => {
  it.each([
    ['CP-001/', 'trailing_slash', []],
    ['cp-001/', 'trailing_slash', ['case']],
    ['foo/CP-001', 'extra_segment', []],
    ['CP-001/CP-001', 'extra_segment', []],
    ['/CP-001', 'extra_segment', []],
    ['CP-001CP-001', 'repeated', []],
    ['cp-001cp-001', 'repeated', ['case']],
    ['CP-0O1', 'typo', []],
    ['CP-01', 'typo', []],
    ['XP-0011', 'typo', []],
    ['cp-001', 'case', []],
  ])('reads %s as %s of CP-001', (received, kind, also) => {
    expect(nearMiss(received, 'CP-001')).toEqual({ kind, also });
  });

  it.each(['CP-999999', 'OTHER', 'foo/bar', 'CP-001CP-002', 'X-0000'])('does not take %s for CP-001', (received) => {
    expect(nearMiss(received, 'CP-001')).toBeNull();
  });
});

describe('intendedIdentities', () => {
  it('names the identities a near miss was exactly meant to be, canonical, at most 4', () => {
    expect(intendedIdentities('cp-001/')).toEqual(['CP-001']);
    expect(intendedIdentities('foo/cp-001')).toEqual(['FOO', 'CP-001']);
    expect(intendedIdentities('CP1CP1')).toEqual(['CP1']);
    expect(intendedIdentities('CP-001')).toEqual([]);
    expect(intendedIdentities('a/b/c/d/e/f').length).toBeLessThanOrEqual(4);
  });
});

describe('editDistance', () => {
  it('is the Levenshtein distance up to its bound, and says "more" beyond it', () => {
    expect(editDistance('CP-001', 'CP-001')).toBe(0);
    expect(editDistance('CP-001', 'CP-002')).toBe(1);
    expect(editDistance('CP-001', 'CP-0')).toBe(2);
    expect(editDistance('CP-001', 'XX-XXX')).toBe(3);
  });

  it('is symmetric and never below the length difference (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), fc.string({ maxLength: 20 }), (a, b) => {
        const d = editDistance(a, b);
        expect(editDistance(b, a)).toBe(d);
        expect(d).toBeGreaterThanOrEqual(Math.min(3, Math.abs(a.length - b.length)));
        expect(d === 0).toBe(a === b);
      }),
    );
  });
});
