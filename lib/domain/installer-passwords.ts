// Choosing an installer password: signing up and resetting it. Kept apart from installers.ts
// because both check strength with zxcvbn-ts, whose dictionaries only these two functions carry.
import { passwordProblems } from '../auth/password-strength';
import { hashUserPassword } from '../auth/passwords';
import { transactWrite, type TransactItem } from '../aws/transact';
import { config } from '../config';
import { clearLoginFailures, getAccount, getAccountByEmail, getPasswordReset, type Account } from '../db/accounts';
import { ENTITY, keys } from '../db/keys';
import { newId, nowIso } from '../ids';
import { log } from '../log';
import { ValidationFailed } from './errors';
import { ACCEPTED_MAIL_REQUEST, emailGuardKept, hashToken, mailAccountNotice, nowSeconds, PENDING_ACCOUNT_TTL_SECONDS, sendVerification } from './installers';
import { enforceRateLimit } from './rate-limits';

function checkStrength(password: string, email: string): void {
  const problems = passwordProblems(password, [email]);
  if (problems.length) throw new ValidationFailed(`The password is not acceptable: ${problems.map((p) => p.message).join('; ')}`, problems);
}

/**
 * Sign up. The answer (202) is the same whether or not the email has an account, so signup is no
 * account-existence oracle:
 * - no account, or one still pending verification: a new pending account replaces it (the earlier
 *   one's tokens stop working) and the verification mail goes out. So whoever squatted an email
 *   cannot keep its owner out, and the owner's signup wins;
 * - a verified (or disabled) account: nothing changes; the owner gets a mail saying someone tried.
 * The password is hashed on every path, so timing does not tell them apart either. Pending accounts
 * expire PENDING_ACCOUNT_TTL_SECONDS after their signup.
 */
export async function signUp(input: { email: string; password: string; name: string }, clientIp: string): Promise<typeof ACCEPTED_MAIL_REQUEST> {
  await enforceRateLimit('signup', clientIp);
  const email = input.email.trim().toLowerCase();
  checkStrength(input.password, email);
  const passwordHash = await hashUserPassword(input.password);
  const existing = await getAccountByEmail(email);
  if (existing && existing.status !== 'pending_verification') {
    await mailAccountNotice('already_registered', email);
    return ACCEPTED_MAIL_REQUEST;
  }
  const expiresAt = nowSeconds() + PENDING_ACCOUNT_TTL_SECONDS;
  const account: Account = { accountId: newId('inst'), email, name: input.name.trim(), passwordHash, status: 'pending_verification', createdAt: nowIso(), expiresAt };
  const t = config().tableName;
  const items: TransactItem[] = [
    {
      Put: {
        TableName: t,
        Item: { ...keys.accountEmail(email), type: ENTITY.accountEmail, accountId: account.accountId, expiresAt },
        // Replace only the account we saw (or a guard that has expired but not yet been removed).
        ConditionExpression: existing ? 'accountId = :old' : 'attribute_not_exists(pk) OR expiresAt <= :now',
        ExpressionAttributeValues: existing ? { ':old': existing.accountId } : { ':now': nowSeconds() },
      },
    },
    { Put: { TableName: t, Item: { ...keys.account(account.accountId), type: ENTITY.account, ...account }, ConditionExpression: 'attribute_not_exists(pk)' } },
  ];
  if (existing) {
    items.push({
      Delete: { TableName: t, Key: keys.account(existing.accountId), ConditionExpression: '#s = :pending', ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: { ':pending': 'pending_verification' } },
    });
  }
  const result = await transactWrite(items);
  if (result.cancelled) {
    // A concurrent signup or verification of the same email won; its mail is on its way.
    log.warn('signup lost a race for an email', { reasons: result.reasons });
    return ACCEPTED_MAIL_REQUEST;
  }
  await sendVerification(account);
  return ACCEPTED_MAIL_REQUEST;
}

const invalidResetToken = () => new ValidationFailed('The reset token is invalid, used or expired; ask for a new one', [{ field: 'token', message: 'invalid, used or expired' }]);

/**
 * Step 2 of a password reset: a single-use, one-hour token from the mail and a new password. It
 * also verifies a pending account (the token proves the inbox), forgets failed logins, and revokes
 * every access token issued before it.
 */
export async function resetPassword(input: { token: string; password: string }, clientIp: string): Promise<{ status: 'active' }> {
  await enforceRateLimit('reset-password', clientIp);
  const tokenHash = hashToken(input.token);
  const record = await getPasswordReset(tokenHash);
  const account = record ? await getAccount(record.accountId) : undefined;
  if (!record || !account || account.status === 'disabled' || account.resetTokenHash !== tokenHash) throw invalidResetToken();
  checkStrength(input.password, account.email);
  const t = config().tableName;
  const result = await transactWrite([
    {
      Update: {
        TableName: t,
        Key: keys.account(account.accountId),
        UpdateExpression: 'SET passwordHash = :hash, #s = :active, passwordVersion = if_not_exists(passwordVersion, :zero) + :one, verifiedAt = if_not_exists(verifiedAt, :now) REMOVE resetTokenHash, verifyTokenHash, expiresAt',
        ConditionExpression: 'resetTokenHash = :h AND #s <> :disabled',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':hash': await hashUserPassword(input.password), ':active': 'active', ':zero': 0, ':one': 1, ':now': nowIso(), ':h': tokenHash, ':disabled': 'disabled' },
      },
    },
    emailGuardKept(account),
    { Delete: { TableName: t, Key: keys.passwordReset(tokenHash) } },
  ]);
  if (result.cancelled) throw invalidResetToken();
  await clearLoginFailures(account.email);
  return { status: 'active' };
}
