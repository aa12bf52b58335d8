// Operator API keys: `cpk_<keyId>_<secret>`. The key id finds the record; only a hash of the secret
// is stored and it is compared in constant time.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const PREFIX = 'cpk';

export interface IssuedApiKey {
  readonly keyId: string;
  readonly secretHash: string;
  /** The full key, shown once to the operator. */
  readonly plaintext: string;
}

export function issueApiKey(): IssuedApiKey {
  const keyId = randomBytes(9).toString('base64url');
  const secret = randomBytes(32).toString('base64url');
  return { keyId, secretHash: hashSecret(secret), plaintext: `${PREFIX}_${keyId}_${secret}` };
}

export function parseApiKey(token: string): { keyId: string; secret: string } | null {
  // keyId is 12 base64url chars, which may themselves contain '_': split by position, not by '_'.
  const m = /^cpk_([A-Za-z0-9_-]{12})_([A-Za-z0-9_-]{43})$/.exec(token);
  return m ? { keyId: m[1]!, secret: m[2]! } : null;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export function secretMatches(secret: string, storedHash: string): boolean {
  const a = Buffer.from(hashSecret(secret), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
