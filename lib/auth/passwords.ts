// Installer passwords: salted scrypt at a cost suited to people's passwords (N=2^15, ~80 ms), in
// the same self-describing `scrypt$N$r$p$salt$hash` form as charger passwords, compared in constant time.
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const PARAMS = { N: 2 ** 15, r: 8, p: 1 } as const;

function derive(password: string, salt: Buffer, len: number, p: { N: number; r: number; p: number }): Promise<Buffer> {
  const options: ScryptOptions = { ...p, maxmem: 256 * p.N * p.r + 1024 * 1024 };
  return new Promise((resolve, reject) => scrypt(password.normalize('NFKC'), salt, len, options, (e, k) => (e ? reject(e) : resolve(k))));
}

export async function hashUserPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, 32, PARAMS);
  return ['scrypt', PARAMS.N, PARAMS.r, PARAMS.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** Never throws; a malformed stored hash is a non-match. */
export async function verifyUserPassword(password: string, stored: string): Promise<boolean> {
  try {
    const [scheme, n, r, p, salt, key] = stored.split('$');
    if (scheme !== 'scrypt' || !n || !r || !p || !salt || !key) return false;
    const params = { N: Number(n), r: Number(r), p: Number(p) };
    if (!Number.isInteger(Math.log2(params.N)) || params.N > 2 ** 17 || params.r > 16 || params.p > 4) return false;
    const expected = Buffer.from(key, 'base64url');
    const actual = await derive(password, Buffer.from(salt, 'base64url'), expected.length, params);
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  } catch {
    return false;
  }
}

/** A hash of a random password: verifying against it costs the same as against a real one. */
let dummy: Promise<string> | undefined;
export function dummyHash(): Promise<string> {
  dummy ??= hashUserPassword(randomBytes(16).toString('hex'));
  return dummy;
}
