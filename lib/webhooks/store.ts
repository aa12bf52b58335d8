// Webhook subscriptions and deliveries in the single table (AP-20 … AP-24 in lib/db/ACCESS_PATTERNS.md).
// Database errors other than a failed condition propagate; a failed condition is an answer
// (undefined / 'exists') the caller turns into a domain outcome.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../aws/clients';
import { config } from '../config';
import { ENTITY, keys } from '../db/keys';
import { decodeCursor, encodeCursor, sendQuery, sortKeyCondition } from '../db/query';
import type { DeliveryAttempt, DeliveryStatus, WebhookDelivery, WebhookSubscription } from './model';

const KEY_ATTRIBUTES = ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'type'] as const;

function strip<T>(item: Record<string, unknown> | undefined): T | undefined {
  if (!item) return undefined;
  const copy = { ...item };
  for (const k of KEY_ATTRIBUTES) delete copy[k];
  return copy as T;
}

async function conditional<T>(run: () => Promise<T>): Promise<T | undefined> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof ConditionalCheckFailedException) return undefined;
    throw err;
  }
}

/** SET/REMOVE expression from a patch: `undefined` values are removed, the rest set. */
function updateExpression(set: Record<string, unknown>, remove: readonly string[] = []) {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const sets: string[] = [];
  const removes: string[] = [];
  Object.entries(set).forEach(([k, v], i) => {
    names[`#s${i}`] = k;
    if (v === undefined) removes.push(`#s${i}`);
    else {
      values[`:s${i}`] = v;
      sets.push(`#s${i} = :s${i}`);
    }
  });
  remove.forEach((k, i) => {
    names[`#r${i}`] = k;
    removes.push(`#r${i}`);
  });
  const expr = [sets.length ? `SET ${sets.join(', ')}` : '', removes.length ? `REMOVE ${removes.join(', ')}` : ''].filter(Boolean).join(' ');
  return { expr, names, values };
}

// ---- subscriptions ----------------------------------------------------------------------------

/** AP-20 (write): a new subscription; the id is fresh, the condition only guards against a collision. */
export async function putSubscription(s: WebhookSubscription): Promise<void> {
  await documentClient().send(
    new PutCommand({
      TableName: config().tableName,
      Item: { ...keys.webhookSubscription(s.operatorId, s.subscriptionId), type: ENTITY.webhookSubscription, ...s },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
}

/** AP-20: one subscription of one operator (strongly consistent: it was maybe just changed). */
export async function getSubscription(operatorId: string, subscriptionId: string): Promise<WebhookSubscription | undefined> {
  const out = await documentClient().send(
    new GetCommand({ TableName: config().tableName, Key: keys.webhookSubscription(operatorId, subscriptionId), ConsistentRead: true }),
  );
  return strip<WebhookSubscription>(out.Item);
}

/** AP-21: all subscriptions of an operator (bounded by MAX_SUBSCRIPTIONS_PER_OPERATOR). */
export async function listSubscriptions(operatorId: string): Promise<WebhookSubscription[]> {
  const k = keys.webhooksOfOperator(operatorId);
  const items: WebhookSubscription[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const out = await documentClient().send(
      new QueryCommand({
        TableName: config().tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': k.pk, ':prefix': k.skPrefix },
        ConsistentRead: true,
        ExclusiveStartKey,
      }),
    );
    for (const item of out.Items ?? []) items.push(strip<WebhookSubscription>(item)!);
    ExclusiveStartKey = out.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
}

/**
 * Patch an existing subscription; undefined when it does not exist or `condition` fails.
 * `condition` may use `#status` (the status attribute) and its own `:values`.
 */
export async function patchSubscription(
  operatorId: string,
  subscriptionId: string,
  set: Record<string, unknown>,
  opts: { remove?: readonly string[]; condition?: string; values?: Record<string, unknown> } = {},
): Promise<WebhookSubscription | undefined> {
  const u = updateExpression(set, opts.remove);
  return conditional(async () => {
    const out = await documentClient().send(
      new UpdateCommand({
        TableName: config().tableName,
        Key: keys.webhookSubscription(operatorId, subscriptionId),
        UpdateExpression: u.expr,
        ConditionExpression: `attribute_exists(pk)${opts.condition ? ` AND (${opts.condition})` : ''}`,
        ExpressionAttributeNames: { ...u.names, ...(opts.condition?.includes('#status') ? { '#status': 'status' } : {}) },
        ExpressionAttributeValues: Object.keys({ ...u.values, ...opts.values }).length ? { ...u.values, ...opts.values } : undefined,
        ReturnValues: 'ALL_NEW',
      }),
    );
    return strip<WebhookSubscription>(out.Attributes)!;
  });
}

/** Delete a subscription; false when there was none. Its deliveries expire by TTL. */
export async function deleteSubscription(operatorId: string, subscriptionId: string): Promise<boolean> {
  const out = await documentClient().send(
    new DeleteCommand({ TableName: config().tableName, Key: keys.webhookSubscription(operatorId, subscriptionId), ReturnValues: 'ALL_OLD' }),
  );
  return !!out.Attributes;
}

// ---- deliveries -------------------------------------------------------------------------------

export interface DueKeys {
  readonly shard: number;
}

function dueAttributes(shard: number, nextAttemptAt: string, subscriptionId: string, deliveryId: string) {
  return keys.webhookDue(shard, nextAttemptAt, subscriptionId, deliveryId);
}

/** AP-22 (write): record a delivery once per (subscription, event); 'exists' when it already was. */
export async function createDelivery(d: WebhookDelivery, due: DueKeys | undefined): Promise<'created' | 'exists'> {
  const created = await conditional(() =>
    documentClient().send(
      new PutCommand({
        TableName: config().tableName,
        Item: {
          ...keys.webhookDelivery(d.subscriptionId, d.deliveryId),
          ...(due && d.nextAttemptAt ? dueAttributes(due.shard, d.nextAttemptAt, d.subscriptionId, d.deliveryId) : {}),
          type: ENTITY.webhookDelivery,
          ...d,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    ),
  );
  return created ? 'created' : 'exists';
}

/** AP-22: one delivery (strongly consistent). */
export async function getDelivery(subscriptionId: string, deliveryId: string): Promise<WebhookDelivery | undefined> {
  const out = await documentClient().send(
    new GetCommand({ TableName: config().tableName, Key: keys.webhookDelivery(subscriptionId, deliveryId), ConsistentRead: true }),
  );
  return strip<WebhookDelivery>(out.Item);
}

export interface DeliveryPage {
  readonly deliveries: WebhookDelivery[];
  readonly nextCursor?: string;
}

/** AP-23: a subscription's deliveries, newest event first, paged, optionally by status; expired ones hidden. */
export async function listDeliveries(
  subscriptionId: string,
  opts: { limit: number; cursor?: string; status?: DeliveryStatus },
): Promise<DeliveryPage> {
  const k = keys.webhookDeliveriesOfSubscription(subscriptionId);
  const names: Record<string, string> = { '#e': 'expiresAt' };
  const range = { beginsWith: k.skPrefix };
  const condition = sortKeyCondition('sk', range);
  const values: Record<string, unknown> = { ':pk': k.pk, ...condition.values, ':now': Math.floor(Date.now() / 1000) };
  let filter = '#e > :now';
  if (opts.status) {
    names['#st'] = 'status';
    values[':st'] = opts.status;
    filter += ' AND #st = :st';
  }
  const deliveries: WebhookDelivery[] = [];
  let start: Record<string, unknown> | undefined = opts.cursor ? decodeCursor(opts.cursor, k.pk, range) : undefined;
  // A filter may empty a page: keep reading until the page is full or the partition ends.
  do {
    const out = await sendQuery({
      TableName: config().tableName,
      KeyConditionExpression: `pk = :pk${condition.expression}`,
      FilterExpression: filter,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      ScanIndexForward: false,
      Limit: opts.limit - deliveries.length,
      ExclusiveStartKey: start,
    });
    for (const item of out.Items ?? []) deliveries.push(strip<WebhookDelivery>(item)!);
    start = out.LastEvaluatedKey;
  } while (start && deliveries.length < opts.limit);
  return { deliveries, ...(start ? { nextCursor: encodeCursor(start) } : {}) };
}

/** AP-24: deliveries of one due shard whose next attempt is due by `nowIso`, oldest first. */
export async function queryDueDeliveries(shard: number, nowIso: string, limit: number): Promise<WebhookDelivery[]> {
  const out = await documentClient().send(
    new QueryCommand({
      TableName: config().tableName,
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :pk AND gsi2sk <= :bound',
      // `{nextAttemptAt}#…` ≤ `{now}#\uffff` exactly when nextAttemptAt ≤ now (ISO strings sort by time).
      ExpressionAttributeValues: { ':pk': keys.webhookDueShard(shard).gsi2pk, ':bound': `${nowIso}#\uffff` },
      Limit: limit,
    }),
  );
  return (out.Items ?? []).map((i) => strip<WebhookDelivery>(i)!);
}

/**
 * Claim a due delivery for one attempt: only if it is still pending and still due at the time the
 * (eventually consistent) index showed. The claim moves `nextAttemptAt` to `leaseUntil`, so a claim
 * whose holder dies becomes due again by itself.
 */
export async function claimDueDelivery(
  d: Pick<WebhookDelivery, 'subscriptionId' | 'deliveryId'>,
  expectedNextAttemptAt: string,
  lease: { leaseId: string; leaseUntil: string; shard: number },
): Promise<WebhookDelivery | undefined> {
  return conditional(async () => {
    const out = await documentClient().send(
      new UpdateCommand({
        TableName: config().tableName,
        Key: keys.webhookDelivery(d.subscriptionId, d.deliveryId),
        UpdateExpression: 'SET leaseId = :lease, nextAttemptAt = :until, gsi2pk = :gpk, gsi2sk = :gsk',
        ConditionExpression: '#st = :pending AND nextAttemptAt = :expected',
        ExpressionAttributeNames: { '#st': 'status' },
        ExpressionAttributeValues: {
          ':lease': lease.leaseId,
          ':until': lease.leaseUntil,
          ':pending': 'pending',
          ':expected': expectedNextAttemptAt,
          ...prefixed(dueAttributes(lease.shard, lease.leaseUntil, d.subscriptionId, d.deliveryId)),
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return strip<WebhookDelivery>(out.Attributes)!;
  });
}

/**
 * Claim any delivery for a redelivery: a new cycle of the retry schedule. Refused (undefined) while
 * another attempt holds an unexpired claim, or when the delivery does not exist.
 */
export async function claimForRedelivery(
  d: Pick<WebhookDelivery, 'subscriptionId' | 'deliveryId'>,
  lease: { leaseId: string; leaseUntil: string; shard: number; nowIso: string },
): Promise<WebhookDelivery | undefined> {
  return conditional(async () => {
    const out = await documentClient().send(
      new UpdateCommand({
        TableName: config().tableName,
        Key: keys.webhookDelivery(d.subscriptionId, d.deliveryId),
        UpdateExpression: 'SET leaseId = :lease, nextAttemptAt = :until, gsi2pk = :gpk, gsi2sk = :gsk, #st = :pending, cycleAttempts = :zero REMOVE completedAt',
        ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(leaseId) OR nextAttemptAt <= :now)',
        ExpressionAttributeNames: { '#st': 'status' },
        ExpressionAttributeValues: {
          ':lease': lease.leaseId,
          ':until': lease.leaseUntil,
          ':pending': 'pending',
          ':zero': 0,
          ':now': lease.nowIso,
          ...prefixed(dueAttributes(lease.shard, lease.leaseUntil, d.subscriptionId, d.deliveryId)),
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return strip<WebhookDelivery>(out.Attributes)!;
  });
}

export type AttemptResult =
  | { readonly status: 'pending'; readonly nextAttemptAt: string; readonly shard: number }
  | { readonly status: Exclude<DeliveryStatus, 'pending'> };

/**
 * Record the outcome of a claimed delivery: the attempt (if one was made) is appended and the claim
 * released. Undefined when the claim was lost (it lapsed and someone else claimed the delivery):
 * their outcome is the one that counts.
 */
export async function recordAttempt(
  d: Pick<WebhookDelivery, 'subscriptionId' | 'deliveryId'>,
  leaseId: string,
  attempt: DeliveryAttempt | undefined,
  result: AttemptResult,
  now: Date,
  expiresAt: number,
): Promise<WebhookDelivery | undefined> {
  const sets = ['#st = :st', 'updatedAt = :now', 'expiresAt = :exp'];
  const removes = ['leaseId'];
  const values: Record<string, unknown> = { ':st': result.status, ':now': now.toISOString(), ':exp': expiresAt, ':lease': leaseId };
  if (attempt) {
    sets.push('attempts = list_append(attempts, :a)', 'attemptCount = attemptCount + :one', 'cycleAttempts = cycleAttempts + :one');
    values[':a'] = [attempt];
    values[':one'] = 1;
  }
  if (result.status === 'pending') {
    sets.push('nextAttemptAt = :next', 'gsi2pk = :gpk', 'gsi2sk = :gsk');
    values[':next'] = result.nextAttemptAt;
    Object.assign(values, prefixed(dueAttributes(result.shard, result.nextAttemptAt, d.subscriptionId, d.deliveryId)));
  } else {
    sets.push('completedAt = :now');
    removes.push('nextAttemptAt', 'gsi2pk', 'gsi2sk');
  }
  return conditional(async () => {
    const out = await documentClient().send(
      new UpdateCommand({
        TableName: config().tableName,
        Key: keys.webhookDelivery(d.subscriptionId, d.deliveryId),
        UpdateExpression: `SET ${sets.join(', ')} REMOVE ${removes.join(', ')}`,
        ConditionExpression: 'leaseId = :lease',
        ExpressionAttributeNames: { '#st': 'status' },
        ExpressionAttributeValues: values,
        ReturnValues: 'ALL_NEW',
      }),
    );
    return strip<WebhookDelivery>(out.Attributes)!;
  });
}

function prefixed(due: { gsi2pk: string; gsi2sk: string }) {
  return { ':gpk': due.gsi2pk, ':gsk': due.gsi2sk };
}
