import { getApiKey } from '../db/operators';
import { parseApiKey, secretMatches } from '../domain/api-keys';
import { Unauthorized } from '../domain/errors';

export interface OperatorPrincipal {
  readonly kind: 'operator';
  readonly operatorId: string;
  readonly keyId: string;
}

/** One GetItem per request; the same message for every failure so keys cannot be probed. */
export async function authenticateOperator(token: string): Promise<OperatorPrincipal> {
  const parsed = parseApiKey(token);
  const record = parsed ? await getApiKey(parsed.keyId) : undefined;
  if (!parsed || !record || record.revokedAt || !secretMatches(parsed.secret, record.secretHash)) {
    throw new Unauthorized('The operator API key is missing, malformed, revoked or wrong');
  }
  return { kind: 'operator', operatorId: record.operatorId, keyId: record.keyId };
}
