// A Query read to the end, page by page (DynamoDB returns at most 1 MB per call).
import { BatchGetCommand, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
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
// A cursor comes back from the network, so decoding checks its shape and that it belongs to the
// partition being read: a tampered cursor cannot start a read in someone else's partition, and
// garbage is a 400 naming the field rather than a 500. It is not signed (no secret to manage); the
// partition check is what keeps it from reaching data the caller may not read.
export function encodeCursor(lastEvaluatedKey: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify({ pk: lastEvaluatedKey.pk, sk: lastEvaluatedKey.sk })).toString('base64url');
}

export function decodeCursor(cursor: string, pk: string): { pk: string; sk: string } {
  try {
    const start = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (start && typeof start === 'object' && !Array.isArray(start)) {
      const { pk: p, sk, ...rest } = start as Record<string, unknown>;
      // DynamoDB refuses a sort key over 1,024 bytes as a 500-worthy ValidationException: a 400 here.
      if (p === pk && typeof sk === 'string' && Buffer.byteLength(sk, 'utf8') <= 1024 && Object.keys(rest).length === 0) return { pk, sk };
    }
  } catch {
    // not base64url JSON: fall through to the same answer as a well-formed foreign cursor
  }
  throw new ValidationFailed('The cursor is not one this endpoint returned', [{ field: 'query.cursor', message: 'is not a cursor this endpoint returned' }]);
}

/**
 * One page of the items of a partition whose sort key starts with a prefix, in sort key order, and
 * the cursor of the next page (null at the end): the operator API's paged lists (drivers, devices).
 */
export async function queryPrefixPage<T>(k: { readonly pk: string; readonly skPrefix: string }, limit: number, cursor?: string): Promise<{ items: T[]; nextCursor: string | null }> {
  const out = await documentClient().send(
    new QueryCommand({
      TableName: config().tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
      ExpressionAttributeValues: { ':pk': k.pk, ':p': k.skPrefix },
      Limit: limit,
      ...(cursor ? { ExclusiveStartKey: decodeCursor(cursor, k.pk) } : {}),
    }),
  );
  return { items: (out.Items ?? []) as T[], nextCursor: out.LastEvaluatedKey ? encodeCursor(out.LastEvaluatedKey) : null };
}
