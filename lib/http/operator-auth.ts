import { getApiKey } from '../db/operators';
import { parseApiKey, secretMatches } from '../domain/api-keys';
import { apiKeyActions, ROLE_WORDS, type Action } from '../domain/access';
import { Unauthorized } from '../domain/errors';

export interface OperatorPrincipal {
  readonly kind: 'operator';
  readonly operatorId: string;
  readonly keyId: string;
  /** What this key may do (lib/domain/access.ts): its scopes resolved against the one table. */
  readonly actions: readonly Action[];
  /** The caller in words, for a 403: `A read-only API key`. */
  readonly description: string;
}

/** One GetItem per request; the same message for every failure so keys cannot be probed. */
export async function authenticateOperator(token: string): Promise<OperatorPrincipal> {
  const parsed = parseApiKey(token);
  const record = parsed ? await getApiKey(parsed.keyId) : undefined;
  if (!parsed || !record || record.revokedAt || !secretMatches(parsed.secret, record.secretHash)) {
    throw new Unauthorized('The operator API key is missing, malformed, revoked or wrong');
  }
  // Keys made before scopes existed carry none: they were full keys.
  const scopes = record.scopes ?? ['full'];
  const description = scopes.includes('full') ? ROLE_WORDS.api_key_full : scopes.length === 1 && scopes[0] === 'read_only' ? ROLE_WORDS.api_key_read_only : `An API key with scopes ${scopes.join(', ')}`;
  return { kind: 'operator', operatorId: record.operatorId, keyId: record.keyId, actions: apiKeyActions(scopes), description };
}
