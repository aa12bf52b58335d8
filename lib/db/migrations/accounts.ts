// Migration to one kind of person account (issue #16): installer accounts made before it
// (`INSTALLER#{id}` / `INSTALLER`, and an email guard, verification and reset tokens holding
// `installerId`) become accounts (`ACCOUNT#{id}` / `ACCOUNT`, `accountId`) with the SAME id, so
// project assignments (by email), audit strings (`installer:{id}`) and access tokens issued before
// the deploy (`sub` = the id) stay valid.
//
// Run by `npm run admin -- migrate [--table …]` after deploying and by `npm start` at boot.
// Idempotent and safe while traffic runs:
// - the account item is put only if it does not exist yet (a concurrent lazy migration, see
//   getAccount(), or an earlier run may have made it, and traffic may have changed it since: it is
//   never overwritten); the old item is deleted only after the new one exists;
// - guards and tokens are rewritten in place with one conditional update each
//   (`SET accountId = installerId REMOVE installerId` only while `installerId` is there), so a
//   guard replaced meanwhile by a new signup is left alone;
// - until an item is migrated, readers accept the old shape (db/accounts.ts), so the window between
//   the deploy and the migration logs nobody out.
import { DeleteCommand, PutCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../../aws/clients';
import { config } from '../../config';
import { ENTITY, keys } from '../keys';

export interface AccountsMigrationReport {
  /** Legacy account items turned into account items (or found already turned, then deleted). */
  readonly accounts: number;
  /** Email guards, verification and reset tokens whose `installerId` became `accountId`. */
  readonly references: number;
}

const conditionFailed = (err: unknown) => (err as { name?: string }).name === 'ConditionalCheckFailedException';

/**
 * Moves one legacy account item to its new key. Returns false when there was nothing to move (it
 * was moved or deleted meanwhile). Also used by getAccount() for an account read before the batch
 * migration reached it.
 */
export async function migrateLegacyAccount(legacy: Record<string, unknown>): Promise<boolean> {
  const { pk: _pk, sk: _sk, type: _type, installerId, ...rest } = legacy;
  if (typeof installerId !== 'string') return false;
  const t = config().tableName;
  try {
    await documentClient().send(
      new PutCommand({ TableName: t, Item: { ...keys.account(installerId), type: ENTITY.account, ...rest, accountId: installerId }, ConditionExpression: 'attribute_not_exists(pk)' }),
    );
  } catch (err) {
    // Already migrated (by a concurrent reader or an earlier run that stopped before the delete):
    // the new item wins, whatever traffic did to it since.
    if (!conditionFailed(err)) throw err;
  }
  // Its guard too, so the conditions on `accountId` (signup, verification) hold for it at once.
  if (typeof rest.email === 'string') await migrateReference(keys.accountEmail(rest.email));
  const out = await documentClient().send(new DeleteCommand({ TableName: t, Key: keys.preAccountsInstaller(installerId), ReturnValues: 'ALL_OLD' }));
  return !!out.Attributes;
}

/** `installerId` → `accountId` on a guard or an emailed token; false when it had none (anymore). */
async function migrateReference(key: { pk: string; sk: string }): Promise<boolean> {
  const guard = key.pk.startsWith(keys.emailGuardPrefix);
  try {
    await documentClient().send(
      new UpdateCommand({
        TableName: config().tableName,
        Key: key,
        UpdateExpression: `SET accountId = installerId${guard ? ', #t = :guard' : ''} REMOVE installerId`,
        ConditionExpression: 'attribute_exists(installerId)',
        ...(guard ? { ExpressionAttributeNames: { '#t': 'type' }, ExpressionAttributeValues: { ':guard': ENTITY.accountEmail } } : {}),
      }),
    );
    return true;
  } catch (err) {
    if (conditionFailed(err)) return false;
    throw err;
  }
}

/** AP-53: one paged Scan for items in the pre-#16 shape; each is migrated as above. */
export async function migrateAccounts(): Promise<AccountsMigrationReport> {
  let accounts = 0;
  let references = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const out = await documentClient().send(
      new ScanCommand({
        TableName: config().tableName,
        FilterExpression: 'begins_with(pk, :installer) OR (attribute_exists(installerId) AND (begins_with(pk, :email) OR begins_with(pk, :verify) OR begins_with(pk, :reset)))',
        ExpressionAttributeValues: {
          ':installer': keys.preAccountsInstallerPrefix,
          ':email': keys.emailGuardPrefix,
          ':verify': keys.verificationPrefix,
          ':reset': keys.passwordResetPrefix,
        },
        ExclusiveStartKey: start,
      }),
    );
    for (const item of out.Items ?? []) {
      if (String(item.pk).startsWith(keys.preAccountsInstallerPrefix)) {
        if (await migrateLegacyAccount(item)) accounts++;
      } else if (await migrateReference({ pk: String(item.pk), sk: String(item.sk) })) {
        references++;
      }
    }
    start = out.LastEvaluatedKey;
  } while (start);
  return { accounts, references };
}
