// Drivers (users who charge) and their id tokens (RFID card UIDs, app tokens).
// ACCESS_PATTERNS.md AP-43, AP-44, AP-46, AP-47.
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../aws/clients';
import { transactWrite } from '../aws/transact';
import { config } from '../config';
import { ENTITY, keys } from './keys';
import { queryAll, queryPrefixPage } from './query';
import { patchExpression } from './update-expression';

export interface Driver {
  readonly operatorId: string;
  /** The operator's own user id, or one we made (`usr_…`). */
  readonly userId: string;
  readonly name: string;
  readonly email?: string;
  /** The team the driver belongs to; absent: an operator-wide driver (domain/authorization.ts). */
  readonly teamId?: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export const ID_TOKEN_TYPES = ['ISO14443', 'ISO15693', 'eMAID', 'Central', 'KeyCode', 'Local', 'MacAddress'] as const;
export type IdTokenType = (typeof ID_TOKEN_TYPES)[number];
export const ID_TOKEN_STATUSES = ['active', 'blocked'] as const;
export type IdTokenStatus = (typeof ID_TOKEN_STATUSES)[number];

export interface IdTokenRecord {
  readonly operatorId: string;
  readonly userId: string;
  /** As the operator typed it. */
  readonly value: string;
  /** Upper case: what the key and every lookup use (keys.ts idToken). */
  readonly canonical: string;
  /** 2.0.1 IdTokenEnumType names; an RFID card is ISO14443, an app token Central. */
  readonly tokenType: IdTokenType;
  readonly status: IdTokenStatus;
  /**
   * ISO time after which the token answers Expired. Not named `expiresAt`: that is the table's TTL
   * attribute (epoch seconds), and DynamoDB would delete the token.
   */
  readonly validUntil?: string;
  /** A card of a location (issue #17, db/cards.ts): its name, and the team whose cards list it (gsi2). */
  readonly name?: string;
  readonly cardTeamId?: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

const conditionFailed = (err: unknown) => (err as { name?: string }).name === 'ConditionalCheckFailedException';

/** AP-43: a new driver; false when the user id is taken in this operator. */
export async function putDriver(driver: Driver): Promise<boolean> {
  try {
    await documentClient().send(
      new PutCommand({
        TableName: config().tableName,
        Item: { ...keys.driver(driver.operatorId, driver.userId), type: ENTITY.driver, ...driver },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return true;
  } catch (err) {
    if (conditionFailed(err)) return false;
    throw err;
  }
}

/** AP-43 */
export async function getDriver(operatorId: string, userId: string, consistent = false): Promise<Driver | undefined> {
  const out = await documentClient().send(new GetCommand({ TableName: config().tableName, Key: keys.driver(operatorId, userId), ConsistentRead: consistent }));
  return out.Item as Driver | undefined;
}

/** AP-43: partial update; undefined when the driver does not exist. */
export async function updateDriver(operatorId: string, userId: string, set: Record<string, unknown>, remove: readonly string[], at: string): Promise<Driver | undefined> {
  try {
    const out = await documentClient().send(
      new UpdateCommand({
        TableName: config().tableName,
        Key: keys.driver(operatorId, userId),
        ConditionExpression: 'attribute_exists(pk)',
        ReturnValues: 'ALL_NEW',
        ...patchExpression(set, remove, at),
      }),
    );
    return out.Attributes as Driver;
  } catch (err) {
    if (conditionFailed(err)) return undefined;
    throw err;
  }
}

/** AP-44: an operator's drivers by user id, one page. */
export async function listDrivers(operatorId: string, limit: number, cursor?: string): Promise<{ items: Driver[]; nextCursor: string | null }> {
  return queryPrefixPage<Driver>(keys.driversOfOperator(operatorId), limit, cursor);
}

/**
 * AP-46 (and AP-90 for a card): a new id token. One transaction: the token item is its own uniqueness guard (conditional
 * put on (operator, canonical value)), and the driver must exist. `taken`: the value belongs to a
 * driver of this operator already (this one or another).
 */
export async function putIdToken(token: IdTokenRecord, index: Record<string, string> = {}): Promise<'created' | 'taken' | 'no_driver'> {
  const result = await transactWrite([
    {
      Put: {
        TableName: config().tableName,
        Item: {
          ...keys.idToken(token.operatorId, token.canonical),
          ...keys.idTokenByDriver(token.operatorId, token.userId, token.createdAt, token.canonical),
          // A card's team index (db/cards.ts), when the token is made through a location.
          ...index,
          type: ENTITY.idToken,
          ...token,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    { ConditionCheck: { TableName: config().tableName, Key: keys.driver(token.operatorId, token.userId), ConditionExpression: 'attribute_exists(pk)' } },
  ]);
  if (!result.cancelled) return 'created';
  if (result.reasons[0] === 'ConditionalCheckFailed') return 'taken';
  if (result.reasons[1] === 'ConditionalCheckFailed') return 'no_driver';
  throw new Error(`id token transaction cancelled: ${result.reasons.join(', ')}`);
}

/** AP-46: the token an Authorize names (domain/authorization.ts caches it). */
export async function getIdToken(operatorId: string, canonical: string, consistent = false): Promise<IdTokenRecord | undefined> {
  const out = await documentClient().send(new GetCommand({ TableName: config().tableName, Key: keys.idToken(operatorId, canonical), ConsistentRead: consistent }));
  return out.Item as IdTokenRecord | undefined;
}

/** AP-46: partial update of a driver's token (conditional on it being that driver's); undefined when it is not. */
export async function updateIdToken(operatorId: string, userId: string, canonical: string, set: Record<string, unknown>, remove: readonly string[], at: string): Promise<IdTokenRecord | undefined> {
  const expr = patchExpression(set, remove, at);
  try {
    const out = await documentClient().send(
      new UpdateCommand({
        TableName: config().tableName,
        Key: keys.idToken(operatorId, canonical),
        ConditionExpression: 'attribute_exists(pk) AND userId = :user',
        ReturnValues: 'ALL_NEW',
        ...expr,
        ExpressionAttributeValues: { ...expr.ExpressionAttributeValues, ':user': userId },
      }),
    );
    return out.Attributes as IdTokenRecord;
  } catch (err) {
    if (conditionFailed(err)) return undefined;
    throw err;
  }
}

/** AP-47: a driver's id tokens, oldest first. */
export async function listIdTokensOfDriver(operatorId: string, userId: string): Promise<IdTokenRecord[]> {
  return queryAll<IdTokenRecord>({
    TableName: config().tableName,
    IndexName: 'gsi1',
    KeyConditionExpression: 'gsi1pk = :pk',
    ExpressionAttributeValues: { ':pk': keys.idTokensOfDriver(operatorId, userId).gsi1pk },
  });
}
