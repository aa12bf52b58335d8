// The sealed registration reply: readable only with the client's Idempotency-Key, tamper-evident.
import { describe, expect, it } from 'vitest';
import { seal, unseal } from '../../../lib/auth/sealed';

const KEY = '6f1c2d0e-3b4a-4f7e-9a1b-2c3d4e5f6a7b';

describe('seal / unseal', () => {
  it('opens with the same key and purpose, and shows nothing of the plaintext', () => {
    const sealed = seal('0123456789abcdef0123456789abcdef01234567', KEY, 'registration-reply-v1');

    expect(sealed).not.toContain('0123456789abcdef');
    expect(unseal(sealed, KEY, 'registration-reply-v1')).toBe('0123456789abcdef0123456789abcdef01234567');
  });

  it('gives null for another key, another purpose, or an altered text', () => {
    const sealed = seal('secret', KEY, 'registration-reply-v1');
    const raw = Buffer.from(sealed, 'base64url');
    raw[raw.length - 1] = raw[raw.length - 1]! ^ 1;

    expect(unseal(sealed, `${KEY}x`, 'registration-reply-v1')).toBeNull();
    expect(unseal(sealed, KEY, 'other-purpose')).toBeNull();
    expect(unseal(raw.toString('base64url'), KEY, 'registration-reply-v1')).toBeNull();
    expect(unseal('short', KEY, 'registration-reply-v1')).toBeNull();
  });
});
