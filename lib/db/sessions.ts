// Charging sessions in the table. A session IS the transaction item (AP-15, `TX#{identity}` /
// `TX#{transactionId}`) grown with who, how, price and energy. Queries by charge point (gsi1), team
// (gsi2) and driver go through small entry items written once, at the start, in the start's
// transaction (AP-48…AP-50), so the session item itself is in no index: each meter reading that
// rewrites it costs its own size and no index copies (issue #13). Remote start intents AP-51; running
// sessions for the lost-charger sweep AP-52.
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../aws/clients';
import { config } from '../config';
import type { SessionCostRecord, SessionItem, StartIntentItem } from '../domain/sessions';
import { ENTITY, keys } from './keys';
import { batchGetAll, cursorRefused, queryAll, sendQuery, sortKeyCondition, startInRange, type SortKeyRange } from './query';

export const ACTIVE_SESSION_SHARDS = 8;

/**
 * A session's id names its item: `ses_` + base64url(`{identity}\n{transactionId}`). So a session is
 * found by id with one GetItem and no lookup item, and the same charger transaction always has the
 * same id (a retried StartTransaction or a replayed TransactionEvent cannot make a second session).
 */
export function sessionIdOf(identity: string, transactionId: string): string {
  return `ses_${Buffer.from(`${identity}\n${transactionId}`, 'utf8').toString('base64url')}`;
}

export function sessionKeyOf(sessionId: string): { identity: string; transactionId: string } | null {
  if (!/^ses_[A-Za-z0-9_-]{4,200}$/.test(sessionId)) return null;
  const [identity, transactionId, ...rest] = Buffer.from(sessionId.slice(4), 'base64url').toString('utf8').split('\n');
  if (!identity || !transactionId || rest.length > 0) return null;
  return { identity, transactionId };
}

/** The shard of a running session's sweep pointer: a stable hash of its id. */
export function activeShardOf(sessionId: string): number {
  let h = 0;
  for (const ch of sessionId) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return h % ACTIVE_SESSION_SHARDS;
}

/** AP-15: one session (strongly consistent: the OCPP handlers read-modify-write it). */
export async function getSessionItem(identity: string, transactionId: string): Promise<SessionItem | undefined> {
  const out = await documentClient().send(new GetCommand({ TableName: config().tableName, Key: keys.transaction(identity, transactionId), ConsistentRead: true }));
  return out.Item as SessionItem | undefined;
}

/**
 * AP-28: a charge point's running sessions (strongly consistent): its running-transaction pointers
 * (one small item per running session, beside its transactions), then those sessions by BatchGet.
 * Not a Query over its transactions filtered to the active ones: that reads every session the
 * charge point ever had (a filter does not reduce what is read), and the power planner asks this
 * for every charger of a site every minute.
 */
export async function activeSessionItems(identity: string): Promise<SessionItem[]> {
  return (await activeSessionItemsOf([identity])).get(identity) ?? [];
}

/** Pointer Queries of many charge points at once (the planner's site, PowerBank's zone). */
const POINTER_QUERIES_IN_FLIGHT = 64;

/**
 * AP-28 for many charge points: their pointers (one Query each, at most 64 at once), then every
 * running session of all of them in one BatchGet (100 keys a request), not one per charge point.
 */
export async function activeSessionItemsOf(identities: readonly string[]): Promise<Map<string, SessionItem[]>> {
  const wanted: Array<{ pk: string; sk: string }> = [];
  let next = 0;
  const worker = async () => {
    while (next < identities.length) {
      const identity = identities[next++]!;
      const k = keys.runningTransactionsOfChargePoint(identity);
      const pointers = await queryAll<{ transactionId: string }>({
        TableName: config().tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :run)',
        ExpressionAttributeValues: { ':pk': k.pk, ':run': k.skPrefix },
        ConsistentRead: true,
      });
      for (const p of pointers) wanted.push(keys.transaction(identity, p.transactionId));
    }
  };
  await Promise.all(Array.from({ length: Math.min(POINTER_QUERIES_IN_FLIGHT, identities.length) }, worker));
  return sessionsByIdentity(identities, wanted);
}

/** The running sessions behind pointers, by BatchGet (strongly consistent), grouped by charge point. */
async function sessionsByIdentity(identities: readonly string[], wanted: ReadonlyArray<{ pk: string; sk: string }>): Promise<Map<string, SessionItem[]>> {
  const byIdentity = new Map<string, SessionItem[]>(identities.map((i) => [i, []]));
  if (!wanted.length) return byIdentity;
  // A pointer outlives its session only if an end did not go through the session helpers: never shown as running.
  for (const s of (await batchGetAll<SessionItem>(wanted, true)).filter((x) => x.status === 'active').sort((a, b) => a.sk.localeCompare(b.sk))) {
    byIdentity.get(s.identity)?.push(s);
  }
  return byIdentity;
}

/**
 * Above this many charge points, `activeSessionItemsOfMany` reads the sweep's shards instead of a
 * pointer Query per charge point.
 */
export const SHARDS_ABOVE = 100;

/**
 * The running sessions of very many charge points (PowerBank's zone, hundreds or thousands): every
 * running session of the platform from the sweep's pointers (AP-52: 8 shard Queries and their pages,
 * strongly consistent), kept for the charge points asked about, then their sessions by BatchGet. A
 * thousand charge points cost some 20 requests instead of a thousand pointer Queries, which is what
 * a grid activation's first seconds are spent on. It reads every running session of the platform
 * (about 150 bytes each: 30,000 running sessions are some 4.5 MB, 600 read units), fine for an
 * activation, not for the planner's every minute, which keeps `activeSessionItemsOf`. Up to
 * SHARDS_ABOVE charge points it is `activeSessionItemsOf`.
 */
export async function activeSessionItemsOfMany(identities: readonly string[]): Promise<Map<string, SessionItem[]>> {
  if (identities.length <= SHARDS_ABOVE) return activeSessionItemsOf(identities);
  const asked = new Set(identities);
  const pointers = (await Promise.all(Array.from({ length: ACTIVE_SESSION_SHARDS }, (_, shard) => listActiveSessionPointers(shard, true)))).flat();
  return sessionsByIdentity(
    identities,
    pointers.filter((p) => asked.has(p.identity)).map((p) => keys.transaction(p.identity, p.transactionId)),
  );
}

/** AP-51: a remote start's intent for a connector, if not expired (DynamoDB Local never expires items). */
export async function getStartIntent(identity: string, connector: number, nowSeconds: number): Promise<StartIntentItem | undefined> {
  const out = await documentClient().send(new GetCommand({ TableName: config().tableName, Key: keys.startIntent(identity, connector), ConsistentRead: true }));
  const item = out.Item as StartIntentItem | undefined;
  return item && item.expiresAt > nowSeconds ? item : undefined;
}

export async function putStartIntent(item: Omit<StartIntentItem, 'pk' | 'sk' | 'type'>): Promise<void> {
  await documentClient().send(
    new PutCommand({ TableName: config().tableName, Item: { ...keys.startIntent(item.identity, item.connector), type: ENTITY.startIntent, ...item } }),
  );
}

export interface SessionPageQuery {
  readonly limit: number;
  readonly cursor?: string;
  /** ISO times: sessions started at or after `from`, before `to`. */
  readonly from?: string;
  readonly to?: string;
}

export interface SessionPage {
  readonly items: SessionItem[];
  readonly nextCursor?: string;
}

// Cursors carry the last sort key, and for an index page whether the last item was a list entry
// (its base-table key is LIST#, a session written before entries existed is its own entry, TX#); the
// partition comes from the request, so a cursor cannot open another partition (same reasoning as
// db/query.ts cursors).
const MAX_CURSOR_SK = 300;
interface Cursor {
  readonly sk: string;
  readonly entry?: true;
}
function encode(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}
function decode(cursor: string): Cursor {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (v && typeof v === 'object' && typeof (v as { sk?: unknown }).sk === 'string') {
      const { sk, entry, ...rest } = v as { sk: string; entry?: unknown };
      // A sort key this endpoint returns is `{startedAt}#{sessionId}`, well under MAX_CURSOR_SK: a
      // longer one is not ours (and past 1,024 bytes DynamoDB would refuse it as a key: a 500, not a 400).
      if (Object.keys(rest).length === 0 && (entry === undefined || entry === true) && sk.length <= MAX_CURSOR_SK) return { sk, ...(entry ? { entry: true as const } : {}) };
    }
  } catch {
    // fall through
  }
  throw cursorRefused();
}

async function pageOf(index: 'gsi1' | 'gsi2' | null, pkName: string, skName: string, pk: string, q: SessionPageQuery): Promise<SessionPage> {
  // The sort keys are `{startedAt}#{sessionId}`: a date range is a key range. `to` is exclusive; '#'
  // sorts below every digit, so `{to}` is above every session started before it and below those at it.
  const range: SortKeyRange = { from: q.from, to: q.to };
  const condition = sortKeyCondition(skName, range);
  // A genuine cursor reused with another from/to starts outside the key condition: a 400 (query.ts).
  const start = q.cursor ? decode(q.cursor) : undefined;
  if (start) startInRange(start.sk, range);
  const out = await sendQuery({
    TableName: config().tableName,
    ...(index ? { IndexName: index } : {}),
    KeyConditionExpression: `${pkName} = :pk${condition.expression}`,
    ExpressionAttributeValues: { ':pk': pk, ...condition.values },
    ScanIndexForward: false,
    Limit: q.limit,
    ...(start !== undefined
      ? { ExclusiveStartKey: index ? { [pkName]: pk, [skName]: start.sk, ...baseKeyOfIndexed(start) } : { pk, sk: start.sk } }
      : {}),
  });
  const found = (out.Items ?? []) as Record<string, unknown>[];
  const last = out.LastEvaluatedKey;
  const lastSk = last?.[skName];
  const nextCursor =
    typeof lastSk === 'string' && found.length === q.limit ? encode({ sk: lastSk, ...(index && String(last?.sk).startsWith(SESSION_LIST_ENTRY_PREFIX) ? { entry: true as const } : {}) }) : undefined;
  return { items: await sessionsOfEntries(found), ...(nextCursor ? { nextCursor } : {}) };
}

const SESSION_LIST_ENTRY_PREFIX = keys.sessionListEntry('', '').sk;

/**
 * The sessions a page of list items names, in the page's order: an entry (or a driver's pointer)
 * names its session by `sessionPk` / `sessionSk`, read with one BatchGet; a session written before
 * entries existed carries the index keys itself and is its own entry.
 */
async function sessionsOfEntries(found: readonly Record<string, unknown>[]): Promise<SessionItem[]> {
  const keyOf = (it: Record<string, unknown>) => (typeof it.sessionPk === 'string' ? { pk: it.sessionPk, sk: String(it.sessionSk) } : { pk: String(it.pk), sk: String(it.sk) });
  const wanted = found.filter((it) => typeof it.sessionPk === 'string').map(keyOf);
  const read = new Map((wanted.length ? await batchGetAll<SessionItem>(wanted) : []).map((it) => [`${it.pk}\n${it.sk}`, it]));
  return found
    .map((it) => (typeof it.sessionPk === 'string' ? read.get(`${keyOf(it).pk}\n${keyOf(it).sk}`) : (it as unknown as SessionItem)))
    .filter((x): x is SessionItem => !!x);
}

// A GSI's ExclusiveStartKey needs the base-table key of the item too; the sort key names the
// session, whose base keys (its entry's, or its own for a session from before entries) follow from
// its id, so the cursor stays small.
function baseKeyOfIndexed(c: Cursor): Record<string, string> {
  const k = sessionKeyOf(c.sk.slice(c.sk.lastIndexOf('#') + 1));
  if (!k) throw cursorRefused();
  return c.entry ? { ...keys.sessionListEntry(k.identity, k.transactionId) } : { ...keys.transaction(k.identity, k.transactionId) };
}

/** AP-48: a charge point's sessions, newest first. */
export async function listSessionsOfChargePoint(chargePointId: string, q: SessionPageQuery): Promise<SessionPage> {
  return pageOf('gsi1', 'gsi1pk', 'gsi1sk', keys.sessionsOfChargePoint(chargePointId).gsi1pk, q);
}

/** AP-49: a team's sessions, newest first. */
export async function listSessionsOfTeam(teamId: string, q: SessionPageQuery): Promise<SessionPage> {
  return pageOf('gsi2', 'gsi2pk', 'gsi2sk', keys.sessionsOfTeam(teamId).gsi2pk, q);
}

/** AP-50: a driver's sessions, newest first: a page of pointers, then one BatchGet of the sessions. */
export async function listSessionsOfDriver(operatorId: string, userId: string, q: SessionPageQuery): Promise<SessionPage> {
  return pageOf(null, 'pk', 'sk', keys.sessionsOfDriver(operatorId, userId).pk, q);
}

/** AP-52: the running sessions of one sweep shard. */
export async function listActiveSessionPointers(shard: number, consistent = false): Promise<Array<{ sessionId: string; identity: string; transactionId: string; chargePointId: string }>> {
  return queryAll({
    TableName: config().tableName,
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': keys.activeSessionsOfShard(shard).pk },
    ...(consistent ? { ConsistentRead: true } : {}),
  });
}

export type { SessionCostRecord };
