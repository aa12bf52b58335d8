// The per-charge-point log: every connect, disconnect, auth failure and frame in and out. One item
// per exchange (a CALL and its answer together), so logging a Heartbeat is exactly one write.
// Items expire after LOG_RETENTION_DAYS (TTL); DynamoDB Local never deletes, so reads filter too.
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { randomBytes } from 'node:crypto';
import { documentClient } from '../aws/clients';
import { config } from '../config';
import { ENTITY, keys } from './keys';
import { decodeCursor, encodeCursor, queryAll } from './query';

export const LOG_CATEGORIES = ['ocpp_state', 'transaction', 'connection', 'security'] as const;
export type LogCategory = (typeof LOG_CATEGORIES)[number];

export type LogKind = 'call_in' | 'call_out' | 'result_in' | 'invalid_frame' | 'connected' | 'disconnected' | 'auth_failure' | 'superseded';

export interface LogEntry {
  readonly identity: string;
  readonly at: string;
  readonly category: LogCategory;
  readonly kind: LogKind;
  readonly action?: string;
  readonly messageId?: string;
  /** Frame received from the charge point, verbatim (truncated past 16 KB). */
  readonly frameIn?: string;
  /** Frame sent to the charge point, verbatim (truncated past 16 KB). */
  readonly frameOut?: string;
  readonly detail?: Record<string, unknown>;
}

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

const MAX_FRAME_CHARS = 16 * 1024;
const clip = (s: string | undefined) => (s === undefined || s.length <= MAX_FRAME_CHARS ? s : `${s.slice(0, MAX_FRAME_CHARS)}…[truncated]`);

export function expiresAtFor(retentionDays: number, from = Date.now()): number {
  return Math.floor(from / 1000) + retentionDays * 86_400;
}

/** The item for one log entry, with any extra index attributes (e.g. the connector-status projection). */
export function logItem(entry: LogEntry, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const suffix = entry.messageId ? `${entry.kind}#${entry.messageId}` : `${entry.kind}#${randomBytes(4).toString('hex')}`;
  return {
    ...keys.logEntry(entry.identity, entry.at, suffix),
    type: ENTITY.logEntry,
    ...entry,
    frameIn: clip(entry.frameIn),
    frameOut: clip(entry.frameOut),
    expiresAt: expiresAtFor(config().logRetentionDays, Date.parse(entry.at)),
    ...extra,
  };
}

export function logPut(entry: LogEntry, extra: Record<string, unknown> = {}): TransactItem {
  return { Put: { TableName: config().tableName, Item: logItem(entry, extra) } };
}

export async function putLogEntry(entry: LogEntry, extra: Record<string, unknown> = {}): Promise<void> {
  await documentClient().send(new PutCommand({ TableName: config().tableName, Item: logItem(entry, extra) }));
}

export interface LogPage {
  readonly entries: LogEntry[];
  readonly nextCursor?: string;
}

/** AP-11: newest first, paged with an opaque cursor; optional category filter; expired items hidden. */
export async function listLog(identity: string, opts: { limit?: number; cursor?: string; category?: LogCategory } = {}): Promise<LogPage> {
  const limit = Math.min(Math.max(opts.limit ?? 50, 1), 200);
  const now = Math.floor(Date.now() / 1000);
  const names: Record<string, string> = { '#e': 'expiresAt' };
  const values: Record<string, unknown> = { ':pk': keys.logOfChargePoint(identity).pk, ':now': now };
  let filter = '(attribute_not_exists(#e) OR #e > :now)';
  if (opts.category) {
    names['#c'] = 'category';
    values[':c'] = opts.category;
    filter += ' AND #c = :c';
  }
  const entries: LogEntry[] = [];
  let start: Record<string, unknown> | undefined = opts.cursor ? decodeCursor(opts.cursor, keys.logOfChargePoint(identity).pk) : undefined;
  // A filter may empty a page: keep reading until the page is full or the partition ends.
  do {
    const out = await documentClient().send(
      new QueryCommand({
        TableName: config().tableName,
        KeyConditionExpression: 'pk = :pk',
        FilterExpression: filter,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ScanIndexForward: false,
        Limit: limit - entries.length,
        ExclusiveStartKey: start,
      }),
    );
    for (const item of out.Items ?? []) entries.push(stripKeys(item));
    start = out.LastEvaluatedKey;
  } while (start && entries.length < limit);
  return { entries, ...(start ? { nextCursor: encodeCursor(start) } : {}) };
}

function stripKeys(item: Record<string, unknown>): LogEntry {
  const { pk: _pk, sk: _sk, gsi2pk: _g, gsi2sk: _s, type: _t, expiresAt: _e, ...rest } = item;
  return rest as unknown as LogEntry;
}

export interface ConnectorStatusEntry {
  readonly evseId?: number;
  readonly connectorId: number;
  readonly status: string;
  readonly errorCode?: string;
  readonly at: string;
}

/** AP-12: the newest StatusNotification of each given connector key (`1`, or `1/1` for 2.0.1). */
export async function latestConnectorStatuses(identity: string, connectorKeys: readonly string[]): Promise<ConnectorStatusEntry[]> {
  const now = Math.floor(Date.now() / 1000);
  const found = await Promise.all(
    connectorKeys.map(async (key) => {
      const out = await documentClient().send(
        new QueryCommand({
          TableName: config().tableName,
          IndexName: 'gsi2',
          KeyConditionExpression: 'gsi2pk = :pk',
          ExpressionAttributeValues: { ':pk': keys.latestConnectorStatus(identity, key).gsi2pk },
          ScanIndexForward: false,
          Limit: 1,
        }),
      );
      const item = out.Items?.[0] as { connectorStatus?: ConnectorStatusEntry; expiresAt?: number } | undefined;
      return item?.connectorStatus && (item.expiresAt === undefined || item.expiresAt > now) ? item.connectorStatus : undefined;
    }),
  );
  return found.filter((x): x is ConnectorStatusEntry => x !== undefined);
}

/** The first log entry for `action` received after `sinceIso` (commissioning's heartbeat check). */
export async function firstEntrySince(identity: string, sinceIso: string, action: string): Promise<LogEntry | undefined> {
  let start: Record<string, unknown> | undefined;
  do {
    const out = await documentClient().send(
      new QueryCommand({
        TableName: config().tableName,
        KeyConditionExpression: 'pk = :pk AND sk > :since',
        FilterExpression: '#a = :action AND #k = :kind',
        ExpressionAttributeNames: { '#a': 'action', '#k': 'kind' },
        ExpressionAttributeValues: { ':pk': keys.logOfChargePoint(identity).pk, ':since': sinceIso, ':action': action, ':kind': 'call_in' },
        ExclusiveStartKey: start,
      }),
    );
    const hit = (out.Items ?? []).find((i) => typeof i.frameOut === 'string' && i.frameOut.startsWith('[3,'));
    if (hit) return stripKeys(hit);
    start = out.LastEvaluatedKey;
  } while (start);
  return undefined;
}

/** AP-28: active 2.0.1 transactions of a charge point with the EVSE they run on and their chargingState. */
export async function activeTransactionStates(identity: string): Promise<Array<{ evseId: number; chargingState?: string }>> {
  const items = await queryAll<{ status?: string; evse?: { id?: number }; chargingState?: string }>({
    TableName: config().tableName,
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :tx)',
    FilterExpression: '#s = :active',
    ExpressionAttributeNames: { '#s': 'status' },
    ExpressionAttributeValues: { ':pk': keys.transactionsOfChargePoint(identity).pk, ':tx': keys.transactionsOfChargePoint(identity).skPrefix, ':active': 'active' },
  });
  return items.filter((t) => typeof t.evse?.id === 'number').map((t) => ({ evseId: t.evse!.id!, ...(t.chargingState ? { chargingState: t.chargingState } : {}) }));
}
