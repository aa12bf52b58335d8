// A Query read to the end, page by page (DynamoDB returns at most 1 MB per call).
import { BatchGetCommand, QueryCommand, type QueryCommandInput, type QueryCommandOutput } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../aws/clients';
import { config } from '../config';
import { ValidationFailed } from '../domain/errors';

export async function queryAll<T = Record<string, unknown>>(input: Omit<QueryCommandInput, 'ExclusiveStartKey'>): Promise<T[]> {
  const items: T[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const out = await documentClient().send(new QueryCommand({ ...input, ExclusiveStartKey }));
    items.push(...((out.Items ?? []) as T[]));
    ExclusiveStartKey = out.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
}

/** Key of an item of the one table. */
export interface ItemKey {
  readonly pk: string;
  readonly sk: string;
}

/**
 * Items by key with BatchGetItem: 100 keys a request (DynamoDB's limit), the unprocessed ones asked
 * again. Many items in a few round trips where one GetItem each would cost a request each (a fan-out
 * to a thousand chargers). Found items only, in no particular order; match them by their keys.
 */
export async function batchGetAll<T = Record<string, unknown>>(wanted: readonly ItemKey[], consistent = false): Promise<T[]> {
  const table = config().tableName;
  const unique = [...new Map(wanted.map((k) => [`${k.pk}\n${k.sk}`, { pk: k.pk, sk: k.sk }])).values()];
  const found: T[] = [];
  for (let i = 0; i < unique.length; i += 100) {
    let request: ItemKey[] = unique.slice(i, i + 100);
    while (request.length > 0) {
      const out = await documentClient().send(new BatchGetCommand({ RequestItems: { [table]: { Keys: request, ConsistentRead: consistent } } }));
      found.push(...((out.Responses?.[table] ?? []) as T[]));
      request = (out.UnprocessedKeys?.[table]?.Keys ?? []) as ItemKey[];
    }
  }
  return found;
}

// Page cursors handed to API callers: the base-table LastEvaluatedKey ({pk, sk}) as base64url JSON.
// A cursor comes back from the network, so decoding checks its shape, that it belongs to the
// partition being read and that its sort key lies inside the Query's sort key condition: a tampered
// cursor cannot start a read in someone else's partition, and garbage, a forged sort key or a
// genuine cursor reused with another from/to is a 400 naming the field rather than a 500 (DynamoDB
// refuses an ExclusiveStartKey outside the key condition with a ValidationException; DynamoDB Local
// does not refuse all of them, so the check comes first, and sendQuery below catches the rest). It
// is not signed (no secret to manage); the partition check is what keeps it from reaching data the
// caller may not read.
export function encodeCursor(lastEvaluatedKey: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify({ pk: lastEvaluatedKey.pk, sk: lastEvaluatedKey.sk })).toString('base64url');
}

/** The one answer to a cursor that does not fit its query. */
export function cursorRefused(message = 'is not a cursor this endpoint returned'): ValidationFailed {
  return new ValidationFailed('The cursor is not one this endpoint returned for this query', [{ field: 'query.cursor', message }]);
}

/**
 * A Query's condition on the sort key, described once: the KeyConditionExpression is made from it
 * (sortKeyCondition) and a cursor's sort key is checked against it (inSortKeyRange), so the two
 * cannot disagree. `from` alone is `>=`; `to` alone is `<` (exclusive); both are `BETWEEN` (both
 * inclusive: the callers' sort keys are `{ISO time}#…`, never equal to a bare time, so it reads
 * [from, to) too).
 */
export type SortKeyRange = { readonly beginsWith: string } | { readonly from?: string; readonly to?: string };

export function sortKeyCondition(skName: string, range: SortKeyRange): { expression: string; values: Record<string, string> } {
  if ('beginsWith' in range) return { expression: ` AND begins_with(${skName}, :skPrefix)`, values: { ':skPrefix': range.beginsWith } };
  const { from, to } = range;
  if (from !== undefined && to !== undefined) return { expression: ` AND ${skName} BETWEEN :from AND :to`, values: { ':from': from, ':to': to } };
  if (from !== undefined) return { expression: ` AND ${skName} >= :from`, values: { ':from': from } };
  if (to !== undefined) return { expression: ` AND ${skName} < :to`, values: { ':to': to } };
  return { expression: '', values: {} };
}

/** Whether `sk` satisfies the condition sortKeyCondition makes (DynamoDB compares strings by UTF-8 bytes). */
export function inSortKeyRange(sk: string, range: SortKeyRange): boolean {
  if ('beginsWith' in range) return sk.startsWith(range.beginsWith);
  const b = Buffer.from(sk, 'utf8');
  const cmp = (bound: string) => Buffer.compare(b, Buffer.from(bound, 'utf8'));
  const { from, to } = range;
  if (from !== undefined && cmp(from) < 0) return false;
  if (to !== undefined && (from !== undefined ? cmp(to) > 0 : cmp(to) >= 0)) return false;
  return true;
}

/** A cursor's sort key, refused with the cursor problem unless it lies inside the query's range. */
export function startInRange(sk: string, range: SortKeyRange): string {
  if (inSortKeyRange(sk, range)) return sk;
  throw cursorRefused('beginsWith' in range ? 'is not a cursor this endpoint returned' : 'belongs to another from/to; start again without it');
}

export function decodeCursor(cursor: string, pk: string, range: SortKeyRange = {}): { pk: string; sk: string } {
  let start: unknown;
  try {
    start = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
  } catch {
    // not base64url JSON: fall through to the same answer as a well-formed foreign cursor
  }
  if (start && typeof start === 'object' && !Array.isArray(start)) {
    const { pk: p, sk, ...rest } = start as Record<string, unknown>;
    // DynamoDB refuses a sort key over 1,024 bytes as a 500-worthy ValidationException: a 400 here.
    if (p === pk && typeof sk === 'string' && Buffer.byteLength(sk, 'utf8') <= 1024 && Object.keys(rest).length === 0) return { pk, sk: startInRange(sk, range) };
  }
  throw cursorRefused();
}

/**
 * One Query call. A ValidationException about the ExclusiveStartKey ("The provided starting key does
 * not match the range key predicate", "… is invalid", "Exclusive Start Key must have same size …")
 * can only come from a cursor the caller sent (the keys DynamoDB itself returns always fit): the
 * cursor problem (400), whatever the check before the query missed.
 */
export async function sendQuery(input: QueryCommandInput): Promise<QueryCommandOutput> {
  try {
    return await documentClient().send(new QueryCommand(input));
  } catch (err) {
    const e = err as { name?: string; message?: string };
    if (input.ExclusiveStartKey && e.name === 'ValidationException' && /start(ing)?\s*key/i.test(e.message ?? '')) throw cursorRefused();
    throw err;
  }
}

/**
 * One page of the items of a partition whose sort key starts with a prefix, in sort key order, and
 * the cursor of the next page (null at the end): the operator API's paged lists (drivers, devices).
 */
export async function queryPrefixPage<T>(k: { readonly pk: string; readonly skPrefix: string }, limit: number, cursor?: string): Promise<{ items: T[]; nextCursor: string | null }> {
  const range = { beginsWith: k.skPrefix };
  const condition = sortKeyCondition('sk', range);
  const out = await sendQuery({
    TableName: config().tableName,
    KeyConditionExpression: `pk = :pk${condition.expression}`,
    ExpressionAttributeValues: { ':pk': k.pk, ...condition.values },
    Limit: limit,
    ...(cursor ? { ExclusiveStartKey: decodeCursor(cursor, k.pk, range) } : {}),
  });
  return { items: (out.Items ?? []) as T[], nextCursor: out.LastEvaluatedKey ? encodeCursor(out.LastEvaluatedKey) : null };
}
