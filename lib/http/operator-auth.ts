// Who calls an operator route: an API key (`cpk_…`) or a staff account's access token (issue #16,
// docs/access.md). Either way the principal carries the actions of its row in the one role × action
// table (lib/domain/access.ts), which httpHandler() checks against the route's action.
import { getStaffMember, listStaffOfAccount, type StaffMember } from '../db/operators';
import { apiKeyActions, ROLE_ACTIONS, ROLE_WORDS, type Action } from '../domain/access';
import { findLiveApiKey } from '../domain/operator-api-keys';
import { Unauthorized, ValidationFailed } from '../domain/errors';
import { authenticateInstaller } from './installer-auth';

export interface OperatorPrincipal {
  readonly kind: 'operator';
  readonly operatorId: string;
  /** Set when the caller is an API key. */
  readonly keyId?: string;
  /** Set when the caller is a staff account. */
  readonly accountId?: string;
  /** What this caller may do (lib/domain/access.ts): a key's scopes or a staff role, resolved against the one table. */
  readonly actions: readonly Action[];
  /** The caller in words, for a 403: `A read-only API key`. */
  readonly description: string;
  /** Who acted, for audit entries: `operator API key …` / `operator staff …`. */
  readonly actor: string;
}

const API_KEY_PREFIX = 'cpk_';

/**
 * `operatorIdHeader` is the `Operator-Id` request header: which operator a staff account acts for
 * when it works for several. An API key belongs to one operator, so the header is ignored with a key.
 */
export async function authenticateOperator(token: string, operatorIdHeader?: string): Promise<OperatorPrincipal> {
  if (token.startsWith(API_KEY_PREFIX)) return authenticateApiKey(token);
  return authenticateStaff(token, operatorIdHeader);
}

/** One GetItem per request; the same message for every failure so keys cannot be probed. */
async function authenticateApiKey(token: string): Promise<OperatorPrincipal> {
  const record = await findLiveApiKey(token);
  if (!record) throw new Unauthorized('The operator API key is missing, malformed, revoked, expired or wrong');
  // Keys made before scopes existed carry none: they were full keys.
  const scopes = record.scopes ?? ['full'];
  const description = scopes.includes('full') ? ROLE_WORDS.api_key_full : scopes.length === 1 && scopes[0] === 'read_only' ? ROLE_WORDS.api_key_read_only : `An API key with scopes ${scopes.join(', ')}`;
  return { kind: 'operator', operatorId: record.operatorId, keyId: record.keyId, actions: apiKeyActions(scopes), description, actor: `operator API key ${record.keyId}` };
}

/**
 * A staff account's token. The rules:
 * - a token that does not authenticate (expired, wrong, account inactive, password changed): 401,
 *   exactly as on the installer API;
 * - an account that is not staff of the operator it names (or of any operator), or is staff with
 *   role `installer`: 403 naming the route's action (the account is known, it may not do this; the
 *   403 says nothing about whether the named operator exists);
 * - staff of several operators without `Operator-Id`: 400 naming the header (the request is
 *   ambiguous, not forbidden).
 * The membership is read strongly consistently (AP-62) so a removal or demotion holds at once; the
 * account's memberships (AP-64, a GSI) are only read to find the one operator when no header is sent.
 */
async function authenticateStaff(token: string, operatorIdHeader: string | undefined): Promise<OperatorPrincipal> {
  const person = await authenticateInstaller(token);
  const accountId = person.installerId;
  let member: StaffMember | undefined;
  if (operatorIdHeader) {
    member = await getStaffMember(operatorIdHeader, accountId);
  } else {
    const memberships = await listStaffOfAccount(accountId);
    if (memberships.length > 1) {
      const ids = memberships.map((m) => m.operatorId).join(', ');
      throw new ValidationFailed(`This account works for several operators; say which with the Operator-Id header (one of ${ids})`, [{ field: 'Operator-Id', message: `must name the operator to act for: one of ${ids}` }]);
    }
    member = memberships[0] && (await getStaffMember(memberships[0].operatorId, accountId));
  }
  const actor = `operator staff ${accountId}`;
  const operatorId = member?.operatorId ?? operatorIdHeader ?? '';
  if (member?.role === 'admin') return { kind: 'operator', operatorId, accountId, actions: ROLE_ACTIONS.operator_admin, description: ROLE_WORDS.operator_admin, actor };
  if (member?.role === 'manager') return { kind: 'operator', operatorId, accountId, actions: ROLE_ACTIONS.operator_manager, description: ROLE_WORDS.operator_manager, actor };
  // No actions: httpHandler() answers 403 naming the route's action.
  const description = member ? 'Operator staff with the installer role' : operatorIdHeader ? 'An account that is not staff of this operator' : 'An account that is not operator staff';
  return { kind: 'operator', operatorId, accountId, actions: [], description, actor };
}
