// Charge point credentials for security profiles 1 and 2: HTTP Basic auth on the WebSocket upgrade
// (DESIGN §2.4). Username = charge point identity, password = 1.6 AuthorizationKey / 2.0.1
// BasicAuthPassword. Pure functions; the only I/O is node:crypto.

import { createHash, randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type { OcppVersion } from './versions';

// ---------------------------------------------------------------------------------------------
// Basic auth header
// ---------------------------------------------------------------------------------------------

export interface BasicCredentials {
  readonly username: string;
  /**
   * The password exactly as sent, as bytes: an OCPP 1.6 charger may send its AuthorizationKey as
   * the 20 raw key bytes (OCPP-J 1.6 §6.2.2 example), which need not be valid UTF-8.
   */
  readonly password: Buffer;
}

const BASIC_AUTH = /^basic[ \t]+([A-Za-z0-9+/_-]+)(={0,2})[ \t]*$/i;
const COLON = 0x3a;
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Parses `Authorization: Basic <base64(username:password)>` (RFC 7617). The scheme is
 * case-insensitive; the decoded credentials are split at the FIRST colon, because the identity may
 * not contain one (2.0.1 Part 4 §3.1.1) but the password may (a raw 1.6 key byte can be 0x3A).
 * Returns null for anything else: no header, another scheme, bad base64, no colon, a username that
 * is not UTF-8. Never throws.
 */
export function parseBasicAuth(header: string | undefined): BasicCredentials | null {
  if (typeof header !== 'string') return null;
  const match = BASIC_AUTH.exec(header.trim());
  const body = match?.[1];
  if (body === undefined) return null;
  const padding = match?.[2] ?? '';
  // A base64 string never leaves a single character over; padding only completes a quantum.
  if (body.length % 4 === 1) return null;
  if (padding !== '' && (body.length + padding.length) % 4 !== 0) return null;
  // Node's decoder accepts both the standard and the URL-safe alphabet.
  const decoded = Buffer.from(body, 'base64');
  const colon = decoded.indexOf(COLON);
  if (colon < 0) return null;
  let username: string;
  try {
    username = utf8.decode(decoded.subarray(0, colon));
  } catch {
    return null;
  }
  return { username, password: Buffer.from(decoded.subarray(colon + 1)) };
}

// ---------------------------------------------------------------------------------------------
// Password hashing
// ---------------------------------------------------------------------------------------------

/*
 * How charger passwords are stored, and why not like human passwords.
 *
 * Every charger password this platform stores is one it made: generateProvisioningPassword() at
 * registration and re-provisioning (lib/domain/charge-points.ts), and again for the long-term
 * password the rotation sets (lib/domain/commissioning.ts). Each is 20 bytes from the CSPRNG: 160
 * bits of entropy. A slow KDF (scrypt, bcrypt, Argon2) exists to make guessing a LOW-entropy secret
 * expensive; against 2^160 candidates no work factor changes anything (at 10^12 SHA-256 per second
 * an offline search of a leaked hash takes ~10^28 years), so the cost only ever landed on us: one
 * scrypt per (re)connect per candidate form, every 2 hours per charger on API Gateway (DESIGN.md
 * §2.5), which under load made registration 17/s and $connect 1.3 s at p50.
 *
 * So a stored hash is `sha256$<salt>$<SHA-256(salt ‖ secret)>` (base64url). The salt is not needed
 * for strength; it keeps two equal secrets (there are none, but a restore or a test fixture could
 * make some) from having equal stored hashes, and costs nothing. No pepper: a server-side key would
 * only help if the secrets were guessable, and would bring a secret to distribute to every $connect
 * and a rotation story. Comparison stays constant-time.
 *
 * Hashes written before this change are `scrypt$N$r$p$<salt>$<hash>` and still verify; a successful
 * login with one returns its SHA-256 replacement (matchChargerPassword), which $connect stores, so a
 * fleet migrates within one 2-hour reconnect cycle without anyone re-entering a password.
 *
 * If this platform ever stores a password a person chose for a charger, it must not use this scheme.
 */
export const HASH_SCHEME = 'sha256';
const SALT_BYTES = 16;
/** Longer presented passwords are refused without hashing (legit ones are at most 40 chars). */
export const MAX_PASSWORD_BYTES = 512;

/** Bounds on parameters read back from a stored hash, so a corrupt row cannot make us burn memory. */
const LIMITS = { minLog2N: 10, maxLog2N: 16, maxR: 16, maxP: 4, minBytes: 16, maxBytes: 64 } as const;

function deriveScryptKey(password: Buffer, salt: Buffer, keyLength: number, params: { N: number; r: number; p: number }): Promise<Buffer> {
  const options: ScryptOptions = { ...params, maxmem: 256 * params.N * params.r + 1024 * 1024 };
  return new Promise((resolve, reject) => {
    scrypt(password, salt, keyLength, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

function sha256(salt: Buffer, secret: Buffer): Buffer {
  return createHash('sha256').update(salt).update(secret).digest();
}

const HEX_DIGITS = /^[0-9a-fA-F]+$/;

/**
 * The form a secret is hashed and compared in: a secret made only of ASCII hex digits is
 * lowercased, any other is kept byte for byte. A 1.6 AuthorizationKey is "hexadecimal represented"
 * (1.6 security whitepaper §7.2, A00.FR.205; OCPP-J 1.6 errata §3.10), and hex digit case carries no
 * key material, so `0001ABCD…` and `0001abcd…` are the same key. A 2.0.1 BasicAuthPassword made only
 * of hex digits loses at most its letter case this way; any other passwordString is untouched.
 * Idempotent.
 */
function canonicalSecret(secret: Buffer): Buffer {
  const text = secret.toString('latin1');
  return HEX_DIGITS.test(text) ? Buffer.from(text.toLowerCase(), 'latin1') : secret;
}

function toBuffer(password: string | Buffer): Buffer {
  return typeof password === 'string' ? Buffer.from(password, 'utf8') : password;
}

/**
 * Salted SHA-256 of a platform-generated charger password (see the note above), encoded
 * `sha256$<salt>$<hash>` (base64url). The secret is hashed in its canonical form (hex lowercased,
 * see canonicalSecret), so one stored hash serves both OCPP versions and both 1.6 key forms. Throws
 * RangeError for an empty password or one longer than MAX_PASSWORD_BYTES: storing either would be a
 * bug upstream. Async for its callers' sake (it was scrypt); it does no I/O.
 */
export async function hashPassword(password: string | Buffer): Promise<string> {
  const secret = toBuffer(password);
  if (secret.length === 0 || secret.length > MAX_PASSWORD_BYTES) {
    throw new RangeError(`password must be 1..${MAX_PASSWORD_BYTES} bytes`);
  }
  const salt = randomBytes(SALT_BYTES);
  return [HASH_SCHEME, salt.toString('base64url'), sha256(salt, canonicalSecret(secret)).toString('base64url')].join('$');
}

type DecodedHash =
  | { readonly scheme: 'sha256'; readonly salt: Buffer; readonly key: Buffer }
  | { readonly scheme: 'scrypt'; readonly N: number; readonly r: number; readonly p: number; readonly salt: Buffer; readonly key: Buffer };

const BASE64URL = /^[A-Za-z0-9_-]+$/;
const DECIMAL = /^[1-9][0-9]{0,6}$/;
const sizeOk = (b: Buffer): boolean => b.length >= LIMITS.minBytes && b.length <= LIMITS.maxBytes;

function decodeHash(stored: unknown): DecodedHash | null {
  if (typeof stored !== 'string') return null;
  const parts = stored.split('$');
  if (parts.length === 3 && parts[0] === HASH_SCHEME) {
    const [, saltText = '', keyText = ''] = parts;
    if (![saltText, keyText].every((text) => BASE64URL.test(text))) return null;
    const salt = Buffer.from(saltText, 'base64url');
    const key = Buffer.from(keyText, 'base64url');
    return sizeOk(salt) && key.length === 32 ? { scheme: 'sha256', salt, key } : null;
  }
  if (parts.length !== 6 || parts[0] !== 'scrypt') return null;
  const [, nText = '', rText = '', pText = '', saltText = '', keyText = ''] = parts;
  if (![nText, rText, pText].every((text) => DECIMAL.test(text))) return null;
  if (![saltText, keyText].every((text) => BASE64URL.test(text))) return null;
  const N = Number(nText);
  const r = Number(rText);
  const p = Number(pText);
  const log2N = Math.log2(N);
  if (!Number.isInteger(log2N) || log2N < LIMITS.minLog2N || log2N > LIMITS.maxLog2N) return null;
  if (r > LIMITS.maxR || p > LIMITS.maxP) return null;
  const salt = Buffer.from(saltText, 'base64url');
  const key = Buffer.from(keyText, 'base64url');
  if (!sizeOk(salt) || !sizeOk(key)) return null;
  return { scheme: 'scrypt', N, r, p, salt, key };
}

/** A stored hash in the scrypt form written before the SHA-256 scheme: replace it on the next login. */
export function isLegacyHash(stored: string): boolean {
  return decodeHash(stored)?.scheme === 'scrypt';
}

/**
 * True when `candidate` (compared in canonical form) is the password behind `stored` (either scheme),
 * compared in constant time. A malformed or unsupported stored hash, an empty or oversized candidate,
 * or any crypto failure is a non-match: this never throws.
 */
export async function verifyPassword(candidate: Buffer, stored: string): Promise<boolean> {
  try {
    if (!Buffer.isBuffer(candidate) || candidate.length === 0 || candidate.length > MAX_PASSWORD_BYTES) return false;
    const decoded = decodeHash(stored);
    if (decoded === null) return false;
    const secret = canonicalSecret(candidate);
    const derived =
      decoded.scheme === 'sha256'
        ? sha256(decoded.salt, secret)
        : await deriveScryptKey(secret, decoded.salt, decoded.key.length, { N: decoded.N, r: decoded.r, p: decoded.p });
    return derived.length === decoded.key.length && timingSafeEqual(derived, decoded.key);
  } catch {
    return false;
  }
}

/** 1.6 security whitepaper §7.2 / A00.FR.205: an AuthorizationKey is at most 20 bytes. */
const AUTHORIZATION_KEY_MAX_BYTES = 20;
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/**
 * The forms of a presented password to try against a stored hash, most likely first.
 *
 * - ocpp2.0.1: the password itself. BasicAuthPassword "SHALL be sent as a UTF-8 encoded string
 *   (NOT encoded into octet string or base64)" (2.0.1 Part 2 Appendices §3.1.15; errata 2023-12
 *   §2.17.3).
 * - ocpp1.6: the CSMS sets AuthorizationKey as "a 40-character hexadecimal representation of the
 *   20-byte authorization key" (OCPP-J 1.6 §6.2.2), so the stored secret is that hex string. The
 *   charger then sends either the hex string itself (what most firmware does, and what the
 *   whitepaper's "hexadecimal represented" suggests) or the raw key bytes (the OCPP-J 1.6 §6.2.2
 *   example: key `0001…FF` is sent as bytes 00 01 … FF). So try the bytes as sent and, when they
 *   could be a raw key (1–20 bytes), their lowercase hex encoding. Printable ASCII is tried as-is
 *   first (a hex string or a factory password); anything else is most likely raw key bytes.
 *
 * Each candidate costs one SHA-256 (one scrypt run against a legacy hash); a 1.6 password costs at
 * most two per stored hash.
 */
export function passwordCandidates(version: OcppVersion, password: Buffer): Buffer[] {
  const asSent = canonicalSecret(password);
  if (version !== 'ocpp1.6' || password.length === 0 || password.length > AUTHORIZATION_KEY_MAX_BYTES) {
    return [asSent];
  }
  const rawKeyAsHex = Buffer.from(password.toString('hex'), 'latin1');
  return PRINTABLE_ASCII.test(password.toString('latin1')) ? [asSent, rawKeyAsHex] : [rawKeyAsHex, asSent];
}

/**
 * The hashes a charge point's password is checked against. `previous` implements the rotation
 * grace path (DESIGN §3): after ChangeConfiguration(AuthorizationKey) / SetVariables(BasicAuthPassword)
 * is Accepted, set current = new and previous = old; some firmware keeps sending the old password
 * after reconnecting. Retire `previous` (conditional update) the first time `current` matches.
 */
export interface StoredPasswordHashes {
  readonly current?: string | undefined;
  readonly previous?: string | undefined;
}

export type PasswordMatch = 'current' | 'previous';

export interface PasswordMatchResult {
  readonly which: PasswordMatch;
  /** When the matching stored hash is a legacy scrypt one: its SHA-256 replacement, to store. */
  readonly upgradedHash?: string;
}

/**
 * Which stored password the presented one matches, `current` tried first; null when neither does
 * (the caller answers 401). Log the result: a `previous` match means the firmware ignored the
 * rotation. Never throws.
 */
export async function matchChargerPassword(
  version: OcppVersion,
  presented: Buffer,
  hashes: StoredPasswordHashes,
): Promise<PasswordMatchResult | null> {
  const candidates = passwordCandidates(version, presented);
  const order: readonly [PasswordMatch, string | undefined][] = [
    ['current', hashes.current],
    ['previous', hashes.previous],
  ];
  for (const [which, stored] of order) {
    if (stored === undefined) continue;
    for (const candidate of candidates) {
      if (!(await verifyPassword(candidate, stored))) continue;
      return isLegacyHash(stored) ? { which, upgradedHash: await hashPassword(candidate) } : { which };
    }
  }
  return null;
}

/**
 * A fresh password for a charge point: 40 lowercase hex characters from 20 random bytes (160 bits).
 * Valid under both versions' rules, so it survives a charger switching version:
 * - 1.6 AuthorizationKey: exactly 20 bytes "represented as a string of up to 40 hexadecimal digits",
 *   min 16 bytes (security whitepaper §7.2, A00.FR.205 / A00.FR.304; OCPP-J 1.6 §6.2.2).
 * - 2.0.1 BasicAuthPassword: 16–40 characters, alphanumerics plus the passwordString specials
 *   (Part 2 Appendices §3.1.15; errata 2023-12 §2.17.3; TC_A_01_CS); hex digits are alphanumeric.
 * No version parameter: one value is valid for both.
 */
export function generateProvisioningPassword(): string {
  return randomBytes(AUTHORIZATION_KEY_MAX_BYTES).toString('hex');
}

// ---------------------------------------------------------------------------------------------
// Charge point identity
// ---------------------------------------------------------------------------------------------

/** 2.0.1 Part 4 §3.1.1 and SecurityCtrlr.Identity maxLimit (errata 2023-12 §2.17.3). */
export const MAX_IDENTITY_LENGTH = 48;

/**
 * 2.0.1 identifierString (Part 2 §2.1 primitive datatypes: a-z A-Z 0-9 * - _ = : + | @ .) without
 * the colon, which Part 4 §3.1.1 forbids because the identity is the Basic auth username. OCPP 1.6
 * sets no charset, but one rule for both versions keeps identities safe in URLs, in database keys
 * (no `#`, `/`, `%` or spaces) and in the Basic auth header. The OCPP-J example identity
 * "RDAM 123" (1.6 §3.1.1, 2.0.1 Part 4 §3.1.1) is therefore refused: it is not an identifierString.
 * Same rule as lib/edge/ocpp-rewrite.cloudfront.js, which 404s anything else at the edge.
 */
export const IDENTITY_PATTERN = /^[A-Za-z0-9*\-_=+|@.]{1,48}$/;

/**
 * The identity from the connection URL's last path segment, percent-decoded exactly once
 * (OCPP-J 1.6 §3.1.1, 2.0.1 Part 4 §3.1.1: the identity "has to be percent-encoded as necessary"),
 * or null when the encoding is malformed or the result is not a valid identity. A valid identity
 * contains no `%`, so passing a value some layer already decoded (API Gateway's
 * queryStringParameters) is harmless, while a double-encoded `%252B` is still refused.
 */
export function parseIdentity(rawSegment: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawSegment);
  } catch {
    return null;
  }
  return isValidIdentity(decoded) ? decoded : null;
}

/** A decoded identity we accept: see IDENTITY_PATTERN. */
export function isValidIdentity(identity: string): boolean {
  return typeof identity === 'string' && IDENTITY_PATTERN.test(identity);
}

/**
 * The stored, canonical form of an identity: ASCII letters uppercased. identifierString is
 * case-insensitive (2.0.1 errata 2023-12 §2.15.1) and DESIGN §2.4 compares identities
 * case-insensitively, so database keys are built from this form; keep the spelling the installer
 * registered separately for display. Uppercase because identities are conventionally written so
 * (CP001), so the canonical form is usually what was typed. Only ASCII is folded: Unicode case
 * mapping is locale- and length-dependent (ß → SS), and a valid identity is ASCII anyway.
 */
export function canonicalIdentity(identity: string): string {
  return identity.replace(/[a-z]+/g, (letters) => letters.toUpperCase());
}

/** True when the Basic auth username names the same charge point as the URL identity (A00.FR.204). */
export function identitiesMatch(username: string, identity: string): boolean {
  if (typeof username !== 'string' || typeof identity !== 'string' || username === '' || identity === '') return false;
  return canonicalIdentity(username) === canonicalIdentity(identity);
}
