// Refused $connect attempts, kept so an installer can be told why a charger will not connect
// (issue #14). Bounded by construction, so a scanner cannot fill the table:
// - a known charge point has at most one item per cause (ATTEMPT_CAUSES, a closed set): the last
//   attempt and a count, overwritten in place (AP-36);
// - an identity nobody holds gets one item per (UTC day, identity as received) (AP-37); how many
//   are written per source and per day is capped by the caller (lib/ocpp/refusals.ts);
// - every stored string is clipped (clip), every item expires 24 h after its last attempt.
// DynamoDB Local never deletes expired items, so readers filter on expiresAt.
import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../aws/clients';
import { config } from '../config';
import { ENTITY, keys } from './keys';

export const ATTEMPT_CAUSES = ['wrong_password', 'no_subprotocol', 'wrong_subprotocol', 'identity_mismatch', 'insecure_scheme'] as const;
export type AttemptCause = (typeof ATTEMPT_CAUSES)[number];

/** Why a password check failed (cause `wrong_password`). */
export type CredentialProblem = 'missing_credentials' | 'username_mismatch' | 'wrong_password' | 'previous_expired';

/** How long a refused attempt is kept after the last one like it. */
export const ATTEMPT_TTL_SECONDS = 24 * 3600;
/** Longest stored identity or path as received (a valid identity is at most 48 characters). */
export const MAX_RECEIVED_CHARS = 100;
const MAX_SUBPROTOCOLS = 5;
const MAX_SUBPROTOCOL_CHARS = 32;
const MAX_SOURCE_CHARS = 64;

/** What the charger sent, clipped. */
export interface OfferedConnection {
  /** The identity as it reached the authorizer (trailing slashes and extra path segments included). */
  readonly identity?: string;
  readonly subprotocols?: readonly string[];
  /** The Basic auth username, only when it did not name the identity. */
  readonly username?: string;
  /** `http` when the charger used ws:// (seen in CloudFront-Forwarded-Proto / X-Forwarded-Proto). */
  readonly scheme?: string;
}

export interface ConnectionAttempt {
  /** The identity (canonical) of the charge point the attempt is about. */
  readonly identity: string;
  readonly cause: AttemptCause;
  /** The last attempt. */
  readonly at: string;
  readonly firstAt: string;
  /** Attempts recorded since firstAt (recording is throttled, so it is a lower bound). */
  readonly count: number;
  readonly sourceIp?: string;
  readonly offered: OfferedConnection;
  readonly credentialProblem?: CredentialProblem;
}

export interface UnknownIdentityAttempt {
  /** The identity as received (case kept, clipped). */
  readonly received: string;
  readonly at: string;
  readonly firstAt: string;
  readonly count: number;
  readonly sourceIp?: string;
  readonly subprotocols?: readonly string[];
}

export function clip(text: string, max = MAX_RECEIVED_CHARS): string {
  return text.length <= max ? text : text.slice(0, max);
}

function clipOffered(o: OfferedConnection): OfferedConnection {
  return {
    ...(o.identity !== undefined ? { identity: clip(o.identity) } : {}),
    ...(o.subprotocols ? { subprotocols: o.subprotocols.slice(0, MAX_SUBPROTOCOLS).map((p) => clip(p, MAX_SUBPROTOCOL_CHARS)) } : {}),
    ...(o.username !== undefined ? { username: clip(o.username) } : {}),
    ...(o.scheme !== undefined ? { scheme: clip(o.scheme, 8) } : {}),
  };
}

const DAY_SECONDS = 86_400;
const dayStartOf = (ms: number) => Math.floor(ms / 1000 / DAY_SECONDS) * DAY_SECONDS;
const expiresAtFor = (at: string) => Math.floor(Date.parse(at) / 1000) + ATTEMPT_TTL_SECONDS;

/** Records a refused attempt of a known charge point: one UpdateItem on its (identity, cause) item. */
export async function recordConnectionAttempt(a: {
  identity: string;
  cause: AttemptCause;
  at: string;
  sourceIp?: string;
  offered: OfferedConnection;
  credentialProblem?: CredentialProblem;
}): Promise<void> {
  const values: Record<string, unknown> = {
    ':at': a.at,
    ':offered': clipOffered(a.offered),
    ':exp': expiresAtFor(a.at),
    ':type': ENTITY.connectionAttempt,
    ':identity': a.identity,
    ':cause': a.cause,
    ':one': 1,
  };
  const sets = ['#at = :at', 'offered = :offered', 'expiresAt = :exp', '#t = :type', '#identity = :identity', 'cause = :cause', 'firstAt = if_not_exists(firstAt, :at)'];
  const removes: string[] = [];
  if (a.sourceIp) {
    sets.push('sourceIp = :ip');
    values[':ip'] = clip(a.sourceIp, MAX_SOURCE_CHARS);
  } else removes.push('sourceIp');
  if (a.credentialProblem) {
    sets.push('credentialProblem = :problem');
    values[':problem'] = a.credentialProblem;
  } else removes.push('credentialProblem');
  await documentClient().send(
    new UpdateCommand({
      TableName: config().tableName,
      Key: keys.connectionAttempt(a.identity, a.cause),
      UpdateExpression: `SET ${sets.join(', ')} ADD #count :one${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
      ExpressionAttributeNames: { '#at': 'at', '#t': 'type', '#count': 'count', '#identity': 'identity' },
      ExpressionAttributeValues: values,
    }),
  );
}

/** Records a refused attempt for an identity nobody holds, in today's bucket (one UpdateItem). */
export async function recordUnknownIdentityAttempt(a: { received: string; at: string; sourceIp?: string; subprotocols?: readonly string[] }): Promise<void> {
  const received = clip(a.received);
  // Keyed by the canonical (upper-case) form so case variants share one item; `received` keeps the last spelling.
  const key = keys.unknownConnectionAttempt(dayStartOf(Date.parse(a.at)), received.replace(/[a-z]+/g, (l) => l.toUpperCase()));
  await documentClient().send(
    new UpdateCommand({
      TableName: config().tableName,
      Key: key,
      UpdateExpression: `SET received = :received, #at = :at, expiresAt = :exp, #t = :type, firstAt = if_not_exists(firstAt, :at), subprotocols = :protocols${a.sourceIp ? ', sourceIp = :ip' : ''} ADD #count :one`,
      ExpressionAttributeNames: { '#at': 'at', '#t': 'type', '#count': 'count' },
      ExpressionAttributeValues: {
        ':received': received,
        ':at': a.at,
        ':exp': expiresAtFor(a.at),
        ':type': ENTITY.unknownConnectionAttempt,
        ':protocols': (a.subprotocols ?? []).slice(0, MAX_SUBPROTOCOLS).map((p) => clip(p, MAX_SUBPROTOCOL_CHARS)),
        ':one': 1,
        ...(a.sourceIp ? { ':ip': clip(a.sourceIp, MAX_SOURCE_CHARS) } : {}),
      },
    }),
  );
}

/** AP-36: a charge point's refused attempts (≤ one per cause) still within their TTL. */
export async function listConnectionAttempts(identity: string, nowMs = Date.now()): Promise<ConnectionAttempt[]> {
  const k = keys.connectionAttemptsOfChargePoint(identity);
  const out = await documentClient().send(
    new QueryCommand({
      TableName: config().tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': k.pk, ':prefix': k.skPrefix },
    }),
  );
  const now = Math.floor(nowMs / 1000);
  return ((out.Items ?? []) as Array<ConnectionAttempt & { expiresAt: number }>)
    .filter((i) => i.expiresAt > now)
    .map((i) => ({
      identity: i.identity,
      cause: i.cause,
      at: i.at,
      firstAt: i.firstAt,
      count: i.count,
      offered: i.offered ?? {},
      ...(i.sourceIp ? { sourceIp: i.sourceIp } : {}),
      ...(i.credentialProblem ? { credentialProblem: i.credentialProblem } : {}),
    }));
}

/** At most this many items are read per day bucket in one lookup (the bucket itself is capped by the writers). */
const MAX_ITEMS_PER_BUCKET_READ = 500;

/**
 * AP-37: unknown-identity attempts after `sinceIso` (at most the last 24 h) whose received identity
 * is between `minLength` and `maxLength` characters long: one Query per UTC day bucket touched (≤ 2).
 */
export async function listUnknownIdentityAttempts(minLength: number, maxLength: number, sinceIso: string, nowMs = Date.now()): Promise<UnknownIdentityAttempt[]> {
  const sinceMs = Math.max(Date.parse(sinceIso) || 0, nowMs - ATTEMPT_TTL_SECONDS * 1000);
  const now = Math.floor(nowMs / 1000);
  const found: UnknownIdentityAttempt[] = [];
  for (let day = dayStartOf(sinceMs); day <= dayStartOf(nowMs); day += DAY_SECONDS) {
    const k = keys.unknownAttemptsOfLength(day, minLength, Math.min(maxLength, MAX_RECEIVED_CHARS));
    const out = await documentClient().send(
      new QueryCommand({
        TableName: config().tableName,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': k.pk, ':from': k.skFrom, ':to': k.skTo },
        Limit: MAX_ITEMS_PER_BUCKET_READ,
      }),
    );
    for (const i of (out.Items ?? []) as Array<UnknownIdentityAttempt & { expiresAt: number }>) {
      if (i.expiresAt <= now || i.at <= sinceIso) continue;
      found.push({ received: i.received, at: i.at, firstAt: i.firstAt, count: i.count, ...(i.sourceIp ? { sourceIp: i.sourceIp } : {}), ...(i.subprotocols ? { subprotocols: i.subprotocols } : {}) });
    }
  }
  return found;
}
