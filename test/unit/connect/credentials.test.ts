import { randomBytes, scryptSync } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  IDENTITY_PATTERN,
  MAX_IDENTITY_LENGTH,
  canonicalIdentity,
  generateProvisioningPassword,
  hashPassword,
  identitiesMatch,
  isLegacyHash,
  isValidIdentity,
  matchChargerPassword,
  parseBasicAuth,
  parseIdentity,
  passwordCandidates,
  verifyPassword,
} from '../../../lib/ocpp/credentials';

// OCPP-J 1.6 §6.2.2 example: identity AL1000, key 0001020304050607FFFFFFFFFFFFFFFFFFFFFFFF sent as raw bytes.
const SPEC_16_KEY_HEX = '0001020304050607FFFFFFFFFFFFFFFFFFFFFFFF';
const SPEC_16_HEADER = 'Basic QUwxMDAwOgABAgMEBQYH////////////////';

function basicHeader(username: string | Buffer, password: string | Buffer, scheme = 'Basic'): string {
  const user = typeof username === 'string' ? Buffer.from(username, 'utf8') : username;
  const pass = typeof password === 'string' ? Buffer.from(password, 'utf8') : password;
  return `${scheme} ${Buffer.concat([user, Buffer.from(':'), pass]).toString('base64')}`;
}

const bytes = (text: string): Buffer => Buffer.from(text, 'utf8');

/** A hash as stored before the SHA-256 scheme: scrypt N=2^13, r=8, p=1 of the canonical (hex-lowercased) secret. */
function legacyScryptHash(password: string): string {
  const secret = /^[0-9a-fA-F]+$/.test(password) ? password.toLowerCase() : password;
  const salt = randomBytes(16);
  const key = scryptSync(Buffer.from(secret, 'utf8'), salt, 32, { N: 2 ** 13, r: 8, p: 1 });
  return ['scrypt', 8192, 8, 1, salt.toString('base64url'), key.toString('base64url')].join('$');
}

describe('parseBasicAuth', () => {
  it('reads the OCPP-J 1.6 example header as identity plus the raw 20 key bytes', () => {
    const credentials = parseBasicAuth(SPEC_16_HEADER);

    expect(credentials?.username).toBe('AL1000');
    expect(credentials?.password.toString('hex').toUpperCase()).toBe(SPEC_16_KEY_HEX);
  });

  it.each(['basic', 'BASIC', 'bAsIc'])('accepts the scheme spelled %s', (scheme) => {
    expect(parseBasicAuth(basicHeader('CP001', 'secret', scheme))?.username).toBe('CP001');
  });

  it('tolerates surrounding whitespace and several spaces after the scheme', () => {
    const token = Buffer.from('CP001:secret').toString('base64');

    expect(parseBasicAuth(`  Basic \t  ${token}  `)?.password).toEqual(bytes('secret'));
  });

  it('splits at the first colon so the password may contain colons', () => {
    const credentials = parseBasicAuth(basicHeader('CP001', 'a:b::c'));

    expect(credentials).toEqual({ username: 'CP001', password: bytes('a:b::c') });
  });

  it('keeps password bytes that are not UTF-8', () => {
    const raw = Buffer.from([0xff, 0x3a, 0x00, 0xc3]);

    expect(parseBasicAuth(basicHeader('CP001', raw))?.password).toEqual(raw);
  });

  it('accepts unpadded base64 and the URL-safe alphabet', () => {
    const padded = Buffer.from('CP1:pw?>').toString('base64');
    const unpadded = padded.replace(/=+$/, '');
    const urlSafe = Buffer.from('CP1:pw?>').toString('base64url');

    expect(parseBasicAuth(`Basic ${unpadded}`)?.password).toEqual(bytes('pw?>'));
    expect(parseBasicAuth(`Basic ${urlSafe}`)?.password).toEqual(bytes('pw?>'));
  });

  it('returns an empty password when nothing follows the colon', () => {
    expect(parseBasicAuth(basicHeader('CP001', ''))?.password.length).toBe(0);
  });

  it.each([
    ['no header', undefined],
    ['an empty header', ''],
    ['another scheme', `Bearer ${Buffer.from('CP001:secret').toString('base64')}`],
    ['the scheme alone', 'Basic'],
    ['the scheme glued to the credentials', `Basic${Buffer.from('CP001:secret').toString('base64')}`],
    ['credentials without a colon', `Basic ${Buffer.from('CP001secret').toString('base64')}`],
    ['characters outside base64', 'Basic Q1AwMDE6c2Vj*mV0'],
    ['a dangling base64 character', 'Basic Q1AwMDE6c2VjcmV0Q'],
    ['padding in the middle', 'Basic Q1A=MDE6c2VjcmV0'],
    ['wrong padding', 'Basic Q1AwMDE6c2VjcmV0=='],
    ['a username that is not UTF-8', basicHeader(Buffer.from([0xc3, 0x28]), 'secret')],
  ])('returns null for %s', (_case, header) => {
    expect(parseBasicAuth(header)).toBeNull();
  });

  it('never throws, whatever the header', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.base64String().map((b) => `Basic ${b}`)), (header) => {
        parseBasicAuth(header);
      }),
      { numRuns: 2000 },
    );
  });

  it('round-trips any colon-free username and any password bytes', () => {
    const username = fc
      .string({ unit: 'binary' })
      .filter((name) => !name.includes(':') && Buffer.from(name, 'utf8').toString('utf8') === name);
    fc.assert(
      fc.property(username, fc.uint8Array({ maxLength: 64 }), fc.constantFrom('Basic', 'basic', 'BASIC'), (name, password, scheme) => {
        const parsed = parseBasicAuth(basicHeader(name, Buffer.from(password), scheme));

        expect(parsed).not.toBeNull();
        expect(parsed?.username).toBe(name);
        expect(parsed?.password.equals(Buffer.from(password))).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('hashPassword and verifyPassword', () => {
  it('stores a platform-generated secret as salted SHA-256, not scrypt: 160 random bits need no slow KDF', async () => {
    const stored = await hashPassword(generateProvisioningPassword());

    expect(stored).toMatch(/^sha256\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(isLegacyHash(stored)).toBe(false);
  });

  it('still verifies a legacy scrypt hash, in either hex case, and knows it for one', async () => {
    const stored = legacyScryptHash(SPEC_16_KEY_HEX);

    expect(isLegacyHash(stored)).toBe(true);
    expect(await verifyPassword(bytes(SPEC_16_KEY_HEX), stored)).toBe(true);
    expect(await verifyPassword(bytes(SPEC_16_KEY_HEX.toLowerCase()), stored)).toBe(true);
    expect(await verifyPassword(bytes('0'.repeat(40)), stored)).toBe(false);
  });

  it('verifies the password it hashed and rejects another', async () => {
    const stored = await hashPassword('correct horse battery');

    expect(await verifyPassword(bytes('correct horse battery'), stored)).toBe(true);
    expect(await verifyPassword(bytes('correct horse batterY'), stored)).toBe(false);
  });

  it('salts every hash, so the same password never hashes the same twice', async () => {
    const [first, second] = await Promise.all([hashPassword('same password!'), hashPassword('same password!')]);

    expect(first).not.toBe(second);
    expect(await verifyPassword(bytes('same password!'), second)).toBe(true);
  });

  it('treats a string and its UTF-8 bytes as the same password', async () => {
    const stored = await hashPassword(bytes('pässwörd-ünïcode'));

    expect(await verifyPassword(bytes('pässwörd-ünïcode'), stored)).toBe(true);
  });

  it('ignores the letter case of a password made only of hex digits', async () => {
    const stored = await hashPassword(SPEC_16_KEY_HEX);

    expect(await verifyPassword(bytes(SPEC_16_KEY_HEX.toLowerCase()), stored)).toBe(true);
  });

  it('keeps the letter case of any other password', async () => {
    const stored = await hashPassword('Secret-Password-42');

    expect(await verifyPassword(bytes('secret-password-42'), stored)).toBe(false);
  });

  it.each([
    ['empty', ''],
    ['oversized', 'x'.repeat(513)],
  ])('refuses to hash an %s password', async (_case, password) => {
    await expect(hashPassword(password)).rejects.toThrow(RangeError);
  });

  it('answers false, without throwing, for an empty or oversized candidate', async () => {
    const stored = await hashPassword('x'.repeat(512));

    expect(await verifyPassword(Buffer.alloc(0), stored)).toBe(false);
    expect(await verifyPassword(bytes('x'.repeat(513)), stored)).toBe(false);
    expect(await verifyPassword(bytes('x'.repeat(512)), stored)).toBe(true);
  });

  it('treats every malformed stored hash as a non-match instead of throwing', async () => {
    const good = legacyScryptHash('a-good-password-123');
    const [, N, r, p, salt, key] = good.split('$') as [string, string, string, string, string, string];
    const current = await hashPassword('a-good-password-123');
    const [, curSalt, curKey] = current.split('$') as [string, string, string];
    const malformed = [
      '',
      'plaintext-password',
      good.replace('scrypt', 'bcrypt'),
      `${good}$extra`,
      `${current}$extra`,
      ['sha256', curSalt].join('$'),
      ['sha256', curSalt, curKey.slice(0, 20)].join('$'),
      ['sha256', 'c2FsdA', curKey].join('$'),
      ['sha256', curSalt, 'not+base64url/'].join('$'),
      ['sha512', curSalt, curKey].join('$'),
      ['scrypt', N, r, p, salt].join('$'),
      ['scrypt', '8191', r, p, salt, key].join('$'),
      ['scrypt', String(2 ** 24), r, p, salt, key].join('$'),
      ['scrypt', '512', r, p, salt, key].join('$'),
      ['scrypt', N, '0', p, salt, key].join('$'),
      ['scrypt', N, '1000', p, salt, key].join('$'),
      ['scrypt', N, r, '99', salt, key].join('$'),
      ['scrypt', N, r, p, 'c2FsdA', key].join('$'),
      ['scrypt', N, r, p, salt, 'not+base64url/'].join('$'),
      ['scrypt', N, r, p, salt, ''].join('$'),
      ['scrypt', `${N}.0`, r, p, salt, key].join('$'),
      undefined as unknown as string,
      42 as unknown as string,
    ];

    for (const stored of malformed) {
      await expect(verifyPassword(bytes('a-good-password-123'), stored)).resolves.toBe(false);
    }
    expect(await verifyPassword(bytes('a-good-password-123'), good)).toBe(true);
    expect(await verifyPassword(bytes('a-good-password-123'), current)).toBe(true);
  });
});

describe('passwordCandidates', () => {
  it('tries a 2.0.1 password only as sent', () => {
    expect(passwordCandidates('ocpp2.0.1', Buffer.from([1, 2, 3]))).toEqual([Buffer.from([1, 2, 3])]);
  });

  it('tries raw 1.6 key bytes first as their lowercase hex, then as sent', () => {
    const raw = Buffer.from(SPEC_16_KEY_HEX, 'hex');

    expect(passwordCandidates('ocpp1.6', raw)).toEqual([bytes(SPEC_16_KEY_HEX.toLowerCase()), raw]);
  });

  it('tries a printable 1.6 password as sent first, then as a possible raw key', () => {
    expect(passwordCandidates('ocpp1.6', bytes('factory'))).toEqual([bytes('factory'), bytes('666163746f7279')]);
  });

  it('tries a 40-character 1.6 hex key only as hex, lowercased', () => {
    expect(passwordCandidates('ocpp1.6', bytes(SPEC_16_KEY_HEX))).toEqual([bytes(SPEC_16_KEY_HEX.toLowerCase())]);
  });
});

describe('matchChargerPassword', () => {
  it('accepts a 1.6 charger that sends its AuthorizationKey as the 40 hex characters', async () => {
    const current = await hashPassword(SPEC_16_KEY_HEX);

    expect((await matchChargerPassword('ocpp1.6', bytes(SPEC_16_KEY_HEX), { current }))?.which).toBe('current');
  });

  it('accepts a 1.6 charger that sends its AuthorizationKey as the 20 raw bytes (OCPP-J 1.6 §6.2.2)', async () => {
    const current = await hashPassword(SPEC_16_KEY_HEX);
    const credentials = parseBasicAuth(SPEC_16_HEADER);

    expect(credentials).not.toBeNull();
    expect((await matchChargerPassword('ocpp1.6', credentials?.password ?? Buffer.alloc(0), { current }))?.which).toBe('current');
  });

  it('accepts a provisioned password under both versions', async () => {
    const password = generateProvisioningPassword();
    const current = await hashPassword(password);

    expect((await matchChargerPassword('ocpp2.0.1', bytes(password), { current }))?.which).toBe('current');
    expect((await matchChargerPassword('ocpp1.6', bytes(password), { current }))?.which).toBe('current');
    expect((await matchChargerPassword('ocpp1.6', Buffer.from(password, 'hex'), { current }))?.which).toBe('current');
  });

  it('does not accept raw key bytes from a 2.0.1 charger, which must send the string', async () => {
    const current = await hashPassword(SPEC_16_KEY_HEX);

    expect(await matchChargerPassword('ocpp2.0.1', Buffer.from(SPEC_16_KEY_HEX, 'hex'), { current })).toBeNull();
  });

  it('accepts a non-hex 1.6 factory password as sent', async () => {
    const current = await hashPassword('factory-default!');

    expect((await matchChargerPassword('ocpp1.6', bytes('factory-default!'), { current }))?.which).toBe('current');
  });

  it('keeps accepting the previous password during the rotation grace period and says so', async () => {
    const [current, previous] = await Promise.all([hashPassword(generateProvisioningPassword()), hashPassword('old-factory-password')]);

    expect((await matchChargerPassword('ocpp1.6', bytes('old-factory-password'), { current, previous }))?.which).toBe('previous');
  });

  it('reports the current password when the charger uses it', async () => {
    const password = generateProvisioningPassword();
    const [current, previous] = await Promise.all([hashPassword(password), hashPassword('old-factory-password')]);

    expect((await matchChargerPassword('ocpp2.0.1', bytes(password), { current, previous }))?.which).toBe('current');
  });

  it('rejects a wrong password, and any password when nothing is stored', async () => {
    const current = await hashPassword(generateProvisioningPassword());

    expect(await matchChargerPassword('ocpp1.6', bytes(generateProvisioningPassword()), { current })).toBeNull();
    expect(await matchChargerPassword('ocpp2.0.1', bytes('anything-at-all-1'), {})).toBeNull();
  });

  it('offers the SHA-256 replacement of a legacy scrypt hash it matched, and none for a current one', async () => {
    const password = generateProvisioningPassword();
    const legacy = legacyScryptHash(password);

    // A 1.6 charger sending its raw key bytes: the replacement is of the stored (hex) form.
    const match = await matchChargerPassword('ocpp1.6', Buffer.from(password, 'hex'), { current: legacy });
    expect(match?.which).toBe('current');
    expect(match?.upgradedHash).toMatch(/^sha256\$/);
    expect((await matchChargerPassword('ocpp2.0.1', bytes(password), { current: match!.upgradedHash! }))).toEqual({ which: 'current' });
    const previous = await matchChargerPassword('ocpp2.0.1', bytes(password), { current: await hashPassword('another-one-entirely'), previous: legacy });
    expect(previous?.which).toBe('previous');
    expect(previous?.upgradedHash).toMatch(/^sha256\$/);
  });
});

describe('generateProvisioningPassword', () => {
  it('is 40 lowercase hex characters: a 20-byte 1.6 AuthorizationKey', () => {
    const password = generateProvisioningPassword();

    expect(password).toMatch(/^[0-9a-f]{40}$/);
    expect(Buffer.from(password, 'hex')).toHaveLength(20);
  });

  it('fits 2.0.1 BasicAuthPassword: 16 to 40 characters of the passwordString charset', () => {
    expect(generateProvisioningPassword()).toMatch(/^[a-zA-Z0-9*\-_=:+|@.]{16,40}$/);
  });

  it('never repeats', () => {
    const passwords = new Set(Array.from({ length: 1000 }, generateProvisioningPassword));

    expect(passwords.size).toBe(1000);
  });
});

describe('charge point identity', () => {
  it('percent-decodes the URL segment once', () => {
    expect(parseIdentity('CP001')).toBe('CP001');
    expect(parseIdentity('CS%2B01%40site')).toBe('CS+01@site');
  });

  it('refuses a double-encoded identity instead of decoding it twice', () => {
    expect(parseIdentity('CS%252B01')).toBeNull();
  });

  it('accepts an identity some layer already decoded, unchanged', () => {
    fc.assert(
      fc.property(fc.stringMatching(IDENTITY_PATTERN), (identity) => {
        expect(parseIdentity(identity)).toBe(identity);
        expect(parseIdentity(encodeURIComponent(identity))).toBe(identity);
      }),
    );
  });

  it.each([
    ['malformed percent-encoding', 'CP%E0%A4%A'],
    ['a lone percent sign', 'CP%'],
    ['an encoded colon', 'CP%3A001'],
    ['an encoded slash', 'CP%2F001'],
    ['an encoded control character', 'CP%0A001'],
    ['the OCPP-J example "RDAM 123", which is no identifierString', 'RDAM%20123'],
    ['nothing', ''],
  ])('rejects %s', (_case, segment) => {
    expect(parseIdentity(segment)).toBeNull();
  });

  it('never throws, whatever the segment', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (segment) => {
        parseIdentity(segment);
      }),
    );
  });

  it('accepts up to 48 characters (2.0.1 Part 4 §3.1.1)', () => {
    expect(isValidIdentity('A'.repeat(MAX_IDENTITY_LENGTH))).toBe(true);
    expect(isValidIdentity('A'.repeat(MAX_IDENTITY_LENGTH + 1))).toBe(false);
  });

  it.each(['CP001', 'cs_01-a.b+c|d@e=f', 'DE*ICE*E45B*78C', '1'])('accepts the identifierString %s', (identity) => {
    expect(isValidIdentity(identity)).toBe(true);
  });

  it.each([
    ['a colon (it is the Basic auth username)', 'CP:001'],
    ['a slash', 'site/CP001'],
    ['a hash, which would break key strings', 'CP#001'],
    ['a percent sign', 'CP%41'],
    ['a space', 'CP 001'],
    ['a tab', 'CP\t001'],
    ['a zero-width space', 'CP\u200b001'],
    ['a non-ASCII letter', 'Ladesäule-7'],
    ['nothing', ''],
  ])('rejects an identity with %s', (_case, identity) => {
    expect(isValidIdentity(identity)).toBe(false);
  });

  it('canonicalises by uppercasing ASCII letters only', () => {
    expect(canonicalIdentity('cp-001a')).toBe('CP-001A');
    expect(canonicalIdentity('straße')).toBe('STRAßE');
  });

  it('canonicalises idempotently, keeping valid identities valid', () => {
    fc.assert(
      fc.property(fc.stringMatching(IDENTITY_PATTERN), (identity) => {
        const canonical = canonicalIdentity(identity);

        expect(canonicalIdentity(canonical)).toBe(canonical);
        expect(isValidIdentity(canonical)).toBe(true);
        expect(identitiesMatch(identity, canonical)).toBe(true);
      }),
    );
  });

  it('matches the Basic auth username to the URL identity case-insensitively', () => {
    expect(identitiesMatch('cp001', 'CP001')).toBe(true);
    expect(identitiesMatch('Cs-01@Site', 'CS-01@site')).toBe(true);
  });

  it('rejects a username that is not the identity (TC_A_02_CSMS)', () => {
    expect(identitiesMatch('CP001Invalid', 'CP001')).toBe(false);
    expect(identitiesMatch('CP0O1', 'CP001')).toBe(false);
    expect(identitiesMatch('', '')).toBe(false);
  });
});
