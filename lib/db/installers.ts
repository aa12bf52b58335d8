// Installer accounts, their email guard, verification tokens and login throttling.
import { DeleteCommand, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../aws/clients';
import { config } from '../config';
import { keys } from './keys';

export interface Installer {
  readonly installerId: string;
  readonly email: string;
  readonly name: string;
  readonly passwordHash: string;
  readonly status: 'pending_verification' | 'active';
  readonly createdAt: string;
  readonly verifiedAt?: string;
}

export async function getInstallerByEmail(email: string): Promise<Installer | undefined> {
  const guard = await documentClient().send(new GetCommand({ TableName: config().tableName, Key: keys.installerEmail(email) }));
  const installerId = (guard.Item as { installerId?: string } | undefined)?.installerId;
  return installerId ? getInstaller(installerId) : undefined;
}

export async function getInstaller(installerId: string): Promise<Installer | undefined> {
  const out = await documentClient().send(new GetCommand({ TableName: config().tableName, Key: keys.installer(installerId), ConsistentRead: true }));
  return out.Item as Installer | undefined;
}

export async function getVerification(tokenHash: string): Promise<{ installerId: string; expiresAt: number } | undefined> {
  const out = await documentClient().send(new GetCommand({ TableName: config().tableName, Key: keys.verification(tokenHash), ConsistentRead: true }));
  return out.Item as { installerId: string; expiresAt: number } | undefined;
}

/** Failed logins in the current window; the window restarts when the item expires. */
export async function getLoginFailures(email: string): Promise<{ count: number; expiresAt: number } | undefined> {
  const out = await documentClient().send(new GetCommand({ TableName: config().tableName, Key: keys.loginThrottle(email), ConsistentRead: true }));
  const item = out.Item as { count: number; expiresAt: number } | undefined;
  return item && item.expiresAt > Math.floor(Date.now() / 1000) ? item : undefined;
}

export async function recordLoginFailure(email: string, windowSeconds: number): Promise<void> {
  const now = Math.floor(Date.now() / 1000);
  await documentClient().send(
    new UpdateCommand({
      TableName: config().tableName,
      Key: keys.loginThrottle(email),
      // A stale window (expired but not yet deleted by TTL) starts again at 1.
      UpdateExpression: 'SET #c = if_not_exists(#c, :zero) + :one, expiresAt = if_not_exists(expiresAt, :exp), #t = :type',
      ConditionExpression: 'attribute_not_exists(expiresAt) OR expiresAt > :now',
      ExpressionAttributeNames: { '#c': 'count', '#t': 'type' },
      ExpressionAttributeValues: { ':zero': 0, ':one': 1, ':exp': now + windowSeconds, ':now': now, ':type': 'login_throttle' },
    }),
  ).catch(async (err: unknown) => {
    if ((err as { name?: string }).name !== 'ConditionalCheckFailedException') throw err;
    await documentClient().send(new DeleteCommand({ TableName: config().tableName, Key: keys.loginThrottle(email) }));
    await recordLoginFailure(email, windowSeconds);
  });
}

export async function clearLoginFailures(email: string): Promise<void> {
  await documentClient().send(new DeleteCommand({ TableName: config().tableName, Key: keys.loginThrottle(email) }));
}
