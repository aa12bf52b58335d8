// The per-charge-point log: every connect, disconnect, auth failure and frame in and out. One item
// per exchange (a CALL and its answer together), so logging a Heartbeat is exactly one write.
// Items expire after LOG_RETENTION_DAYS (TTL); DynamoDB Local never deletes, so reads filter too.
import { PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { randomBytes } from 'node:crypto';
import { documentClient } from '../aws/clients';
import { config } from '../config';
import { log } from '../log';
import { redactFrame } from '../ocpp/secrets';
import { ENTITY, keys } from './keys';
import { guideCategory } from '../domain/log-categories';
import { decodeCursor, encodeCursor, queryAll, sendQuery, sortKeyCondition, type SortKeyRange } from './query';
import { activeSessionItems } from './sessions';

/** `audit`: changes people made (through a public job link, the operator API), with who made them. */
export const LOG_CATEGORIES = ['ocpp_state', 'transaction', 'connection', 'security', 'audit'] as const;
export type LogCategory = (typeof LOG_CATEGORIES)[number];

export type LogKind =
  | 'call_in'
  | 'call_out'
  | 'result_in'
  | 'invalid_frame'
  /** How many invalid frames one connection sent in one window (see logInvalidFrame). */
  | 'invalid_frames'
  | 'connected'
  | 'disconnected'
  | 'auth_failure'
  | 'superseded'
  /** A change someone made to the charge point (serial, connector position, password, note), `detail.by` says who. */
  | 'change'
  /** A remote action (start, stop, unlock, reboot) and its outcome, with who asked (domain/remote-actions.ts). */
  | 'remote_action'
  /** The charge point was opened to drivers, with who did it (domain/jobs.ts). */
  | 'activated'
  /** The operator released a serial held by mistake (domain/charge-points.ts releaseSerial). */
  | 'serial_released';

export interface LogEntry {
  readonly identity: string;
  readonly at: string;
  readonly category: LogCategory;
  readonly kind: LogKind;
  readonly action?: string;
  readonly messageId?: string;
  /** Frame received from the charge point, verbatim but for secrets (lib/ocpp/secrets.ts), truncated past 16 KB. */
  readonly frameIn?: string;
  /** Frame sent to the charge point, verbatim but for secrets (lib/ocpp/secrets.ts), truncated past 16 KB. */
  readonly frameOut?: string;
  readonly detail?: Record<string, unknown>;
  /** On an `invalid_frames` item: the invalid frames counted so far in its window. */
  readonly invalidFrames?: number;
}

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

const MAX_FRAME_CHARS = 16 * 1024;
const clip = (s: string | undefined, max = MAX_FRAME_CHARS) => (s === undefined || s.length <= max ? s : `${s.slice(0, max)}…[truncated]`);

/**
 * A frame as it may be stored: secrets redacted first (a clipped frame could no longer be parsed
 * to find them), then clipped. Every frame the log keeps passes through here, whichever direction.
 */
export function storableFrame(frame: string | undefined, action: string | undefined, max = MAX_FRAME_CHARS): string | undefined {
  return frame === undefined ? undefined : clip(redactFrame(frame, action), max);
}

export function expiresAtFor(retentionDays: number, from = Date.now()): number {
  return Math.floor(from / 1000) + retentionDays * 86_400;
}

/**
 * The item for one log entry, with any extra index attributes (e.g. the connector-status projection).
 * Its key is its time, kind and message id; `variant` tells apart a second entry of the same frame
 * kind and message id that may land in the same millisecond (a charger's duplicate answer, logged
 * `late`, must not overwrite the answer that counted).
 */
export function logItem(entry: LogEntry, extra: Record<string, unknown> = {}, variant?: string): Record<string, unknown> {
  const base = entry.messageId ? `${entry.kind}#${entry.messageId}` : `${entry.kind}#${randomBytes(4).toString('hex')}`;
  const suffix = variant ? `${base}#${variant}` : base;
  return {
    ...keys.logEntry(entry.identity, entry.at, suffix),
    type: ENTITY.logEntry,
    ...entry,
    // The guide's category (Authorize is authentication, whichever handler wrote it), so what is stored is what is shown.
    category: guideCategory(entry),
    frameIn: storableFrame(entry.frameIn, entry.action),
    frameOut: storableFrame(entry.frameOut, entry.action),
    expiresAt: expiresAtFor(config().logRetentionDays, Date.parse(entry.at)),
    ...extra,
  };
}

export function logPut(entry: LogEntry, extra: Record<string, unknown> = {}): TransactItem {
  return { Put: { TableName: config().tableName, Item: logItem(entry, extra) } };
}

export async function putLogEntry(entry: LogEntry, extra: Record<string, unknown> = {}, variant?: string): Promise<void> {
  await documentClient().send(new PutCommand({ TableName: config().tableName, Item: logItem(entry, extra, variant) }));
}

/**
 * How invalid frames are logged, per connection. A charger that sends garbage (or a fuzzer) used to
 * get one log item of up to 16 KB per frame, so it could run up the table's writes and storage at
 * will. Now, per connection and per clock window, one counter item counts every invalid frame
 * (one small UpdateItem, no read), and only the first `inFull` of them are also logged as an item,
 * clipped to `maxChars`: enough to diagnose a charger (the same mistake repeats), bounded per hour
 * whatever the charger does. A new connection starts a new count, which costs a charger a
 * reconnect (a $connect with Basic auth) per `inFull` items: reconnect storms are bounded by API
 * Gateway's connection rate, not by us. Fixed windows, not sliding: the counter key is derived
 * from the time alone, so no read is needed to find it.
 */
export const INVALID_FRAME_LOGGING = { inFull: 10, windowSeconds: 3600, maxChars: 1024 } as const;

/** An invalid frame (or a CALL refused for its content): counted always, logged in full only up to the window's budget. */
export async function logInvalidFrame(entry: LogEntry, connectionId: string): Promise<void> {
  const { inFull, windowSeconds, maxChars } = INVALID_FRAME_LOGGING;
  const atMs = Date.parse(entry.at);
  const windowStart = new Date(Math.floor(atMs / 1000 / windowSeconds) * windowSeconds * 1000).toISOString();
  const out = await documentClient().send(
    new UpdateCommand({
      TableName: config().tableName,
      Key: keys.logEntry(entry.identity, windowStart, `invalid_frames#${connectionId}`),
      UpdateExpression: 'SET #type = :type, #identity = :identity, #at = :at, #category = :category, #kind = :kind, #detail = :detail, #exp = :exp ADD #n :one',
      ExpressionAttributeNames: {
        '#type': 'type',
        '#identity': 'identity',
        '#at': 'at',
        '#category': 'category',
        '#kind': 'kind',
        '#detail': 'detail',
        '#exp': 'expiresAt',
        '#n': 'invalidFrames',
      },
      ExpressionAttributeValues: {
        ':type': ENTITY.logEntry,
        ':identity': entry.identity,
        ':at': windowStart,
        ':category': entry.category,
        ':kind': 'invalid_frames',
        ':detail': { connectionId, windowSeconds, loggedInFull: inFull, lastReason: entry.detail?.reason ?? entry.detail?.error ?? null, lastAt: entry.at },
        ':exp': expiresAtFor(config().logRetentionDays, Date.parse(windowStart)),
        ':one': 1,
      },
      ReturnValues: 'UPDATED_NEW',
    }),
  );
  const count = Number(out.Attributes?.invalidFrames ?? 0);
  if (count > inFull) return;
  // Beside, never over, a valid frame of the same kind and message id in the same millisecond (an unmatched duplicate answer).
  const item = logItem(entry, {}, 'invalid');
  await documentClient().send(
    new PutCommand({
      TableName: config().tableName,
      Item: { ...item, frameIn: storableFrame(entry.frameIn, entry.action, maxChars), frameOut: storableFrame(entry.frameOut, entry.action, maxChars) },
    }),
  );
}

export interface LogPage {
  readonly entries: LogEntry[];
  readonly nextCursor?: string;
}

/**
 * How many log items one read may examine (AP-11). Filters are evaluated in code (see listLog), so
 * a filter that matches little could otherwise walk a whole partition in one request: past this,
 * the page ends early with a cursor that resumes where the read stopped.
 */
export const LOG_READ_BUDGET = 1000;

export interface LogRead {
  readonly limit?: number;
  readonly cursor?: string;
  /** Inclusive lower bound (ISO time): a key condition, not a filter. */
  readonly from?: string;
  /** Exclusive upper bound (ISO time): a key condition, not a filter. */
  readonly to?: string;
  /** Oldest first (the export); default newest first. */
  readonly oldestFirst?: boolean;
  /** Shorthand for a `match` on the guide's category (lib/domain/log-categories.ts guideCategory). */
  readonly category?: LogCategory;
  /** Which entries belong on the page; evaluated in code on entries as readers see them. */
  readonly match?: (entry: LogEntry) => boolean;
  /** Items examined at most. @default LOG_READ_BUDGET */
  readonly budget?: number;
}

/**
 * AP-11: a charge point's log, newest first (or oldest first), paged with an opaque cursor.
 *
 * The time range is the key condition (`sk` starts with the entry's ISO time, so `sk BETWEEN from
 * AND to` is exactly [from, to)); every other filter is a predicate evaluated here, on at most
 * `budget` items per call. Why in code rather than a FilterExpression: a FilterExpression saves no
 * read capacity (items are read, then dropped), DynamoDB's `contains` is case-sensitive (the free
 * text search is not), and the category shown is the glossary's, which for entries written before
 * it may differ from the stored attribute. The cost of a request is bounded by the budget either
 * way; a page may hold fewer than `limit` entries and still carry a cursor (keep reading).
 * Expired items (TTL; DynamoDB Local never deletes) are hidden.
 */
export async function listLog(identity: string, opts: LogRead = {}): Promise<LogPage> {
  const limit = Math.min(Math.max(opts.limit ?? 50, 1), 200);
  const budget = Math.max(opts.budget ?? LOG_READ_BUDGET, limit);
  const pk = keys.logOfChargePoint(identity).pk;
  const now = Math.floor(Date.now() / 1000);
  const match = (e: LogEntry) => (opts.category === undefined || e.category === opts.category) && (opts.match?.(e) ?? true);
  const filtered = opts.category !== undefined || opts.match !== undefined;

  const range: SortKeyRange = { from: opts.from, to: opts.to };
  const condition = sortKeyCondition('sk', range);
  const values: Record<string, unknown> = { ':pk': pk, ...condition.values };

  // A cursor from another time range would start the read outside the key condition: a 400 (query.ts).
  let start: { pk: string; sk: string } | undefined = opts.cursor ? decodeCursor(opts.cursor, pk, range) : undefined;
  const entries: LogEntry[] = [];
  let examined = 0;
  let resumeAt: { pk: string; sk: string } | undefined;
  while (entries.length < limit && examined < budget) {
    const out = await sendQuery({
      TableName: config().tableName,
      KeyConditionExpression: `pk = :pk${condition.expression}`,
      ExpressionAttributeValues: values,
      ScanIndexForward: opts.oldestFirst === true,
      // Unfiltered, read exactly what the page needs; filtered, read ahead in pages of 200.
      Limit: Math.min(budget - examined, filtered ? 200 : limit - entries.length),
      ExclusiveStartKey: start,
    });
    const items = out.Items ?? [];
    resumeAt = undefined;
    for (const [i, item] of items.entries()) {
      examined += 1;
      const expired = typeof item.expiresAt === 'number' && item.expiresAt <= now;
      if (!expired) {
        const entry = stripKeys(item);
        if (match(entry)) entries.push(entry);
      }
      // Stop mid-page when the page is full: the next one resumes after this item, not after the DynamoDB page.
      if (entries.length >= limit && (i < items.length - 1 || out.LastEvaluatedKey)) {
        resumeAt = { pk, sk: String(item.sk) };
        break;
      }
    }
    if (resumeAt || !out.LastEvaluatedKey) break;
    start = out.LastEvaluatedKey as { pk: string; sk: string };
    resumeAt = start;
  }
  return { entries, ...(resumeAt ? { nextCursor: encodeCursor(resumeAt) } : {}) };
}

/** A stored item as readers see it: no keys, and the guide's category (lib/domain/log-glossary.ts). */
function stripKeys(item: Record<string, unknown>): LogEntry {
  const { pk: _pk, sk: _sk, gsi2pk: _g, gsi2sk: _s, type: _t, expiresAt: _e, ...rest } = item;
  const entry = rest as unknown as LogEntry;
  return { ...entry, category: guideCategory(entry) };
}

export interface ConnectorStatusEntry {
  readonly evseId?: number;
  readonly connectorId: number;
  readonly status: string;
  readonly errorCode?: string;
  readonly at: string;
}

/**
 * A charger reporting more connectors than this is broken or hostile; the rest are not read. A
 * registration allows at most 16 and 1.6 connector ids are sequential ("no numbers may be skipped",
 * 1.6 §3.8), so 64 leaves room without letting one charger cost unbounded reads.
 */
export const MAX_CONNECTOR_STATUSES = 64;

/**
 * AP-12: the newest StatusNotification of every connector the charge point ever reported, including
 * 1.6 connector 0 and 2.0.1 EVSE 0, ordered by evseId and connectorId.
 *
 * Why this shape: the connectors are learned from what the charger reports, not from the count
 * typed at registration, and a StatusNotification must stay one write with no read. So the log
 * item carries `gsi2pk = STATUS#{identity}`, `gsi2sk = {connector}#{at}` and this reads the index
 * as a skip scan: newest entry of the highest connector (Limit 1, descending), then the newest
 * entry below that connector's prefix, and so on: one small query per connector plus one, never
 * the whole status history. A "connector seen" item would cost a second write (or a read to learn
 * that the connector is new) on every StatusNotification.
 */
export async function latestConnectorStatuses(identity: string): Promise<ConnectorStatusEntry[]> {
  const now = Math.floor(Date.now() / 1000);
  const found: ConnectorStatusEntry[] = [];
  let below: string | undefined;
  for (let i = 0; i <= MAX_CONNECTOR_STATUSES; i += 1) {
    const out = await documentClient().send(
      new QueryCommand({
        TableName: config().tableName,
        IndexName: 'gsi2',
        KeyConditionExpression: below === undefined ? 'gsi2pk = :pk' : 'gsi2pk = :pk AND gsi2sk < :below',
        ExpressionAttributeValues: { ':pk': keys.connectorStatusesOfChargePoint(identity).gsi2pk, ...(below === undefined ? {} : { ':below': below }) },
        ScanIndexForward: false,
        Limit: 1,
      }),
    );
    const item = out.Items?.[0] as { gsi2sk?: string; connectorStatus?: ConnectorStatusEntry; expiresAt?: number } | undefined;
    if (typeof item?.gsi2sk !== 'string') return found.sort(byConnector);
    if (i === MAX_CONNECTOR_STATUSES) break;
    // An expired newest entry means the connector has not reported within the retention period.
    if (item.connectorStatus && (item.expiresAt === undefined || item.expiresAt > now)) found.push(item.connectorStatus);
    below = keys.connectorStatusesBelow(item.gsi2sk);
  }
  log.warn('more connector statuses than read', { identity, read: MAX_CONNECTOR_STATUSES });
  return found.sort(byConnector);
}

/** AP-12 for one known connector (`1`, or `1/1` on 2.0.1): its newest status, one Query of one item. */
export async function latestStatusOfConnector(identity: string, connector: string): Promise<ConnectorStatusEntry | undefined> {
  const k = keys.connectorStatusesOfConnector(identity, connector);
  const out = await documentClient().send(
    new QueryCommand({
      TableName: config().tableName,
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :pk AND begins_with(gsi2sk, :prefix)',
      ExpressionAttributeValues: { ':pk': k.gsi2pk, ':prefix': k.gsi2skPrefix },
      ScanIndexForward: false,
      Limit: 1,
    }),
  );
  const item = out.Items?.[0] as { connectorStatus?: ConnectorStatusEntry; expiresAt?: number } | undefined;
  // An expired newest entry: the connector has not reported within the retention period (as AP-12).
  return item?.connectorStatus && (item.expiresAt === undefined || item.expiresAt > Math.floor(Date.now() / 1000)) ? item.connectorStatus : undefined;
}

function byConnector(a: ConnectorStatusEntry, b: ConnectorStatusEntry): number {
  return (a.evseId ?? 0) - (b.evseId ?? 0) || a.connectorId - b.connectorId;
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
  return (await activeTransactions(identity))
    .filter((t) => t.evseId !== undefined)
    .map((t) => ({ evseId: t.evseId!, ...(t.chargingState ? { chargingState: t.chargingState } : {}) }));
}

/** A transaction still running as far as we know (no StopTransaction / TransactionEvent Ended yet). */
export interface ActiveTransaction {
  /** 1.6: the integer we assigned, as a string; 2.0.1: the station's id. */
  readonly transactionId: string;
  /** 1.6 connectorId. */
  readonly connectorId?: number;
  /** 2.0.1 EVSE id. */
  readonly evseId?: number;
  readonly chargingState?: string;
  readonly startedAt?: string;
}

/** AP-28: a charge point's active transactions (the stop remote action needs the id: domain/remote-actions.ts). */
export async function activeTransactions(identity: string): Promise<ActiveTransaction[]> {
  return (await activeSessionItems(identity))
    .filter((t) => typeof t.transactionId === 'string')
    .map((t) => ({
      transactionId: t.transactionId,
      ...(typeof t.connectorId === 'number' ? { connectorId: t.connectorId } : {}),
      ...(typeof t.evse?.id === 'number' ? { evseId: t.evse.id } : {}),
      ...(t.chargingState ? { chargingState: t.chargingState } : {}),
      ...(t.startedAt ? { startedAt: t.startedAt } : {}),
    }));
}

/**
 * AP-34: the calls we sent to a charge point after `sinceIso` for some actions, with the frame sent
 * (the Pending gate reads which messages the CSMS asked for; ocpp/pending-gate.ts). A key range on
 * the log partition; only read while a charge point is Pending and sends something not a boot.
 */
export async function callsOutSince(identity: string, sinceIso: string, actions: readonly string[]): Promise<LogEntry[]> {
  const names = Object.fromEntries(actions.map((a, i) => [`:a${i}`, a]));
  const items = await queryAll<Record<string, unknown>>({
    TableName: config().tableName,
    KeyConditionExpression: 'pk = :pk AND sk > :since',
    FilterExpression: `#k = :kind AND #a IN (${Object.keys(names).join(', ')})`,
    ExpressionAttributeNames: { '#a': 'action', '#k': 'kind' },
    ExpressionAttributeValues: { ':pk': keys.logOfChargePoint(identity).pk, ':since': sinceIso, ':kind': 'call_out', ...names },
    ConsistentRead: true,
  });
  return items.map(stripKeys);
}
