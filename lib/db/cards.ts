// Charge cards of a location (issue #17 §2, docs/site-devices.md): the cards themselves are id
// tokens (db/drivers.ts) with a team index; the learning window of a charger and the state of its
// local authorisation list live in the charger's partition. ACCESS_PATTERNS.md AP-90–AP-94.
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../aws/clients';
import { config } from '../config';
import type { IdTokenRecord, IdTokenType } from './drivers';
import { ENTITY, keys } from './keys';
import { queryAll } from './query';
import { patchExpression } from './update-expression';

const conditionFailed = (err: unknown) => (err as { name?: string }).name === 'ConditionalCheckFailedException';

// ---- cards ----------------------------------------------------------------------------------------

/** The gsi2 attributes that make an id token a card of a team (putIdToken's `index`). */
export const cardIndex = (t: Pick<IdTokenRecord, 'operatorId' | 'createdAt' | 'canonical'>, teamId: string) => keys.cardByTeam(t.operatorId, teamId, t.createdAt, t.canonical);

/** AP-91: a team's cards, oldest first. */
export async function listCardsOfTeam(operatorId: string, teamId: string): Promise<IdTokenRecord[]> {
  return queryAll<IdTokenRecord>({
    TableName: config().tableName,
    IndexName: 'gsi2',
    KeyConditionExpression: 'gsi2pk = :pk',
    ExpressionAttributeValues: { ':pk': keys.cardsOfTeam(operatorId, teamId).gsi2pk },
  });
}

/** AP-92: rename, block or unblock a card of this team; undefined when the token is not one. */
export async function updateCard(operatorId: string, teamId: string, canonical: string, set: Record<string, unknown>, at: string): Promise<IdTokenRecord | undefined> {
  const expr = patchExpression(set, [], at);
  try {
    const out = await documentClient().send(
      new UpdateCommand({
        TableName: config().tableName,
        Key: keys.idToken(operatorId, canonical),
        ConditionExpression: 'gsi2pk = :team',
        ReturnValues: 'ALL_NEW',
        ...expr,
        ExpressionAttributeValues: { ...expr.ExpressionAttributeValues, ':team': keys.cardsOfTeam(operatorId, teamId).gsi2pk },
      }),
    );
    return out.Attributes as IdTokenRecord;
  } catch (err) {
    if (conditionFailed(err)) return undefined;
    throw err;
  }
}

/** AP-92: remove a card of this team (the token item itself); undefined when the token is not one. */
export async function deleteCard(operatorId: string, teamId: string, canonical: string): Promise<IdTokenRecord | undefined> {
  try {
    const out = await documentClient().send(
      new DeleteCommand({
        TableName: config().tableName,
        Key: keys.idToken(operatorId, canonical),
        ConditionExpression: 'gsi2pk = :team',
        ExpressionAttributeValues: { ':team': keys.cardsOfTeam(operatorId, teamId).gsi2pk },
        ReturnValues: 'ALL_OLD',
      }),
    );
    return out.Attributes as IdTokenRecord | undefined;
  } catch (err) {
    if (conditionFailed(err)) return undefined;
    throw err;
  }
}

// ---- learning windows -----------------------------------------------------------------------------

/** A window's length in seconds (contract: 30–600, default 120, shown as a countdown). */
export const LEARNING_DEFAULT_SECONDS = 120;
export const LEARNING_MIN_SECONDS = 30;
export const LEARNING_MAX_SECONDS = 600;

export type CaptureSource = 'Authorize' | 'StartTransaction' | 'TransactionEvent';

export interface Capture {
  readonly captureId: string;
  readonly idToken: string;
  readonly canonical: string;
  readonly tokenType?: IdTokenType | string;
  readonly at: string;
  readonly source: CaptureSource;
  readonly connectorId?: number;
  readonly evseId?: number;
  /** The token is a card of this location already. */
  readonly known: boolean;
  /** The token belongs to another driver of the operator (not this location's): it cannot be added here. */
  readonly elsewhere?: boolean;
}

export interface LearningWindow {
  readonly chargePointId: string;
  readonly operatorId: string;
  readonly teamId: string;
  readonly siteId: string;
  readonly openedAt: string;
  readonly openedBy: string;
  /** ISO end of the window. */
  readonly until: string;
  /** By canonical token value: a token presented twice is captured once. */
  readonly captures: Readonly<Record<string, Capture>>;
}

/** How long a window's captures stay readable after it ends (the installer names them meanwhile). */
export const CAPTURES_KEPT_SECONDS = 3600;

/** AP-93: open (or reopen, captures cleared) a charger's window. */
export async function putLearningWindow(w: LearningWindow): Promise<void> {
  await documentClient().send(
    new PutCommand({
      TableName: config().tableName,
      Item: { ...keys.cardLearning(w.chargePointId), type: ENTITY.cardLearning, ...w, expiresAt: Math.floor(Date.parse(w.until) / 1000) + CAPTURES_KEPT_SECONDS },
    }),
  );
}

/**
 * AP-93: the charger's window. Strongly consistent: it is read on every token presentation by the
 * OCPP handler, which on AWS runs in another container than the API that opened it (card-learning.ts).
 * An item past its TTL is treated as absent (DynamoDB Local never deletes expired items).
 */
export async function getLearningWindow(chargePointId: string): Promise<LearningWindow | undefined> {
  const out = await documentClient().send(new GetCommand({ TableName: config().tableName, Key: keys.cardLearning(chargePointId), ConsistentRead: true }));
  const item = out.Item as (LearningWindow & { expiresAt?: number }) | undefined;
  if (!item || (item.expiresAt !== undefined && item.expiresAt <= Math.floor(Date.now() / 1000))) return undefined;
  return item;
}

/** AP-93: end a window now (its captures stay readable). False when there is none. */
export async function endLearningWindow(chargePointId: string, at: string): Promise<boolean> {
  try {
    await documentClient().send(
      new UpdateCommand({
        TableName: config().tableName,
        Key: keys.cardLearning(chargePointId),
        UpdateExpression: 'SET #u = :at',
        ConditionExpression: 'attribute_exists(pk) AND #u > :at',
        ExpressionAttributeNames: { '#u': 'until' },
        ExpressionAttributeValues: { ':at': at },
      }),
    );
    return true;
  } catch (err) {
    if (conditionFailed(err)) return false;
    throw err;
  }
}

/** AP-93: record a capture once per token (a replayed message does not capture twice). */
export async function recordCapture(chargePointId: string, capture: Capture): Promise<void> {
  try {
    await documentClient().send(
      new UpdateCommand({
        TableName: config().tableName,
        Key: keys.cardLearning(chargePointId),
        UpdateExpression: 'SET captures.#c = if_not_exists(captures.#c, :cap)',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#c': capture.canonical },
        ExpressionAttributeValues: { ':cap': capture },
      }),
    );
  } catch (err) {
    if (!conditionFailed(err)) throw err;
  }
}


// ---- local authorisation lists --------------------------------------------------------------------

/** One entry as the charger holds it (what we last sent and it accepted). */
export interface LocalListEntry {
  readonly idToken: string;
  readonly tokenType: string;
  readonly validUntil?: string;
}

export interface LocalListState {
  readonly chargePointId: string;
  /** null: not checked yet (or the check failed). */
  readonly supported: boolean | null;
  /** Why the list is not used (`GetLocalListVersion = -1`, `LocalAuthListEnabled = false`, …). */
  readonly unsupportedReason?: string;
  /** The version we last set on the charger. */
  readonly version: number;
  readonly maxEntries?: number;
  readonly itemsPerMessage?: number;
  /** By canonical value: what the charger holds after our last accepted message. */
  readonly entries: Readonly<Record<string, LocalListEntry>>;
  readonly inSync: boolean;
  readonly lastError?: string | null;
  readonly syncedAt?: string;
  /** Canonical values of cards that did not fit the charger's maximum list length (served online only). */
  readonly notFitted?: readonly string[];
  readonly updatedAt: string;
  /** Read only: a sync holds the lock now. */
  readonly syncing?: boolean;
}

/** AP-94: the state of a charger's local list (strongly consistent: the sync reads what it wrote). */
export async function getLocalListState(chargePointId: string): Promise<LocalListState | undefined> {
  const out = await documentClient().send(new GetCommand({ TableName: config().tableName, Key: keys.localList(chargePointId), ConsistentRead: true }));
  const item = out.Item as (LocalListState & { syncLockUntil?: number }) | undefined;
  // An item holding only a lock (the first sync has not saved yet) is no state.
  if (!item || item.version === undefined) return undefined;
  return { ...item, syncing: item.syncLockUntil !== undefined && item.syncLockUntil >= Math.floor(Date.now() / 1000) };
}

/** AP-94: whether a sync holds the charger's lock now. */
export async function localListSyncing(chargePointId: string): Promise<boolean> {
  const out = await documentClient().send(new GetCommand({ TableName: config().tableName, Key: keys.localList(chargePointId), ConsistentRead: true, ProjectionExpression: 'syncLockUntil' }));
  const until = out.Item?.syncLockUntil as number | undefined;
  return until !== undefined && until >= Math.floor(Date.now() / 1000);
}

const STATE_FIELDS = ['supported', 'unsupportedReason', 'version', 'maxEntries', 'itemsPerMessage', 'entries', 'inSync', 'lastError', 'syncedAt', 'notFitted'] as const;

/** AP-94: write the state after a sync step (the lock attributes are left as they are). */
export async function saveLocalListState(s: LocalListState): Promise<void> {
  const set: Record<string, unknown> = { chargePointId: s.chargePointId, type: ENTITY.localList };
  const remove: string[] = [];
  for (const f of STATE_FIELDS) {
    if (s[f] === undefined) remove.push(f);
    else set[f] = s[f];
  }
  await documentClient().send(new UpdateCommand({ TableName: config().tableName, Key: keys.localList(s.chargePointId), ...patchExpression(set, remove, s.updatedAt) }));
}

/**
 * AP-94: one sync per charger at a time (the versions must go up one by one). Claim: set a lock
 * unless a live one is held; a caller that finds it held marks the state `dirty` so the holder
 * syncs once more before releasing. Returns whether this caller holds the lock.
 */
export async function claimLocalListSync(chargePointId: string, lockId: string, nowSec: number, holdSeconds: number): Promise<boolean> {
  const claim = async () => {
    try {
      await documentClient().send(
        new UpdateCommand({
          TableName: config().tableName,
          Key: keys.localList(chargePointId),
          UpdateExpression: 'SET syncLock = :lock, syncLockUntil = :until, dirty = :f, #t = :type',
          ConditionExpression: 'attribute_not_exists(syncLockUntil) OR syncLockUntil < :now',
          ExpressionAttributeNames: { '#t': 'type' },
          ExpressionAttributeValues: { ':lock': lockId, ':until': nowSec + holdSeconds, ':f': false, ':now': nowSec, ':type': ENTITY.localList },
        }),
      );
      return true;
    } catch (err) {
      if (conditionFailed(err)) return false;
      throw err;
    }
  };
  if (await claim()) return true;
  await documentClient().send(
    new UpdateCommand({
      TableName: config().tableName,
      Key: keys.localList(chargePointId),
      UpdateExpression: 'SET dirty = :t',
      ExpressionAttributeValues: { ':t': true },
    }),
  );
  // The holder may have released between the failed claim and `dirty`: then nobody would see the
  // flag, so claim once more (it succeeds exactly when the lock is free now).
  return claim();
}

/** AP-94: release the lock; true when another sync was asked for meanwhile (the holder runs again). */
export async function releaseLocalListSync(chargePointId: string, lockId: string): Promise<boolean> {
  try {
    const out = await documentClient().send(
      new UpdateCommand({
        TableName: config().tableName,
        Key: keys.localList(chargePointId),
        UpdateExpression: 'REMOVE syncLock, syncLockUntil, dirty',
        ConditionExpression: 'syncLock = :lock',
        ExpressionAttributeValues: { ':lock': lockId },
        ReturnValues: 'ALL_OLD',
      }),
    );
    return out.Attributes?.dirty === true;
  } catch (err) {
    if (conditionFailed(err)) return false;
    throw err;
  }
}

/** AP-96: flag (or clear) a charger whose local list a sync could not reach; its boot handler reads it. */
export async function setLocalListPending(chargePointId: string, pending: boolean): Promise<void> {
  try {
    await documentClient().send(
      new UpdateCommand({
        TableName: config().tableName,
        Key: keys.chargePoint(chargePointId),
        UpdateExpression: pending ? 'SET localListPending = :t' : 'REMOVE localListPending',
        ConditionExpression: 'attribute_exists(pk)',
        ...(pending ? { ExpressionAttributeValues: { ':t': true } } : {}),
      }),
    );
  } catch (err) {
    if (!conditionFailed(err)) throw err;
  }
}
