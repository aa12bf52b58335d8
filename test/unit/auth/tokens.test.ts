import { SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { issueAccessToken, verifyAccessToken } from '../../../lib/auth/tokens';

const SECRET = 'unit-test-secret-that-is-at-least-32-chars';
const base = () => new SignJWT({ email: 'ina@example.com' }).setProtectedHeader({ alg: 'HS256' }).setSubject('inst_1').setIssuer('chargepoint-commissioning').setAudience('installer');

beforeAll(() => {
  process.env.JWT_SECRET = SECRET;
});

describe('installer access tokens', () => {
  it('accepts what it issues and reports when it was issued and under which password version', async () => {
    const { access_token } = await issueAccessToken({ accountId: 'inst_1', email: 'ina@example.com' }, Date.now() - 2 * 3600_000);
    await expect(verifyAccessToken(access_token)).rejects.toMatchObject({ extra: { reason: 'token_expired' } });
    const now = await issueAccessToken({ accountId: 'inst_1', email: 'ina@example.com' });
    expect(await verifyAccessToken(now.access_token)).toEqual({ accountId: 'inst_1', email: 'ina@example.com', issuedAt: expect.any(Number), passwordVersion: 0 });
    const afterReset = await issueAccessToken({ accountId: 'inst_1', email: 'ina@example.com', passwordVersion: 3 });
    expect((await verifyAccessToken(afterReset.access_token)).passwordVersion).toBe(3);
  });

  it('refuses a token without exp, signed with the real key', async () => {
    const forever = await base().setIssuedAt().sign(new TextEncoder().encode(SECRET));
    await expect(verifyAccessToken(forever)).rejects.toMatchObject({ kind: 'unauthorized', extra: { reason: 'token_invalid' } });
  });

  it('refuses a token without iat, signed with the real key', async () => {
    const noIat = await base().setExpirationTime('1h').sign(new TextEncoder().encode(SECRET));
    await expect(verifyAccessToken(noIat)).rejects.toMatchObject({ kind: 'unauthorized' });
  });
});
