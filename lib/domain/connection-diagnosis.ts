// Why a charger will not connect (issue #14): the last refused $connect of a charge point since its
// last successful connection, said in words an installer understands, with what the charger offered
// and what is expected. The attempts are recorded, bounded, by lib/ocpp/refusals.ts
// (lib/db/connection-attempts.ts); this module only reads and explains them.
import { config } from '../config';
import type { ChargePoint } from '../db/charge-points';
import { listConnectionAttempts, listUnknownIdentityAttempts, type ConnectionAttempt, type AttemptCause, type UnknownIdentityAttempt } from '../db/connection-attempts';
import { canonicalIdentity, isValidIdentity } from '../ocpp/credentials';

export type { AttemptCause } from '../db/connection-attempts';

export interface FailedAttemptView {
  /** One of ATTEMPT_CAUSES (lib/db/connection-attempts.ts). */
  readonly cause: AttemptCause;
  readonly message: string;
  readonly at: string;
}

/** How a received identity differs from a charge point's identity. */
export type NearMiss = 'case' | 'trailing_slash' | 'extra_segment' | 'repeated' | 'typo';

const NEAR_MISS_TEXT: Record<NearMiss, string> = {
  case: 'different case',
  trailing_slash: 'trailing slash',
  extra_segment: 'extra path segment',
  repeated: 'the identity repeated',
  typo: 'a typo',
};

/** Largest edit distance still read as a typo of an identity. */
export const MAX_TYPO_DISTANCE = 2;

/** Levenshtein distance, giving up (returning max + 1) once it must exceed `max`. */
export function editDistance(a: string, b: string, max = MAX_TYPO_DISTANCE): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      cur.push(v);
      rowMin = Math.min(rowMin, v);
    }
    if (rowMin > max) return max + 1;
    prev = cur;
  }
  return Math.min(prev[b.length]!, max + 1);
}

/**
 * The identities a received one was most likely meant to be, exactly (no typo): without leading or
 * trailing slashes, each path segment, and the first half of an identity written twice. Canonical
 * (upper-case), valid identities only, without the received form itself; at most 4 (the edge lets
 * through at most 4 path segments). $connect looks these up when an identity is unknown, so an
 * attempt for `CP1/` or `/ocpp/foo/CP1` is kept with the charge point CP1 (lib/ocpp/refusals.ts).
 */
export function intendedIdentities(received: string): string[] {
  const canonical = canonicalIdentity(received);
  const out = new Set<string>();
  const trimmed = canonical.replace(/^\/+|\/+$/g, '');
  if (trimmed !== canonical) out.add(trimmed);
  for (const segment of canonical.split('/')) if (segment) out.add(segment);
  const half = canonical.length / 2;
  if (Number.isInteger(half) && half > 0 && canonical.slice(0, half) === canonical.slice(half)) out.add(canonical.slice(0, half));
  out.delete(canonical);
  return [...out].filter(isValidIdentity).slice(0, 4);
}

/**
 * How `received` (as the charger sent it) is a near miss of `identity` (canonical), or null when it
 * is not close. A case-only difference never reaches this: identities are case-insensitive (2.0.1
 * errata 2023-12 §2.15.1; credentials.ts canonicalIdentity), so such a charger is let in. Case is
 * therefore reported only alongside another difference (`also`).
 */
export function nearMiss(received: string, identity: string, display = identity): { kind: NearMiss; also: NearMiss[] } | null {
  const target = canonicalIdentity(identity);
  const same = (part: string) => canonicalIdentity(part) === target;
  const caseOf = (part: string): NearMiss[] => (part !== display ? ['case'] : []);
  if (same(received)) return { kind: 'case', also: [] };
  const withoutTrailing = received.replace(/\/+$/, '');
  if (withoutTrailing !== received && same(withoutTrailing)) return { kind: 'trailing_slash', also: caseOf(withoutTrailing) };
  const segments = received.split('/').filter(Boolean);
  const segment = received.includes('/') ? segments.find(same) : undefined;
  if (segment !== undefined) return { kind: 'extra_segment', also: caseOf(segment) };
  const half = received.slice(0, received.length / 2);
  if (received.length % 2 === 0 && same(half) && same(received.slice(received.length / 2))) return { kind: 'repeated', also: caseOf(half) };
  if (!received.includes('/') && editDistance(canonicalIdentity(received), target) <= MAX_TYPO_DISTANCE) return { kind: 'typo', also: [] };
  return null;
}

function quote(text: string): string {
  return `\`${text}\``;
}

function expectedUrl(cp: ChargePoint): string {
  return `${config().ocppPublicEndpoint}/${encodeURIComponent(cp.displaySerial ?? cp.identity ?? '')}`;
}

/** The installer-facing sentence for a recorded attempt of this charge point. */
export function describeAttempt(cp: ChargePoint, a: Pick<ConnectionAttempt, 'cause' | 'offered' | 'credentialProblem'>): string {
  const identity = cp.displaySerial ?? cp.identity ?? '';
  const protocol = cp.protocol ?? 'ocpp1.6';
  switch (a.cause) {
    case 'wrong_password':
      switch (a.credentialProblem) {
        case 'missing_credentials':
          return `The charger sent no password (no HTTP Basic credentials). Set its username to ${quote(identity)} and its password to the one shown for this charge point.`;
        case 'username_mismatch':
          return `Wrong username: the charger logged in as ${quote(a.offered.username ?? '')}; the username must be the identity ${quote(identity)}.`;
        case 'previous_expired':
          return 'Wrong password: the charger still uses its old password, which has expired. Issue a new password and enter it on the charger.';
        default:
          return `Wrong password: the charger sent a password that is not the current one for ${quote(identity)}. Enter the password shown for this charge point, or issue a new one.`;
      }
    case 'no_subprotocol':
      return `The charger offered no OCPP subprotocol; it must offer ${protocol}. Set its OCPP version to ${protocol === 'ocpp1.6' ? 'OCPP 1.6 (JSON)' : 'OCPP 2.0.1'}.`;
    case 'wrong_subprotocol':
      return `The charger offered ${(a.offered.subprotocols ?? []).map(quote).join(', ') || 'an unknown subprotocol'}; this charge point is registered for ${protocol}, so it must offer ${protocol}.`;
    case 'insecure_scheme':
      return `The charger used ws:// (unencrypted); use wss:// with the URL ${expectedUrl(cp)}.`;
    case 'identity_mismatch': {
      const received = a.offered.identity ?? '';
      const miss = nearMiss(received, cp.identity ?? identity, identity);
      const how = miss ? [miss.kind, ...miss.also].map((k) => NEAR_MISS_TEXT[k]).join(', ') : 'a different identity';
      return `A charger tried to connect as ${quote(received)} (${how}); the identity must be ${quote(identity)}: use the URL ${expectedUrl(cp)}.`;
    }
  }
}

/**
 * The cause of the last failed connection attempt of this charge point since its last successful
 * connection, or null. Reads: one Query of its own attempts (AP-36) and, while it is not connected,
 * at most two Queries of unknown-identity attempts of a similar length, for typos (AP-37).
 */
export async function lastFailedAttempt(cp: ChargePoint): Promise<FailedAttemptView | null> {
  if (!cp.identity) return null;
  const identity = cp.identity;
  const since = cp.connection?.connectedAt ?? cp.lastConnectedAt ?? '';
  const own = (await listConnectionAttempts(identity)).filter((a) => a.at > since);
  const typos: Array<{ at: string; offered: { identity: string } }> = [];
  if (!cp.connection) {
    const found: UnknownIdentityAttempt[] = await listUnknownIdentityAttempts(identity.length - MAX_TYPO_DISTANCE, identity.length + MAX_TYPO_DISTANCE, since);
    for (const u of found) if (nearMiss(u.received, identity, cp.displaySerial ?? identity)) typos.push({ at: u.at, offered: { identity: u.received } });
  }
  const candidates: Array<Pick<ConnectionAttempt, 'cause' | 'offered' | 'at' | 'credentialProblem'>> = [...own, ...typos.map((t) => ({ cause: 'identity_mismatch' as const, ...t }))];
  if (candidates.length === 0) return null;
  const last = candidates.reduce((a, b) => (b.at > a.at ? b : a));
  return { cause: last.cause, message: describeAttempt(cp, last), at: last.at };
}
