import { verifyAccessToken } from '../auth/tokens';
import { getAccount } from '../db/accounts';
import { Unauthorized } from '../domain/errors';

export interface InstallerPrincipal {
  readonly kind: 'installer';
  readonly installerId: string;
  readonly email: string;
}

/**
 * A valid signature is not enough: the account must still be active (a disabled account, or one
 * that was never verified, is locked out at once rather than when its token expires) and the token
 * must be newer than the last password change. One consistent GetItem per request.
 */
export async function authenticateInstaller(token: string): Promise<InstallerPrincipal> {
  const claims = await verifyAccessToken(token);
  const account = await getAccount(claims.accountId);
  if (!account || account.status !== 'active') {
    throw new Unauthorized('The account of this access token is not active', { reason: 'account_inactive' });
  }
  if ((account.passwordVersion ?? 0) !== claims.passwordVersion) {
    // passwordVersion also moves when the email changes (accounts.ts): the token carries the old one.
    throw new Unauthorized('The access token was issued before the password or the email address was changed; log in again', { reason: 'token_revoked' });
  }
  return { kind: 'installer', installerId: account.accountId, email: account.email };
}
