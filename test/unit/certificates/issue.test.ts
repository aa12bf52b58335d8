// Where certificates are stored and which time they are signed with.
import { describe, expect, it } from 'vitest';
import { certificateKey, signingTimeFor } from '../../../lib/certificates';

describe('certificateKey', () => {
  it('puts a certificate under its project, named by its id', () => {
    expect(certificateKey('prj_3kTqV8xR1bN0aQ2s', 'crt_7Yq2mZ0c-J_H4')).toBe('certificates/prj_3kTqV8xR1bN0aQ2s/crt_7Yq2mZ0c-J_H4.pdf');
  });

  it.each(['', '..', '../other', 'a/b', 'a b', 'é', '.hidden', 'x'.repeat(129)])('refuses %j as a key segment', (bad) => {
    expect(() => certificateKey(bad, 'crt_1')).toThrow(RangeError);
    expect(() => certificateKey('prj_1', bad)).toThrow(RangeError);
  });
});

describe('signingTimeFor', () => {
  const handedOverAt = '2025-05-14T10:32:00.000Z';

  it('signs with the handover time when signing happens in the handover request', () => {
    expect(signingTimeFor(handedOverAt, new Date('2025-05-14T10:32:03Z')).toISOString()).toBe(handedOverAt);
  });

  it('signs with the real time when the certificate is issued later', () => {
    const now = new Date('2025-06-01T08:00:00Z');
    expect(signingTimeFor(handedOverAt, now)).toBe(now);
  });
});
