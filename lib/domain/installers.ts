// Person accounts (issue #16: one kind for installers, team members, operator staff and drivers;
// the endpoints stay under /api/v1/installer): verify the emailed token, resend it, log in for a
// one-hour token, ask for a
// password reset. Choosing a password (signup, reset) is in installer-passwords.ts, which carries
// the strength estimator. Every endpoint here answers the same whether or not an account exists
// for the email (no account-existence oracle), and every mail is a fixed text of ours: nothing a
// requester typed (a name, say) is put into a mail to someone else.
import { createHash, randomBytes } from 'node:crypto';
import { dummyHash, verifyUserPassword } from '../auth/passwords';
import { issueAccessToken } from '../auth/tokens';
import { transactWrite } from '../aws/transact';
import { config } from '../config';
import { clearClientLoginFailures, getClientLoginFailures, getAccount, getAccountByEmail, getLoginFailures, getVerification, recordLoginFailure, type Account } from '../db/accounts';
import { ENTITY, keys } from '../db/keys';
import { makeEvent, publish } from '../events/publish';
import { nowIso } from '../ids';
import { enforceRateLimit, quietly } from './rate-limits';
import { Forbidden, NotFound, TooManyRequests, Unauthorized, ValidationFailed } from './errors';

export const VERIFICATION_TTL_SECONDS = 24 * 3600;
export const PASSWORD_RESET_TTL_SECONDS = 3600;
/** An account nobody verified disappears (with its email guard) this long after its last signup. */
export const PENDING_ACCOUNT_TTL_SECONDS = 7 * 24 * 3600;

/** What every signup, resend and reset request answers, whatever happened (202). */
export const ACCEPTED_MAIL_REQUEST = {
  status: 'accepted',
  detail: 'If this email can use the request, a message is on its way to it; follow the instructions there.',
} as const;

export const hashToken = (token: string) => createHash('sha256').update(token).digest('base64url');
export const newToken = () => randomBytes(32).toString('base64url');
export const nowSeconds = () => Math.floor(Date.now() / 1000);
const publicBaseUrl = () => process.env.PUBLIC_BASE_URL ?? '';
const normalise = (email: string) => email.trim().toLowerCase();

// --- Mails: fixed texts, only our URL, the token and the recipient's own address ----------------

type MailKind = 'verify' | 'already_registered' | 'already_verified' | 'reset';

function mailText(kind: MailKind, email: string, token?: string): { subject: string; text: string } {
  const api = `${publicBaseUrl()}/api/v1/installer`;
  const footer = ['', 'If you did not ask for this, ignore this message: nothing changes without the token above.'];
  switch (kind) {
    case 'verify':
      return {
        subject: 'Verify your account',
        text: [
          `Someone (we hope you) signed up for an account with ${email}.`,
          'If you are on an invitation page, enter this code there, within 24 hours:',
          '',
          `Verification token: ${token}`,
          '',
          'From an app or a script: send it with the password you chose at signup:',
          `  curl -X POST ${api}/verify-email -H 'content-type: application/json' -d '{"token":"${token}","password":"<your password>"}'`,
          '',
          'Only the newest verification email works. If the password you chose is not accepted, sign up again.',
          ...footer,
        ].join('\n'),
      };
    case 'already_registered':
      return {
        subject: 'Sign-up attempt for your account',
        text: [
          `Someone tried to sign up for an account with ${email}, which already has one.`,
          `If that was you, log in instead (POST ${api}/login), or reset your password:`,
          `  curl -X POST ${api}/password-reset/request -H 'content-type: application/json' -d '{"email":"${email}"}'`,
          '',
          'If it was not you, nothing has changed and you need not do anything.',
        ].join('\n'),
      };
    case 'already_verified':
      return {
        subject: 'Your account is already verified',
        text: [
          `A new verification email was asked for ${email}, but the account is already verified.`,
          `Log in (POST ${api}/login), or reset your password with POST ${api}/password-reset/request.`,
        ].join('\n'),
      };
    case 'reset':
      return {
        subject: 'Reset your password',
        text: [
          `A password reset was asked for the account ${email}.`,
          'Choose a new password with this token within one hour (it works once):',
          `  curl -X POST ${api}/password-reset -H 'content-type: application/json' -d '{"token":"${token}","password":"<new password>"}'`,
          '',
          `Reset token: ${token}`,
          'Resetting also verifies an account that was waiting for verification and signs out every session.',
          ...footer,
        ].join('\n'),
      };
  }
}

/** At most RATE_LIMITS['mail-to-address'] account mails per address and hour; beyond that, silently none. */
export async function mailAccountNotice(kind: MailKind, email: string, token?: string): Promise<boolean> {
  if (!(await quietly('mail-to-address', email))) return false;
  await publish([makeEvent('email.requested', 'platform', { to: [email], ...mailText(kind, email, token) })]);
  return true;
}

/** Writes a new verification token for a pending account (superseding any earlier one) and mails it. */
export async function sendVerification(account: Account): Promise<void> {
  const token = newToken();
  const t = config().tableName;
  const now = nowSeconds();
  const result = await transactWrite([
    { Put: { TableName: t, Item: { ...keys.verification(hashToken(token)), type: ENTITY.verification, accountId: account.accountId, expiresAt: now + VERIFICATION_TTL_SECONDS } } },
    {
      Update: {
        TableName: t,
        Key: keys.account(account.accountId),
        UpdateExpression: 'SET verifyTokenHash = :h',
        ConditionExpression: '#s = :pending',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':h': hashToken(token), ':pending': 'pending_verification' },
      },
    },
  ]);
  // Verified (or replaced) meanwhile: the token could not work, so send nothing.
  if (!result.cancelled) await mailAccountNotice('verify', account.email, token);
}

// --- Verify ----------------------------------------------------------------------------------

const invalidToken = () => new ValidationFailed('The verification token is invalid or has expired', [{ field: 'token', message: 'invalid or expired' }]);

/**
 * Activates a pending account. The token proves the inbox; the password proves that whoever
 * verifies is whoever signed up. Without it, someone who signed up with another person's email and
 * their own password would get the account the moment its owner clicks the mail (pre-hijacking).
 */
export async function verifyEmail(input: { token: string; password: string }, clientIp: string): Promise<{ installer_id: string; status: 'active' }> {
  await enforceRateLimit('verify-email', clientIp);
  const tokenHash = hashToken(input.token);
  const record = await getVerification(tokenHash);
  const account = record ? await getAccount(record.accountId) : undefined;
  if (!record || !account || account.status !== 'pending_verification' || account.verifyTokenHash !== tokenHash) throw invalidToken();
  if (!(await verifyUserPassword(input.password, account.passwordHash))) {
    throw new ValidationFailed('The password is not the one chosen at signup; if you did not sign up with it, sign up again to get a new email', [
      { field: 'password', message: 'does not match the signup' },
    ]);
  }
  const result = await transactWrite([...activation(account, tokenHash), { Delete: { TableName: config().tableName, Key: keys.verification(tokenHash) } }]);
  if (result.cancelled) throw invalidToken();
  return { installer_id: account.accountId, status: 'active' };
}

/**
 * Marks an installer verified without the emailed token: for an operator with write access to the
 * table (`npm run admin -- verify-installer`, used by the smoke test on AWS, where no one can read
 * the mail). Holding AWS credentials for the table is the authorisation; the API has no such route.
 * Idempotent: an active installer stays active. The unused verification item expires by its TTL.
 */
export async function markInstallerVerified(email: string): Promise<{ installer_id: string; status: 'active' }> {
  const account = await getAccountByEmail(normalise(email));
  if (!account) throw new NotFound(`No installer account for ${email}`, { field: 'email' });
  if (account.status === 'active') return { installer_id: account.accountId, status: 'active' };
  const result = await transactWrite(activation(account));
  if (result.cancelled) throw new NotFound(`No pending installer account for ${email}`, { field: 'email' });
  return { installer_id: account.accountId, status: 'active' };
}

/**
 * The writes that make a pending account active, shared by both ways of verifying: the account
 * (still pending, and still waiting for this token when one is given) and its email guard stop
 * expiring.
 */
function activation(account: Account, tokenHash?: string) {
  const t = config().tableName;
  return [
    {
      Update: {
        TableName: t,
        Key: keys.account(account.accountId),
        UpdateExpression: 'SET #s = :active, verifiedAt = :now REMOVE expiresAt, verifyTokenHash',
        ConditionExpression: tokenHash ? '#s = :pending AND verifyTokenHash = :h' : '#s = :pending',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':active': 'active', ':pending': 'pending_verification', ':now': nowIso(), ...(tokenHash ? { ':h': tokenHash } : {}) },
      },
    },
    emailGuardKept(account),
  ];
}

/** The account's email guard stops expiring with it (it was verified or reset): part of the same transaction. */
export function emailGuardKept(account: Pick<Account, 'email' | 'accountId'>) {
  return {
    Update: {
      TableName: config().tableName,
      Key: keys.accountEmail(account.email),
      UpdateExpression: 'REMOVE expiresAt',
      ConditionExpression: 'accountId = :id',
      ExpressionAttributeValues: { ':id': account.accountId },
    },
  };
}

// --- Resend ----------------------------------------------------------------------------------

/** A new verification mail for a pending account; the same answer for any email. */
export async function resendVerification(input: { email: string }, clientIp: string): Promise<typeof ACCEPTED_MAIL_REQUEST> {
  await enforceRateLimit('resend-verification', clientIp);
  const email = normalise(input.email);
  const account = await getAccountByEmail(email);
  if (account?.status === 'pending_verification') await sendVerification(account);
  else if (account?.status === 'active') await mailAccountNotice('already_verified', email);
  return ACCEPTED_MAIL_REQUEST;
}

// --- Password reset, step 1 ------------------------------------------------------------------

/**
 * Mails a single-use reset token valid for an hour. Works for pending accounts too (the token
 * proves the inbox, so resetting also verifies), so no account is stuck for good. Disabled
 * accounts and unknown emails get nothing; the answer is the same.
 */
export async function requestPasswordReset(input: { email: string }, clientIp: string): Promise<typeof ACCEPTED_MAIL_REQUEST> {
  await enforceRateLimit('request-password-reset', clientIp);
  const email = normalise(input.email);
  const account = await getAccountByEmail(email);
  if (!account || account.status === 'disabled') return ACCEPTED_MAIL_REQUEST;
  const token = newToken();
  const t = config().tableName;
  const result = await transactWrite([
    { Put: { TableName: t, Item: { ...keys.passwordReset(hashToken(token)), type: ENTITY.passwordReset, accountId: account.accountId, expiresAt: nowSeconds() + PASSWORD_RESET_TTL_SECONDS } } },
    {
      Update: {
        TableName: t,
        Key: keys.account(account.accountId),
        UpdateExpression: 'SET resetTokenHash = :h',
        ConditionExpression: 'attribute_exists(pk) AND #s <> :disabled',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':h': hashToken(token), ':disabled': 'disabled' },
      },
    },
  ]);
  if (!result.cancelled) await mailAccountNotice('reset', email, token);
  return ACCEPTED_MAIL_REQUEST;
}

// --- Log in ----------------------------------------------------------------------------------

/** Failures on an email (from anywhere) that cost nothing: typos happen. */
export const LOGIN_FREE_FAILURES = 5;
/** The wait after the sixth failure; it doubles with every further failure, up to the cap. */
export const LOGIN_BASE_DELAY_SECONDS = 15;
export const LOGIN_MAX_DELAY_SECONDS = 3600;

/** Seconds a failing client must wait after the latest failure, given the email's failure count. */
export function loginDelaySeconds(failures: number): number {
  if (failures < LOGIN_FREE_FAILURES) return 0;
  return Math.min(LOGIN_MAX_DELAY_SECONDS, LOGIN_BASE_DELAY_SECONDS * 2 ** (failures - LOGIN_FREE_FAILURES));
}

/**
 * Login throttling policy (issue #12): a hard lock after N failures lets anyone lock a known
 * installer out, so instead:
 * - Per client (source IP): at most RATE_LIMITS.login attempts per window, whatever the email.
 * - Per email: failures are counted from every client (forgotten 24 h after the last one). After
 *   LOGIN_FREE_FAILURES, each failure starts a wait of 15 s × 2^(failures − 5), capped at one hour.
 * - The wait applies only to clients that have themselves failed on this email (and not since
 *   logged in). A client that has not been failing, such as the owner on their own network, is
 *   let through to the password check while an attacker elsewhere is kept waiting, so nobody can
 *   lock the owner out. Its own first failure makes it a failing client too.
 * - Successful logins forget only the failures of that client: the email's count stays, so the
 *   owner logging in does not give an attacker a fresh set of free guesses.
 * What this leaves open: an attacker with many addresses gets one guess per address per delay
 * period (bounded by the per-client window, the WAF rate rule on AWS and the password-strength
 * check at signup), and concurrent attempts from one failing client can race the read (bounded
 * by the per-client window).
 * Unknown emails are counted and answered exactly like known ones.
 */
export async function logIn(input: { email: string; password: string }, clientIp: string) {
  await enforceRateLimit('login', clientIp);
  const email = normalise(input.email);
  const failures = await getLoginFailures(email);
  const waitUntil = failures ? failures.lastFailureAt + loginDelaySeconds(failures.count) : 0;
  const now = nowSeconds();
  if (waitUntil > now && (await getClientLoginFailures(email, clientIp)) > 0) {
    const retryAfter = waitUntil - now;
    throw new TooManyRequests(`Too many failed logins for this account from this client; try again in ${retryAfter} second(s)`, { retry_after_seconds: retryAfter });
  }
  const account = await getAccountByEmail(email);
  // Same work whether or not the account exists, so timing does not reveal registered emails.
  const ok = await verifyUserPassword(input.password, account?.passwordHash ?? (await dummyHash()));
  if (!account || !ok) {
    await recordLoginFailure(email, clientIp);
    throw new Unauthorized('Email or password is incorrect');
  }
  if (account.status === 'pending_verification') {
    throw new Forbidden('Verify your email address first: use the token from the verification email (POST /api/v1/installer/resend-verification sends a new one)', { reason: 'email_not_verified' });
  }
  if (account.status !== 'active') throw new Forbidden('This account is disabled', { reason: 'account_disabled' });
  await clearClientLoginFailures(email, clientIp);
  return issueAccessToken({ accountId: account.accountId, email: account.email, passwordVersion: account.passwordVersion ?? 0 });
}
