// Operator API keys (issue #16): create (the key is shown once), list, revoke, rotate with an overlap,
// and the check every operator request makes. Keys are `cpk_<keyId>_<secret>`; only a hash of the
// secret is stored (lib/domain/api-keys.ts).
import { getApiKey, listApiKeysOfOperator, putApiKey, revokeApiKey as revokeApiKeyItem, rotateApiKey as rotateApiKeyItems, touchApiKey, type ApiKeyRecord } from '../db/operators';
import { nowIso } from '../ids';
import { log } from '../log';
import { ACTIONS, ROLE_ACTIONS } from './access';
import { issueApiKey, parseApiKey, secretMatches } from './api-keys';
import { Conflict, NotFound, ValidationFailed } from './errors';

/** lastUsedAt is written at most once per key in this many seconds (AP-61). */
export const LAST_USED_RESOLUTION_SECONDS = 60;
export const DEFAULT_ROTATION_OVERLAP_SECONDS = 24 * 3600;
export const MAX_ROTATION_OVERLAP_SECONDS = 7 * 24 * 3600;

export type ApiKeyState = 'active' | 'expired' | 'revoked';

export interface CreatedApiKey {
  readonly record: ApiKeyRecord;
  /** The full key: shown once, never stored. */
  readonly apiKey: string;
}

const GRANTABLE: readonly string[] = ROLE_ACTIONS.api_key_full;

/**
 * The scopes a key may be given: `['full']` alone, or `read_only` and/or operator actions. Staff
 * and API key management are never a key's (lib/domain/access.ts: a leaked key must not be able to
 * mint another or lock the admins out), so naming them is a 400 like an unknown scope.
 */
export function validateScopes(scopes: readonly string[]): string[] {
  const unique = [...new Set(scopes)];
  const fail = (message: string): never => {
    throw new ValidationFailed(`Invalid scopes: ${message}`, [{ field: 'scopes', message }]);
  };
  if (unique.length === 0) fail('must name at least one scope: full, read_only or operator actions');
  if (unique.includes('full') && unique.length > 1) fail('`full` already holds every scope a key may have; send it alone');
  for (const scope of unique) {
    if (scope === 'full' || scope === 'read_only' || GRANTABLE.includes(scope)) continue;
    if ((ACTIONS as readonly string[]).includes(scope)) fail(`\`${scope}\` cannot be given to an API key (only operator admins manage staff and API keys, and only operator actions are a key's)`);
    fail(`\`${scope}\` is not a scope; use full, read_only or operator actions such as ${GRANTABLE.slice(0, 3).join(', ')}`);
  }
  return unique;
}

export function apiKeyStateAt(key: ApiKeyRecord, now: string): ApiKeyState {
  if (key.revokedAt) return 'revoked';
  if (key.validUntil && key.validUntil <= now) return 'expired';
  return 'active';
}

export async function createApiKey(operatorId: string, input: { name: string; scopes: readonly string[]; expiresAt?: string }): Promise<CreatedApiKey> {
  const scopes = validateScopes(input.scopes);
  const now = nowIso();
  if (input.expiresAt !== undefined && !(Date.parse(input.expiresAt) > Date.parse(now))) {
    throw new ValidationFailed('expires_at must be in the future', [{ field: 'expires_at', message: 'must be in the future' }]);
  }
  const issued = issueApiKey();
  const record: ApiKeyRecord = {
    keyId: issued.keyId,
    operatorId,
    secretHash: issued.secretHash,
    createdAt: now,
    name: input.name,
    scopes,
    ...(input.expiresAt !== undefined ? { validUntil: new Date(input.expiresAt).toISOString() } : {}),
  };
  await putApiKey(record);
  return { record, apiKey: issued.plaintext };
}

export async function listApiKeys(operatorId: string): Promise<ApiKeyRecord[]> {
  return listApiKeysOfOperator(operatorId);
}

/** Another operator's key is as unknown as a key that never existed. */
async function ownKey(operatorId: string, keyId: string): Promise<ApiKeyRecord> {
  const key = await getApiKey(keyId);
  if (!key || key.operatorId !== operatorId) throw new NotFound(`No API key ${keyId}`);
  return key;
}

/** Revocation holds from the next request (the key is read strongly consistently on every one). Revoking twice is fine. */
export async function revokeApiKey(operatorId: string, keyId: string): Promise<void> {
  if (await revokeApiKeyItem(operatorId, keyId, nowIso())) return;
  await ownKey(operatorId, keyId); // 404 for someone else's; already revoked: done
}

/**
 * A successor with the same name, scopes and end (an `expires_at` given at creation); the old key
 * keeps working for `overlapSeconds` (or until its own earlier end), so clients can switch without
 * downtime. A key is rotated once: rotating it again would leave two live successors, so it is a
 * 409 that points at the successor.
 */
export async function rotateApiKey(operatorId: string, keyId: string, overlapSeconds = DEFAULT_ROTATION_OVERLAP_SECONDS): Promise<CreatedApiKey & { readonly old: ApiKeyRecord }> {
  if (!Number.isInteger(overlapSeconds) || overlapSeconds < 0 || overlapSeconds > MAX_ROTATION_OVERLAP_SECONDS) {
    throw new ValidationFailed('overlap_seconds is out of range', [{ field: 'overlap_seconds', message: `must be a whole number from 0 to ${MAX_ROTATION_OVERLAP_SECONDS} (7 days)` }]);
  }
  const old = await ownKey(operatorId, keyId);
  const now = nowIso();
  const refuse = () => {
    const state = apiKeyStateAt(old, now);
    if (old.rotatedTo) return new Conflict(`API key ${keyId} was already rotated to ${old.rotatedTo}; rotate that one`, { rotated_to: old.rotatedTo });
    return new Conflict(`API key ${keyId} is ${state === 'active' ? 'no longer active' : state}; create a new key instead`, { key_state: state });
  };
  if (old.rotatedTo || apiKeyStateAt(old, now) !== 'active') throw refuse();
  const overlapEnd = new Date(Date.parse(now) + overlapSeconds * 1000).toISOString();
  const oldValidUntil = old.validUntil && old.validUntil < overlapEnd ? old.validUntil : overlapEnd;
  const issued = issueApiKey();
  const successor: ApiKeyRecord = {
    keyId: issued.keyId,
    operatorId,
    secretHash: issued.secretHash,
    createdAt: now,
    scopes: old.scopes ?? ['full'],
    rotatedFrom: old.keyId,
    ...(old.name !== undefined ? { name: old.name } : {}),
    ...(old.validUntil !== undefined ? { validUntil: old.validUntil } : {}),
  };
  if (!(await rotateApiKeyItems(old, successor, oldValidUntil, now))) {
    // Revoked or rotated between the read and the write: answer from what it is now.
    const current = await ownKey(operatorId, keyId);
    throw current.rotatedTo ? new Conflict(`API key ${keyId} was already rotated to ${current.rotatedTo}; rotate that one`, { rotated_to: current.rotatedTo }) : new Conflict(`API key ${keyId} is no longer active`, { key_state: apiKeyStateAt(current, nowIso()) });
  }
  return { record: successor, apiKey: issued.plaintext, old: { ...old, validUntil: oldValidUntil, rotatedTo: successor.keyId } };
}

/**
 * The key behind a bearer token, or undefined for anything that is not a live key of a known
 * operator (missing, malformed, wrong secret, revoked, past its end): callers answer all of them
 * with the same 401 so keys cannot be probed.
 *
 * lastUsedAt: awaited, and only when the recorded use is older than a minute, so at most one
 * request per key per minute pays one conditional write (~ a few ms); all others pay nothing. Not
 * fire-and-forget: a Lambda is frozen once it answers, so a write left running may never happen and
 * its error would go nowhere. A failed write does not fail the request (the time is a diagnostic,
 * the request is the operator's business) but is logged, so it is never lost silently.
 */
export async function findLiveApiKey(token: string): Promise<ApiKeyRecord | undefined> {
  const parsed = parseApiKey(token);
  const record = parsed ? await getApiKey(parsed.keyId) : undefined;
  if (!parsed || !record || !secretMatches(parsed.secret, record.secretHash)) return undefined;
  const now = nowIso();
  if (apiKeyStateAt(record, now) !== 'active') return undefined;
  const staleBefore = new Date(Date.parse(now) - LAST_USED_RESOLUTION_SECONDS * 1000).toISOString();
  if (!record.lastUsedAt || record.lastUsedAt < staleBefore) {
    await touchApiKey(record, now, staleBefore).catch((error: unknown) => log.warn('could not record the API key use', { keyId: record.keyId, error }));
  }
  return record;
}

/** The key as the API shows it: never the secret or its hash. */
export function apiKeyView(key: ApiKeyRecord, now = nowIso()) {
  return {
    key_id: key.keyId,
    name: key.name ?? null,
    scopes: [...(key.scopes ?? ['full'])],
    state: apiKeyStateAt(key, now),
    created_at: key.createdAt,
    last_used_at: key.lastUsedAt ?? null,
    expires_at: key.validUntil ?? null,
    revoked_at: key.revokedAt ?? null,
    rotated_from: key.rotatedFrom ?? null,
    rotated_to: key.rotatedTo ?? null,
  };
}
