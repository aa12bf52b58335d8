// Person accounts (issue #16: installers, team members, operator staff, drivers), their email
// guard, emailed tokens (verification, password reset, email change) and the failed-login counters.
import { DeleteCommand, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../aws/clients';
import { config } from '../config';
import { ENTITY, keys } from './keys';
import { migrateLegacyAccount } from './migrations/accounts';

export type AccountStatus = 'pending_verification' | 'active' | 'disabled';

export interface Account {
  readonly accountId: string;
  readonly email: string;
  readonly name: string;
  readonly passwordHash: string;
  readonly status: AccountStatus;
  readonly createdAt: string;
  readonly verifiedAt?: string;
  /** Only while pending verification: TTL of the account and its email guard (epoch seconds). */
  readonly expiresAt?: number;
  /** sha256 of the one verification token that may activate the account (a resend supersedes the last). */
  readonly verifyTokenHash?: string;
  /** sha256 of the one password-reset token that may be used. */
  readonly resetTokenHash?: string;
  /** Bumped by every password change and email change; access tokens carry the version they were issued under. */
  readonly passwordVersion?: number;
  /** While an email change waits for its token: the new address, and the sha256 of the one token that may apply it. */
  readonly pendingEmail?: string;
  readonly emailChangeTokenHash?: string;
}

const nowSeconds = () => Math.floor(Date.now() / 1000);
/** DynamoDB Local never deletes TTL-expired items (DESIGN.md §1), and AWS may take a while: filter on read. */
const live = <T extends { expiresAt?: number }>(item: T | undefined): T | undefined => (item && (item.expiresAt === undefined || item.expiresAt > nowSeconds()) ? item : undefined);

/** The account behind an email, if any; a pending account past its expiry reads as none. */
export async function getAccountByEmail(email: string): Promise<Account | undefined> {
  const guard = await documentClient().send(new GetCommand({ TableName: config().tableName, Key: keys.accountEmail(email), ConsistentRead: true }));
  const item = live(guard.Item as { accountId?: string; installerId?: string; expiresAt?: number } | undefined);
  // `installerId`: a guard the accounts migration has not reached yet (lib/db/migrations/accounts.ts).
  const accountId = item?.accountId ?? item?.installerId;
  return accountId ? getAccount(accountId) : undefined;
}

export async function getAccount(accountId: string): Promise<Account | undefined> {
  const read = () => documentClient().send(new GetCommand({ TableName: config().tableName, Key: keys.account(accountId), ConsistentRead: true }));
  const out = await read();
  if (out.Item) return live(out.Item as Account);
  // Made before #16 and not yet reached by the migration: migrate it now, so no one is logged out
  // between the deploy and `npm run admin -- migrate`. Costs one more read for an unknown id only.
  const legacy = await documentClient().send(new GetCommand({ TableName: config().tableName, Key: keys.preAccountsInstaller(accountId), ConsistentRead: true }));
  if (!legacy.Item) return undefined;
  await migrateLegacyAccount(legacy.Item);
  return live((await read()).Item as Account | undefined);
}

export interface EmailedToken {
  readonly accountId: string;
  readonly expiresAt: number;
}

/** An emailed token; one written before #16 and not yet migrated names its account `installerId`. */
async function getEmailedToken(key: { pk: string; sk: string }): Promise<EmailedToken | undefined> {
  const out = await documentClient().send(new GetCommand({ TableName: config().tableName, Key: key, ConsistentRead: true }));
  const item = live(out.Item as (Partial<EmailedToken> & { installerId?: string; expiresAt: number }) | undefined);
  const accountId = item?.accountId ?? item?.installerId;
  return item && accountId ? { accountId, expiresAt: item.expiresAt } : undefined;
}

/** AP-55: a pending email change (the token mailed to the new address). */
export async function getEmailChange(tokenHash: string): Promise<{ accountId: string; email: string; expiresAt: number } | undefined> {
  const out = await documentClient().send(new GetCommand({ TableName: config().tableName, Key: keys.emailChange(tokenHash), ConsistentRead: true }));
  return live(out.Item as { accountId: string; email: string; expiresAt: number } | undefined);
}

export const getVerification = (tokenHash: string) => getEmailedToken(keys.verification(tokenHash));
export const getPasswordReset = (tokenHash: string) => getEmailedToken(keys.passwordReset(tokenHash));

/** How long failure counters are remembered after the last failure. */
export const LOGIN_FAILURE_MEMORY_SECONDS = 24 * 3600;

export interface LoginFailures {
  readonly count: number;
  /** Epoch seconds of the latest failure. */
  readonly lastFailureAt: number;
}

/** Failed logins on an email (from any client) since the counter was last forgotten. */
export async function getLoginFailures(email: string): Promise<LoginFailures | undefined> {
  const out = await documentClient().send(new GetCommand({ TableName: config().tableName, Key: keys.loginThrottle(email), ConsistentRead: true }));
  return live(out.Item as (LoginFailures & { expiresAt: number }) | undefined);
}

/** Failed logins on an email from one client. */
export async function getClientLoginFailures(email: string, clientIp: string): Promise<number> {
  const out = await documentClient().send(new GetCommand({ TableName: config().tableName, Key: keys.loginClientFailures(email, clientIp), ConsistentRead: true }));
  return live(out.Item as { count: number; expiresAt: number } | undefined)?.count ?? 0;
}

/** Counts a failed login for the email and for the client; an expired counter starts again at 1. */
export async function recordLoginFailure(email: string, clientIp: string): Promise<void> {
  const now = nowSeconds();
  const values = { ':one': 1, ':now': now, ':exp': now + LOGIN_FAILURE_MEMORY_SECONDS };
  const bump = async (Key: { pk: string; sk: string }, type: string) => {
    const update = (increment: boolean) =>
      documentClient().send(
        new UpdateCommand({
          TableName: config().tableName,
          Key,
          UpdateExpression: `SET #c = ${increment ? 'if_not_exists(#c, :zero) + :one' : ':one'}, lastFailureAt = :now, expiresAt = :exp, #t = :type`,
          // Only a live counter is incremented; an expired one that TTL has not removed yet restarts.
          ...(increment ? { ConditionExpression: 'attribute_not_exists(expiresAt) OR expiresAt > :now' } : {}),
          ExpressionAttributeNames: { '#c': 'count', '#t': 'type' },
          ExpressionAttributeValues: { ...values, ':type': type, ...(increment ? { ':zero': 0 } : {}) },
        }),
      );
    await update(true).catch((err: unknown) => {
      if ((err as { name?: string }).name !== 'ConditionalCheckFailedException') throw err;
      return update(false);
    });
  };
  await Promise.all([bump(keys.loginThrottle(email), ENTITY.loginThrottle), bump(keys.loginClientFailures(email, clientIp), ENTITY.loginClientFailures)]);
}

/** A successful login forgets this client's failures (not the account's: see logIn). */
export async function clearClientLoginFailures(email: string, clientIp: string): Promise<void> {
  await documentClient().send(new DeleteCommand({ TableName: config().tableName, Key: keys.loginClientFailures(email, clientIp) }));
}

/** A password reset forgets every failure counted on the email. */
export async function clearLoginFailures(email: string): Promise<void> {
  await documentClient().send(new DeleteCommand({ TableName: config().tableName, Key: keys.loginThrottle(email) }));
}
