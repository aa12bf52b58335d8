// Pure parts of the public job API: conditional GET matching (RFC 9110 §13.1.2), the ETag form and
// link states. The end-to-end behaviour is in test/integration/public-job.test.ts.
import { describe, expect, it } from 'vitest';
import type { PublicLink } from '../../../lib/db/public-links';
import { etagOf, matchesIfNoneMatch } from '../../../lib/domain/public-job';
import { hashToken, linkStateOf } from '../../../lib/domain/public-links';

const aLink = (over: Partial<PublicLink> = {}): PublicLink => ({
  linkId: 'lnk_1',
  projectId: 'prj_1',
  operatorId: 'op_1',
  tokenHash: hashToken('t'),
  createdAt: '2026-01-01T00:00:00.000Z',
  validUntil: '2026-01-31T00:00:00.000Z',
  createdBy: 'operator:op_1',
  ...over,
});

describe('matchesIfNoneMatch', () => {
  const tag = etagOf({ a: 1 });
  it('matches the same tag, one of a list, a weak form of it and *', () => {
    expect(matchesIfNoneMatch(tag, tag)).toBe(true);
    expect(matchesIfNoneMatch(`"other", ${tag}`, tag)).toBe(true);
    expect(matchesIfNoneMatch(`W/${tag}`, tag)).toBe(true);
    expect(matchesIfNoneMatch('*', tag)).toBe(true);
  });
  it('does not match another body\'s tag or a missing header', () => {
    expect(matchesIfNoneMatch(etagOf({ a: 2 }), tag)).toBe(false);
    expect(matchesIfNoneMatch(undefined, tag)).toBe(false);
    expect(matchesIfNoneMatch('', tag)).toBe(false);
  });
  it('gives equal bodies equal tags', () => {
    expect(etagOf({ a: 1, b: [1, 2] })).toBe(etagOf({ a: 1, b: [1, 2] }));
  });
});

describe('linkStateOf', () => {
  it('is revoked once revoked, else expired from validUntil on, else active', () => {
    expect(linkStateOf(aLink(), '2026-01-30T23:59:59.999Z')).toBe('active');
    expect(linkStateOf(aLink(), '2026-01-31T00:00:00.000Z')).toBe('expired');
    expect(linkStateOf(aLink({ revokedAt: '2026-01-02T00:00:00.000Z' }), '2026-01-03T00:00:00.000Z')).toBe('revoked');
  });
  it('hashes tokens to base64url SHA-256 (the only form stored)', () => {
    expect(hashToken('abc')).toBe('ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0');
  });
});
