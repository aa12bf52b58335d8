// Operators (CPOs), their API keys and their staff (issue #16).
import { GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../aws/clients';
import { transactWrite, type TransactItem } from '../aws/transact';
import { config } from '../config';
import { ENTITY, keys } from './keys';
import { queryAll } from './query';

export interface Operator {
  readonly operatorId: string;
  readonly name: string;
  readonly contactEmail: string;
  readonly createdAt: string;
  /**
   * How many staff hold `admin`, kept in the same transaction as every staff change so that two
   * admins demoting each other at once cannot leave none (AP-66). Absent = 0 (operators made before staff).
   */
  readonly adminCount?: number;
}

export interface ApiKeyRecord {
  readonly keyId: string;
  readonly operatorId: string;
  /** sha256 of the secret part, hex. The secret has 256 bits of entropy, so a fast hash is enough. */
  readonly secretHash: string;
  readonly createdAt: string;
  readonly revokedAt?: string;
  /** `full`, `read_only` and/or operator actions (lib/domain/access.ts apiKeyActions). Absent on keys made before scopes: full. */
  readonly scopes?: readonly string[];
  /** A label for people ("billing export"). Absent on keys made before names. */
  readonly name?: string;
  /** The key stops working at this time (ISO): an `expires_at` given at creation, or the end of a rotation's overlap. */
  readonly validUntil?: string;
  /** Written at most once a minute per key (AP-61). */
  readonly lastUsedAt?: string;
  /** The key that replaced this one by rotation; a key is rotated once. */
  readonly rotatedTo?: string;
  readonly rotatedFrom?: string;
}

export const STAFF_ROLES = ['admin', 'manager', 'installer'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

export interface StaffMember {
  readonly operatorId: string;
  readonly accountId: string;
  readonly role: StaffRole;
  readonly createdAt: string;
  readonly updatedAt?: string;
}

const table = () => config().tableName;
const isConditionFailure = (err: unknown) => (err as { name?: string }).name === 'ConditionalCheckFailedException';

function apiKeyItem(apiKey: ApiKeyRecord) {
  return { ...keys.apiKey(apiKey.keyId), ...keys.apiKeyByOperator(apiKey.operatorId, apiKey.createdAt, apiKey.keyId), type: ENTITY.apiKey, ...apiKey };
}
function operatorItem(operator: Operator) {
  return { ...keys.operator(operator.operatorId), ...keys.operatorInList(operator.createdAt, operator.operatorId), type: ENTITY.operator, ...operator };
}
function staffItem(member: StaffMember) {
  return { ...keys.staff(member.operatorId, member.accountId), ...keys.staffByAccount(member.accountId, member.operatorId), type: ENTITY.staff, ...member };
}

/** An operator with its first API key and, optionally, its first admin: all or nothing. */
export async function putOperatorWithKey(operator: Operator, apiKey: ApiKeyRecord, admin?: StaffMember): Promise<void> {
  await documentClient().send(
    new TransactWriteCommand({
      TransactItems: [
        { Put: { TableName: table(), Item: operatorItem(admin ? { ...operator, adminCount: 1 } : operator), ConditionExpression: 'attribute_not_exists(pk)' } },
        { Put: { TableName: table(), Item: apiKeyItem(apiKey), ConditionExpression: 'attribute_not_exists(pk)' } },
        ...(admin ? [{ Put: { TableName: table(), Item: staffItem(admin), ConditionExpression: 'attribute_not_exists(pk)' } }] : []),
      ],
    }),
  );
}

export async function putApiKey(apiKey: ApiKeyRecord): Promise<void> {
  await documentClient().send(new PutCommand({ TableName: table(), Item: apiKeyItem(apiKey), ConditionExpression: 'attribute_not_exists(pk)' }));
}

/** Strongly consistent: a revocation or rotation holds from the next request on (AP-02). */
export async function getApiKey(keyId: string): Promise<ApiKeyRecord | undefined> {
  const out = await documentClient().send(new GetCommand({ TableName: table(), Key: keys.apiKey(keyId), ConsistentRead: true }));
  return out.Item as ApiKeyRecord | undefined;
}

/** An operator's keys, oldest first (AP-60). */
export async function listApiKeysOfOperator(operatorId: string): Promise<ApiKeyRecord[]> {
  return queryAll<ApiKeyRecord>({
    TableName: table(),
    IndexName: 'gsi1',
    KeyConditionExpression: 'gsi1pk = :pk',
    ExpressionAttributeValues: { ':pk': keys.apiKeysOfOperator(operatorId).gsi1pk },
  });
}

/** Revokes the operator's key; false when it is not this operator's or already revoked (AP-61). */
export async function revokeApiKey(operatorId: string, keyId: string, at: string): Promise<boolean> {
  try {
    await documentClient().send(
      new UpdateCommand({
        TableName: table(),
        Key: keys.apiKey(keyId),
        UpdateExpression: 'SET revokedAt = :at',
        ConditionExpression: 'attribute_exists(pk) AND operatorId = :op AND attribute_not_exists(revokedAt)',
        ExpressionAttributeValues: { ':at': at, ':op': operatorId },
      }),
    );
    return true;
  } catch (err) {
    if (isConditionFailure(err)) return false;
    throw err;
  }
}

/**
 * The successor is put and the old key's end set in one transaction, conditional on the old key
 * being this operator's, live and not rotated before (AP-61). False when that condition fails.
 */
export async function rotateApiKey(old: ApiKeyRecord, successor: ApiKeyRecord, oldValidUntil: string, now: string): Promise<boolean> {
  const out = await transactWrite([
    { Put: { TableName: table(), Item: apiKeyItem(successor), ConditionExpression: 'attribute_not_exists(pk)' } },
    {
      Update: {
        TableName: table(),
        Key: keys.apiKey(old.keyId),
        UpdateExpression: 'SET validUntil = :until, rotatedTo = :to',
        ConditionExpression: 'operatorId = :op AND attribute_not_exists(revokedAt) AND attribute_not_exists(rotatedTo) AND (attribute_not_exists(validUntil) OR validUntil > :now)',
        ExpressionAttributeValues: { ':until': oldValidUntil, ':to': successor.keyId, ':op': old.operatorId, ':now': now },
      },
    },
  ]);
  if (out.cancelled && out.reasons[1] !== 'ConditionalCheckFailed') throw new Error(`API key rotation cancelled: ${out.reasons.join(', ')}`);
  return !out.cancelled;
}

/**
 * Records a use, unless one was recorded since `staleBefore` (AP-61): a conditional update, so many
 * concurrent requests of one key write once. Keys made before the list index get it here.
 */
export async function touchApiKey(key: ApiKeyRecord, at: string, staleBefore: string): Promise<void> {
  const index = keys.apiKeyByOperator(key.operatorId, key.createdAt, key.keyId);
  try {
    await documentClient().send(
      new UpdateCommand({
        TableName: table(),
        Key: keys.apiKey(key.keyId),
        UpdateExpression: 'SET lastUsedAt = :at, gsi1pk = if_not_exists(gsi1pk, :g1pk), gsi1sk = if_not_exists(gsi1sk, :g1sk)',
        ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(lastUsedAt) OR lastUsedAt < :stale)',
        ExpressionAttributeValues: { ':at': at, ':stale': staleBefore, ':g1pk': index.gsi1pk, ':g1sk': index.gsi1sk },
      }),
    );
  } catch (err) {
    if (!isConditionFailure(err)) throw err;
  }
}

export async function getOperator(operatorId: string): Promise<Operator | undefined> {
  const out = await documentClient().send(new GetCommand({ TableName: table(), Key: keys.operator(operatorId) }));
  return out.Item as Operator | undefined;
}

/** Every operator, oldest first (AP-65; the admin command's list). */
export async function listOperators(): Promise<Operator[]> {
  return queryAll<Operator>({ TableName: table(), IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :pk', ExpressionAttributeValues: { ':pk': keys.operatorList().gsi1pk } });
}

/** Strongly consistent: a removal or demotion holds from the next request on (AP-62). */
export async function getStaffMember(operatorId: string, accountId: string): Promise<StaffMember | undefined> {
  const out = await documentClient().send(new GetCommand({ TableName: table(), Key: keys.staff(operatorId, accountId), ConsistentRead: true }));
  return out.Item as StaffMember | undefined;
}

/** An operator's staff (AP-63). */
export async function listStaffOfOperator(operatorId: string): Promise<StaffMember[]> {
  const k = keys.staffOfOperator(operatorId);
  return queryAll<StaffMember>({
    TableName: table(),
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
    ExpressionAttributeValues: { ':pk': k.pk, ':sk': k.skPrefix },
    ConsistentRead: true,
  });
}

/** The operators an account works for (AP-64; eventually consistent: callers re-read the one they pick with AP-62). */
export async function listStaffOfAccount(accountId: string): Promise<StaffMember[]> {
  return queryAll<StaffMember>({ TableName: table(), IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :pk', ExpressionAttributeValues: { ':pk': keys.staffOfAccount(accountId).gsi1pk } });
}

/** The change a staff write makes to the operator's admin count, and the condition that keeps one admin. */
function adminCountUpdate(operatorId: string, delta: number): TransactItem {
  return {
    Update: {
      TableName: table(),
      Key: keys.operator(operatorId),
      UpdateExpression: 'SET adminCount = if_not_exists(adminCount, :zero) + :delta',
      // Removing an admin needs another one left (AP-66).
      ConditionExpression: delta < 0 ? 'attribute_exists(pk) AND adminCount > :one' : 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':zero': 0, ':delta': delta, ...(delta < 0 ? { ':one': 1 } : {}) },
    },
  };
}

export type StaffWriteOutcome = 'done' | 'last_admin' | 'conflict';

/**
 * Puts, changes or removes a staff member, with the operator's admin count in the same transaction
 * (AP-62, AP-66). `expected` is the member as read (undefined: must not exist yet); the write is
 * conditional on it being unchanged, so a concurrent change is a `conflict`, never a lost update.
 */
export async function writeStaffMember(operatorId: string, accountId: string, expected: StaffMember | undefined, next: StaffMember | undefined): Promise<StaffWriteOutcome> {
  const out = await transactWrite(staffWriteItems(operatorId, accountId, expected, next));
  if (!out.cancelled) return 'done';
  if (out.reasons[0] === 'ConditionalCheckFailed') return 'conflict';
  if (out.reasons[1] === 'ConditionalCheckFailed') return 'last_admin';
  throw new Error(`staff change cancelled: ${out.reasons.join(', ')}`);
}

/**
 * The items of a staff write: the member (conditional on `expected`) and, when the number of admins
 * changes, the operator's admin count (AP-66). Also written inside an invitation's acceptance.
 */
export function staffWriteItems(operatorId: string, accountId: string, expected: StaffMember | undefined, next: StaffMember | undefined): TransactItem[] {
  const delta = (next?.role === 'admin' ? 1 : 0) - (expected?.role === 'admin' ? 1 : 0);
  const guard = expected
    ? { ConditionExpression: '#role = :was', ExpressionAttributeNames: { '#role': 'role' }, ExpressionAttributeValues: { ':was': expected.role } }
    : { ConditionExpression: 'attribute_not_exists(pk)' };
  const write: TransactItem = next
    ? { Put: { TableName: table(), Item: staffItem(next), ...guard } }
    : { Delete: { TableName: table(), Key: keys.staff(operatorId, accountId), ...guard } };
  return [write, ...(delta !== 0 ? [adminCountUpdate(operatorId, delta)] : [])];
}
