// A signed-in person on their own account (issue #16, `account:self`): read it, and change its email
// with re-verification. Sign-up, login and password reset for every account stay at
// /api/v1/installer/… (installers.ts, installer-passwords.ts).
import { verifyUserPassword } from '../auth/passwords';
import { transactWrite, type TransactItem } from '../aws/transact';
import { config } from '../config';
import { getAccount, getAccountByEmail, getEmailChange, type Account } from '../db/accounts';
import { ENTITY, keys } from '../db/keys';
import { listPendingInvitationsOf } from '../db/invitations';
import { listGrantsOfAccount, listMembershipsOfAccount } from '../db/locations';
import { getOperator, listStaffOfAccount } from '../db/operators';
import { assignmentItem, getSite, getTeam, listAssignmentsOfEmail } from '../db/projects';
import { makeEvent, publish } from '../events/publish';
import type { AccountPrincipal } from '../http/handler';
import { nowIso } from '../ids';
import { Conflict, Unauthorized, ValidationFailed } from './errors';
import { hashToken, newToken, nowSeconds } from './installers';
import { grantRole } from './locations';
import { enforceRateLimit, quietly } from './rate-limits';

export const EMAIL_CHANGE_TTL_SECONDS = 24 * 3600;
/**
 * Project assignments are keyed by email (a CPO assigns someone before they sign up), so they move
 * with the email, in the same transaction as the guards (DynamoDB: at most 100 writes, 2 per
 * assignment besides the 5 of the change itself). An account with more is refused, not half moved.
 */
export const MAX_ASSIGNMENTS_MOVED = 45;

/**
 * The account as its owner sees it (GET /api/v1/account adds its memberships: getOwnAccount).
 */
export function accountView(account: Account) {
  return {
    account_id: account.accountId,
    email: account.email,
    name: account.name,
    // Only a verified account can sign in (pending ones cannot log in, disabled ones are refused).
    verified: account.status === 'active',
    created_at: account.createdAt,
    pending_email: account.pendingEmail ?? null,
  };
}

/** The caller's account; an account gone since the token was checked reads as a revoked token. */
async function ownAccount(who: AccountPrincipal): Promise<Account> {
  const account = await getAccount(who.accountId);
  if (!account || account.status !== 'active') throw new Unauthorized('The account of this access token is not active', { reason: 'account_inactive' });
  return account;
}

/**
 * The account with everything it belongs to (GET /api/v1/account): its roles at operators, its teams,
 * its installer grants on locations (with the lapse decided from the clock, as on every location
 * request) and the invitations pending for its email. The email is verified (only an active account
 * gets here), and that is what an invitation is addressed to; the invitation's token is never shown
 * here: accepting takes the mailed link.
 */
export async function getOwnAccount(who: AccountPrincipal) {
  const account = await ownAccount(who);
  const [staff, teams, grants, invitations] = await Promise.all([
    listStaffOfAccount(account.accountId),
    listMembershipsOfAccount(account.accountId),
    listGrantsOfAccount(account.accountId),
    listPendingInvitationsOf(account.email),
  ]);
  const operatorIds = [...new Set([...staff.map((s) => s.operatorId), ...invitations.map((i) => i.operatorId)])];
  const operators = new Map(await Promise.all(operatorIds.map(async (id) => [id, await getOperator(id)] as const)));
  const teamName = async (operatorId: string, teamId: string | undefined) => (teamId ? ((await getTeam(operatorId, teamId))?.name ?? null) : null);
  const siteName = async (operatorId: string, siteId: string | undefined) => (siteId ? ((await getSite(operatorId, siteId))?.name ?? null) : null);
  const now = nowIso();
  return {
    ...accountView(account),
    operator_roles: staff.map((s) => ({ operator_id: s.operatorId, name: operators.get(s.operatorId)?.name ?? null, role: s.role })),
    teams: await Promise.all(teams.map(async (m) => ({ team_id: m.teamId, name: await teamName(m.operatorId, m.teamId), role: m.role, rights: m.rights }))),
    location_grants: await Promise.all(
      grants.map(async (g) => ({
        location_id: g.siteId,
        name: await siteName(g.operatorId, g.siteId),
        full_access_until: g.fullAccessUntil ?? null,
        lapsed: grantRole(g, now) === 'location_installer_lapsed',
        sensitive_data: g.sensitiveData,
      })),
    ),
    pending_invitations: await Promise.all(
      invitations.map(async (i) => ({
        invitation_id: i.invitationId,
        kind: i.kind,
        expires_at: i.validUntil,
        what: {
          operator: { operator_id: i.operatorId, name: operators.get(i.operatorId)?.name ?? null },
          team: i.teamId ? { team_id: i.teamId, name: await teamName(i.operatorId, i.teamId) } : null,
          location: i.siteId ? { location_id: i.siteId, name: await siteName(i.operatorId, i.siteId) } : null,
          role: i.role ?? null,
        },
      })),
    ),
  };
}

async function mail(to: string, subject: string, lines: string[]): Promise<void> {
  if (!(await quietly('mail-to-address', to))) return;
  await publish([makeEvent('email.requested', 'platform', { to: [to], subject, text: lines.join('\n') })]);
}

const wrongPassword = () => new ValidationFailed('The password is not this account’s password', [{ field: 'password', message: 'incorrect' }]);

/**
 * Step 1: the account's password (a stolen access token alone cannot move the account to another
 * inbox) and the new address. A token goes to the new address (it proves the inbox); the old
 * address is told, so an owner whose session was hijacked learns of it. Whether the new address
 * already has an account is not said here (no account-existence oracle): its owner gets a notice
 * instead of a token, and applying would answer 409.
 */
export async function requestEmailChange(who: AccountPrincipal, input: { email: string; password: string }, clientIp: string): Promise<{ status: 'accepted'; detail: string }> {
  await enforceRateLimit('change-email', clientIp);
  const account = await ownAccount(who);
  if (!(await verifyUserPassword(input.password, account.passwordHash))) throw wrongPassword();
  const email = input.email.trim().toLowerCase();
  if (email === account.email) throw new ValidationFailed('This is already the account’s email', [{ field: 'email', message: 'is the current email' }]);
  const api = `${process.env.PUBLIC_BASE_URL ?? ''}/api/v1/account`;
  const taken = await getAccountByEmail(email);
  if (taken && taken.status !== 'pending_verification') {
    await mail(email, 'Email change to an address that has an account', [
      `Someone asked to move another account to ${email}, which already has an account; nothing changed.`,
      'If that was you, use this account, or change its email first.',
    ]);
  } else {
    const token = newToken();
    const t = config().tableName;
    const result = await transactWrite([
      { Put: { TableName: t, Item: { ...keys.emailChange(hashToken(token)), type: ENTITY.emailChange, accountId: account.accountId, email, expiresAt: nowSeconds() + EMAIL_CHANGE_TTL_SECONDS } } },
      {
        Update: {
          TableName: t,
          Key: keys.account(account.accountId),
          // Only the newest request's token works.
          UpdateExpression: 'SET emailChangeTokenHash = :h, pendingEmail = :e',
          ConditionExpression: '#s = :active',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':h': hashToken(token), ':e': email, ':active': 'active' },
        },
      },
    ]);
    if (result.cancelled) throw new Unauthorized('The account of this access token is not active', { reason: 'account_inactive' });
    await mail(email, 'Confirm your new email address', [
      `Someone (we hope you) asked to use ${email} for their account from now on.`,
      'Confirm it within 24 hours, signed in to the account:',
      `  curl -X POST ${api}/email/verify -H 'authorization: Bearer <access token>' -H 'content-type: application/json' -d '{"token":"${token}"}'`,
      '',
      `Email change token: ${token}`,
      'If you did not ask for this, ignore this message: nothing changes without the token above.',
    ]);
  }
  await mail(account.email, 'Your account’s email is being changed', [
    `A change of this account’s email to ${email} was asked for, with the account’s password.`,
    'It takes effect only when confirmed from the new address.',
    `If it was not you, reset your password now: POST ${process.env.PUBLIC_BASE_URL ?? ''}/api/v1/installer/password-reset/request`,
  ]);
  return { status: 'accepted', detail: 'A token is on its way to the new address (unless it cannot take this account); the current address has been told.' };
}

const invalidChangeToken = () => new ValidationFailed('The email change token is invalid, used or expired; ask for a new one', [{ field: 'token', message: 'invalid, used or expired' }]);

/**
 * Step 2: the token from the new inbox, by the signed-in owner. One transaction swaps the email
 * guards (the new one only if free, or held by a pending sign-up, which loses as it does to the
 * owner's own sign-up), changes the email, bumps passwordVersion (every token carries the old email
 * and stops working: log in again) and moves the project assignments to the new email, so they
 * follow the account and nobody who later signs up with the old address inherits them.
 */
export async function applyEmailChange(who: AccountPrincipal, input: { token: string }) {
  const tokenHash = hashToken(input.token);
  const [record, account] = await Promise.all([getEmailChange(tokenHash), ownAccount(who)]);
  if (!record || record.accountId !== account.accountId || account.emailChangeTokenHash !== tokenHash) throw invalidChangeToken();
  const email = record.email;
  const taken = await getAccountByEmail(email);
  const takenError = () => new Conflict(`${email} already has an account`, { field: 'email' });
  if (taken && (taken.status !== 'pending_verification' || taken.accountId === account.accountId)) throw takenError();
  const assignments = await listAssignmentsOfEmail(account.email);
  if (assignments.length > MAX_ASSIGNMENTS_MOVED) {
    throw new Conflict(`The account is assigned to ${assignments.length} projects; at most ${MAX_ASSIGNMENTS_MOVED} can move to a new email (ask the operator to unassign finished ones)`, { field: 'email' });
  }
  const t = config().tableName;
  const now = nowSeconds();
  const items: TransactItem[] = [
    {
      Put: {
        TableName: t,
        Item: { ...keys.accountEmail(email), type: ENTITY.accountEmail, accountId: account.accountId },
        ConditionExpression: taken ? 'accountId = :old' : 'attribute_not_exists(pk) OR expiresAt <= :now',
        ExpressionAttributeValues: taken ? { ':old': taken.accountId } : { ':now': now },
      },
    },
    { Delete: { TableName: t, Key: keys.accountEmail(account.email), ConditionExpression: 'accountId = :id', ExpressionAttributeValues: { ':id': account.accountId } } },
    {
      Update: {
        TableName: t,
        Key: keys.account(account.accountId),
        UpdateExpression: 'SET email = :new, passwordVersion = if_not_exists(passwordVersion, :zero) + :one REMOVE emailChangeTokenHash, pendingEmail',
        ConditionExpression: 'emailChangeTokenHash = :h AND email = :old AND #s = :active',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':new': email, ':zero': 0, ':one': 1, ':h': tokenHash, ':old': account.email, ':active': 'active' },
      },
    },
    { Delete: { TableName: t, Key: keys.emailChange(tokenHash) } },
  ];
  if (taken) {
    items.push({
      Delete: { TableName: t, Key: keys.account(taken.accountId), ConditionExpression: '#s = :pending', ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: { ':pending': 'pending_verification' } },
    });
  }
  const fixed = items.length;
  for (const a of assignments) {
    // Unassigned meanwhile: the whole change fails rather than bring the assignment back.
    items.push({ Delete: { TableName: t, Key: keys.assignment(a.projectId, a.email), ConditionExpression: 'attribute_exists(pk)' } }, { Put: { TableName: t, Item: assignmentItem({ ...a, email }) } });
  }
  const result = await transactWrite(items);
  if (result.cancelled) {
    if (result.reasons[0] === 'ConditionalCheckFailed') throw takenError();
    if (result.reasons.slice(fixed).some((r) => r !== 'None')) throw new Conflict('The account’s project assignments changed meanwhile; nothing changed, try again', { field: 'token' });
    // The token was used or superseded meanwhile: nothing was written.
    throw invalidChangeToken();
  }
  return accountView({ ...account, email, pendingEmail: undefined, emailChangeTokenHash: undefined });
}
