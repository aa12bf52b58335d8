// Account access tokens: HS256 JWTs that expire after one hour. The key is read once per cold
// start: JWT_SECRET locally, the Secrets Manager secret JWT_SECRET_ARN on AWS.
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { errors, jwtVerify, SignJWT } from 'jose';
import { Unauthorized } from '../domain/errors';

export const ACCESS_TOKEN_TTL_SECONDS = 3600;
const ISSUER = 'chargepoint-commissioning';
// Kept from before #16 (the token now authenticates any account): changing it would sign everyone out.
const AUDIENCE = 'installer';

let key: Promise<Uint8Array> | undefined;

function signingKey(): Promise<Uint8Array> {
  key ??= (async () => {
    const local = process.env.JWT_SECRET;
    if (local) return new TextEncoder().encode(local);
    const arn = process.env.JWT_SECRET_ARN;
    if (!arn) throw new Error('JWT_SECRET or JWT_SECRET_ARN must be set');
    const out = await new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: arn }));
    if (!out.SecretString || out.SecretString.length < 32) throw new Error('The JWT secret is missing or shorter than 32 characters');
    return new TextEncoder().encode(out.SecretString);
  })();
  return key;
}

export interface AccountClaims {
  /**
   * `sub`. Tokens issued before #16 carry the installer id there; the accounts migration keeps every
   * id, so such a token (it lives an hour at most) names the same account and keeps working.
   */
  readonly accountId: string;
  readonly email: string;
  /**
   * The account's password version when the token was issued (`pwv`): a password change bumps the
   * version and so revokes every older token. A counter, not a time: `iat` has one-second
   * resolution, so a token issued in the same second as a reset would otherwise survive it.
   */
  readonly passwordVersion?: number;
}

export interface VerifiedAccountClaims extends AccountClaims {
  readonly issuedAt: number;
  readonly passwordVersion: number;
}

export async function issueAccessToken(claims: AccountClaims, now = Date.now()): Promise<{ access_token: string; token_type: 'Bearer'; expires_in: number }> {
  const iat = Math.floor(now / 1000);
  const token = await new SignJWT({ email: claims.email, pwv: claims.passwordVersion ?? 0 })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.accountId)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(iat + ACCESS_TOKEN_TTL_SECONDS)
    .sign(await signingKey());
  return { access_token: token, token_type: 'Bearer', expires_in: ACCESS_TOKEN_TTL_SECONDS };
}

export async function verifyAccessToken(token: string): Promise<VerifiedAccountClaims> {
  try {
    // jose checks `exp` only when present: a token without it would never expire, so require it
    // (and `iat`, which the password-change revocation compares against).
    const { payload } = await jwtVerify(token, await signingKey(), { issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'], requiredClaims: ['exp', 'iat', 'sub'] });
    if (typeof payload.sub !== 'string' || typeof payload.email !== 'string' || typeof payload.iat !== 'number') throw new Unauthorized('The access token is malformed', { reason: 'token_invalid' });
    return { accountId: payload.sub, email: payload.email, issuedAt: payload.iat, passwordVersion: typeof payload.pwv === 'number' ? payload.pwv : 0 };
  } catch (err) {
    if (err instanceof errors.JWTExpired) {
      const exp = typeof err.payload.exp === 'number' ? new Date(err.payload.exp * 1000).toISOString() : 'earlier';
      throw new Unauthorized(`The access token expired at ${exp}; log in again`, { reason: 'token_expired' });
    }
    if (err instanceof Unauthorized) throw err;
    throw new Unauthorized('The access token is invalid', { reason: 'token_invalid' });
  }
}
