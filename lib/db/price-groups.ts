// Price groups of an operator, the defaults that point at them (a team's, a charge point's) and the
// charge point's free-vend flag: what decides who pays and how much.
// ACCESS_PATTERNS.md AP-41, AP-42, AP-45.
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../aws/clients';
import { config } from '../config';
import type { PriceGroup } from '../domain/pricing';
import { ENTITY, keys } from './keys';
import { queryAll } from './query';
import { patchExpression } from './update-expression';

export interface PriceGroupRecord extends PriceGroup {
  readonly createdAt: string;
  readonly updatedAt: string;
}

const conditionFailed = (err: unknown) => (err as { name?: string }).name === 'ConditionalCheckFailedException';

/** AP-41: a new group (conditional on its id being new). */
export async function putPriceGroup(group: PriceGroupRecord): Promise<void> {
  await documentClient().send(
    new PutCommand({
      TableName: config().tableName,
      Item: { ...keys.priceGroup(group.operatorId, group.priceGroupId), type: ENTITY.priceGroup, ...group },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
}

/** AP-41 */
export async function getPriceGroup(operatorId: string, priceGroupId: string): Promise<PriceGroupRecord | undefined> {
  const out = await documentClient().send(new GetCommand({ TableName: config().tableName, Key: keys.priceGroup(operatorId, priceGroupId) }));
  return out.Item as PriceGroupRecord | undefined;
}

/** AP-41: replaces the given fields (undefined ones are left alone, null removes an optional fee); undefined when absent. */
export async function updatePriceGroup(
  operatorId: string,
  priceGroupId: string,
  set: Record<string, unknown>,
  remove: readonly string[],
  at: string,
): Promise<PriceGroupRecord | undefined> {
  try {
    const out = await documentClient().send(
      new UpdateCommand({
        TableName: config().tableName,
        Key: keys.priceGroup(operatorId, priceGroupId),
        ConditionExpression: 'attribute_exists(pk)',
        ReturnValues: 'ALL_NEW',
        ...patchExpression(set, remove, at),
      }),
    );
    return out.Attributes as PriceGroupRecord;
  } catch (err) {
    if (conditionFailed(err)) return undefined;
    throw err;
  }
}

/** AP-42: an operator's price groups. */
export async function listPriceGroups(operatorId: string): Promise<PriceGroupRecord[]> {
  const k = keys.priceGroupsOfOperator(operatorId);
  return queryAll<PriceGroupRecord>({
    TableName: config().tableName,
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
    ExpressionAttributeValues: { ':pk': k.pk, ':p': k.skPrefix },
  });
}

/**
 * AP-45 (on AP-03 / AP-08 items): sets or clears (null) the default price group of a team or a
 * charge point, conditional on the item existing and belonging to the operator. False when it does not.
 */
export async function setDefaultPriceGroup(
  target: { kind: 'team'; operatorId: string; teamId: string } | { kind: 'charge_point'; operatorId: string; chargePointId: string },
  priceGroupId: string | null,
): Promise<boolean> {
  const Key = target.kind === 'team' ? keys.team(target.operatorId, target.teamId) : keys.chargePoint(target.chargePointId);
  try {
    await documentClient().send(
      new UpdateCommand({
        TableName: config().tableName,
        Key,
        UpdateExpression: priceGroupId === null ? 'REMOVE priceGroupId' : 'SET priceGroupId = :g',
        ConditionExpression: 'attribute_exists(pk) AND operatorId = :op',
        ExpressionAttributeValues: { ':op': target.operatorId, ...(priceGroupId === null ? {} : { ':g': priceGroupId }) },
      }),
    );
    return true;
  } catch (err) {
    if (conditionFailed(err)) return false;
    throw err;
  }
}

/** AP-08: the charge point's free-vend flag (every token accepted, domain/authorization.ts). */
export async function setFreeVend(operatorId: string, chargePointId: string, freeVend: boolean, at: string): Promise<boolean> {
  try {
    await documentClient().send(
      new UpdateCommand({
        TableName: config().tableName,
        Key: keys.chargePoint(chargePointId),
        UpdateExpression: 'SET freeVend = :f, updatedAt = :at',
        ConditionExpression: 'attribute_exists(pk) AND operatorId = :op',
        ExpressionAttributeValues: { ':op': operatorId, ':f': freeVend, ':at': at },
      }),
    );
    return true;
  } catch (err) {
    if (conditionFailed(err)) return false;
    throw err;
  }
}
