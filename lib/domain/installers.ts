// Installer accounts: sign up (pending verification, email sent by an event consumer), verify the
// emailed token, log in for a one-hour token. Login failures never say which field was wrong and
// are throttled per email.
import { createHash, randomBytes } from 'node:crypto';
import { hashUserPassword, passwordProblems, dummyHash, verifyUserPassword } from '../auth/passwords';
import { issueAccessToken } from '../auth/tokens';
import { transactWrite } from '../aws/transact';
import { config } from '../config';
import { clearLoginFailures, getInstallerByEmail, getLoginFailures, getVerification, recordLoginFailure, type Installer } from '../db/installers';
import { ENTITY, keys } from '../db/keys';
import { makeEvent, publish } from '../events/publish';
import { newId, nowIso } from '../ids';
import { Conflict, Forbidden, NotFound, TooManyRequests, Unauthorized, ValidationFailed } from './errors';

export const VERIFICATION_TTL_SECONDS = 24 * 3600;
export const LOGIN_MAX_FAILURES = 5;
export const LOGIN_WINDOW_SECONDS = 15 * 60;

const hashToken = (token: string) => createHash('sha256').update(token).digest('base64url');
const publicBaseUrl = () => process.env.PUBLIC_BASE_URL ?? '';

export async function signUp(input: { email: string; password: string; name: string }): Promise<{ installer_id: string; email: string; status: Installer['status'] }> {
  const email = input.email.trim().toLowerCase();
  const problems = passwordProblems(input.password, email);
  if (problems.length) throw new ValidationFailed(`The password is too weak: ${problems.map((p) => p.message).join('; ')}`, problems);
  const installer: Installer = { installerId: newId('inst'), email, name: input.name.trim(), passwordHash: await hashUserPassword(input.password), status: 'pending_verification', createdAt: nowIso() };
  const token = randomBytes(32).toString('base64url');
  const t = config().tableName;
  const result = await transactWrite([
    { Put: { TableName: t, Item: { ...keys.installerEmail(email), type: ENTITY.installerEmail, installerId: installer.installerId }, ConditionExpression: 'attribute_not_exists(pk)' } },
    { Put: { TableName: t, Item: { ...keys.installer(installer.installerId), type: ENTITY.installer, ...installer }, ConditionExpression: 'attribute_not_exists(pk)' } },
    { Put: { TableName: t, Item: { ...keys.verification(hashToken(token)), type: ENTITY.verification, installerId: installer.installerId, expiresAt: Math.floor(Date.now() / 1000) + VERIFICATION_TTL_SECONDS } } },
  ]);
  if (result.cancelled) throw new Conflict('An installer account with this email already exists; log in instead', { field: 'email' });
  // The mail is sent by the email consumer, not inline (issue #5 "Email").
  await publish([
    makeEvent('email.requested', 'platform', {
      to: [email],
      subject: 'Verify your installer account',
      text: [
        `Hello ${installer.name},`,
        '',
        'Confirm your email address to activate your installer account:',
        `  curl -X POST ${publicBaseUrl()}/api/v1/installer/verify-email -H 'content-type: application/json' -d '{"token":"${token}"}'`,
        '',
        `Verification token: ${token}`,
        'The token is valid for 24 hours.',
      ].join('\n'),
    }),
  ]);
  return { installer_id: installer.installerId, email, status: installer.status };
}

export async function verifyEmail(token: string): Promise<{ installer_id: string; status: 'active' }> {
  const record = await getVerification(hashToken(token));
  if (!record || record.expiresAt <= Math.floor(Date.now() / 1000)) {
    throw new ValidationFailed('The verification token is invalid or has expired', [{ field: 'token', message: 'invalid or expired' }]);
  }
  const result = await transactWrite([activation(record.installerId), { Delete: { TableName: config().tableName, Key: keys.verification(hashToken(token)) } }]);
  if (result.cancelled) throw new ValidationFailed('The verification token is invalid or has expired', [{ field: 'token', message: 'invalid or expired' }]);
  return { installer_id: record.installerId, status: 'active' };
}

/**
 * Marks an installer verified without the emailed token: for an operator with write access to the
 * table (`npm run admin -- verify-installer`, used by the smoke test on AWS, where no one can read
 * the mail). Holding AWS credentials for the table is the authorisation; the API has no such route.
 * Idempotent: an active installer stays active. The unused verification item expires by its TTL.
 */
export async function markInstallerVerified(email: string): Promise<{ installer_id: string; status: 'active' }> {
  const installer = await getInstallerByEmail(email.trim().toLowerCase());
  if (!installer) throw new NotFound(`No installer account for ${email}`, { field: 'email' });
  if (installer.status === 'active') return { installer_id: installer.installerId, status: 'active' };
  const result = await transactWrite([activation(installer.installerId)]);
  if (result.cancelled) throw new NotFound(`No installer account for ${email}`, { field: 'email' });
  return { installer_id: installer.installerId, status: 'active' };
}

/** The one write that makes an account active, shared by both ways of verifying. */
function activation(installerId: string) {
  return {
    Update: {
      TableName: config().tableName,
      Key: keys.installer(installerId),
      UpdateExpression: 'SET #s = :active, verifiedAt = :now',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: { ':active': 'active', ':now': nowIso() },
    },
  };
}

export async function logIn(input: { email: string; password: string }) {
  const email = input.email.trim().toLowerCase();
  const failures = await getLoginFailures(email);
  if (failures && failures.count >= LOGIN_MAX_FAILURES) {
    const retryAfter = Math.max(1, failures.expiresAt - Math.floor(Date.now() / 1000));
    throw new TooManyRequests(`Too many failed logins for this account; try again in ${Math.ceil(retryAfter / 60)} minute(s)`, { retry_after_seconds: retryAfter });
  }
  const installer = await getInstallerByEmail(email);
  // Same work whether or not the account exists, so timing does not reveal registered emails.
  const ok = await verifyUserPassword(input.password, installer?.passwordHash ?? (await dummyHash()));
  if (!installer || !ok) {
    await recordLoginFailure(email, LOGIN_WINDOW_SECONDS);
    throw new Unauthorized('Email or password is incorrect');
  }
  if (installer.status !== 'active') throw new Forbidden('Verify your email address first: use the token from the verification email', { reason: 'email_not_verified' });
  await clearLoginFailures(email);
  return issueAccessToken({ installerId: installer.installerId, email: installer.email });
}
