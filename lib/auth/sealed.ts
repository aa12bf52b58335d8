// Sealing a short-lived reply under a secret only the client holds (the Idempotency-Key of a
// registration), so the stored copy is useless to anyone who can read the table but not the key.
// AES-256-GCM with a key derived by HKDF-SHA256 from the client's secret and a random salt.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

export interface Sealed {
  /** base64url of salt (16) ‖ iv (12) ‖ tag (16) ‖ ciphertext. */
  readonly sealed: string;
}

const SALT = 16;
const IV = 12;
const TAG = 16;

function keyFrom(secret: string, salt: Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', Buffer.from(secret, 'utf8'), salt, Buffer.from(purpose, 'utf8'), 32));
}

export function seal(plaintext: string, secret: string, purpose: string): string {
  const salt = randomBytes(SALT);
  const iv = randomBytes(IV);
  const cipher = createCipheriv('aes-256-gcm', keyFrom(secret, salt, purpose), iv);
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return Buffer.concat([salt, iv, cipher.getAuthTag(), body]).toString('base64url');
}

/** The plaintext, or null when the secret or purpose is wrong or the sealed text was altered. Never throws. */
export function unseal(sealed: string, secret: string, purpose: string): string | null {
  try {
    const raw = Buffer.from(sealed, 'base64url');
    if (raw.length < SALT + IV + TAG) return null;
    const salt = raw.subarray(0, SALT);
    const iv = raw.subarray(SALT, SALT + IV);
    const tag = raw.subarray(SALT + IV, SALT + IV + TAG);
    const decipher = createDecipheriv('aes-256-gcm', keyFrom(secret, salt, purpose), iv);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(raw.subarray(SALT + IV + TAG)), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}
