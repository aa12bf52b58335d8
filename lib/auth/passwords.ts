// Installer passwords: salted scrypt at a cost suited to people's passwords (N=2^15, ~80 ms), in
// the same self-describing `scrypt$N$r$p$salt$hash` form as charger passwords, compared in constant time.
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type { FieldIssue } from '../domain/errors';

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

/**
 * Strength rules (NIST SP 800-63B spirit: length first, no composition theatre beyond a minimum):
 * 10–128 characters, at least 3 of lower/upper/digit/symbol unless 16+ characters, not the email.
 */
export function passwordProblems(password: string, email: string): FieldIssue[] {
  const issues: string[] = [];
  if (password.length < 10) issues.push('must be at least 10 characters');
  if (password.length > 128) issues.push('must be at most 128 characters');
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(password)).length;
  if (password.length < 16 && classes < 3) issues.push('needs three of: lower case, upper case, digits, symbols (or 16+ characters)');
  const local = email.split('@')[0]?.toLowerCase() ?? '';
  if (local.length >= 4 && password.toLowerCase().includes(local)) issues.push('must not contain your email name');
  if (/^(.)\1+$/.test(password)) issues.push('must not be one repeated character');
  return issues.map((message) => ({ field: 'password', message }));
}
