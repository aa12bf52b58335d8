// Refused $connects: throttled, cheap, and recorded (bounded) so an installer can be told why a
// charger will not connect (issue #12 finding 7, issue #14).
//
// Throttling policy (a decision; the reasons):
// - A correct password is never refused by throttling. Every charger password is 160 random bits
//   made by this platform (credentials.ts), so limiting guesses protects nothing, while a lock would
//   let anyone who reads a serial off a charger lock it out from anywhere, and would keep a charger
//   whose password was just fixed waiting. A charger retrying every few seconds gets in on the first
//   retry with the right password, whatever happened before.
// - What is throttled is what a failure costs us. Per source IP (RATE_LIMITS
//   'charger-refusals-per-source': 30 per 10 min, any identity) and per known charge point
//   ('charger-refusals-per-identity': 10 per 10 min, from anywhere), failures inside the budget are
//   recorded (one attempt item per (identity, cause), a log entry, a CloudWatch line); beyond it a
//   failure costs one conditional UpdateItem per counter and writes nothing else, not even a log
//   line. Unknown identities are recorded at most 'charger-unknown-identities-per-day' (1000) times
//   a day platform-wide, the size cap of a day bucket.
// - No growing server-side delay: on API Gateway a waiting authorizer is Lambda time and
//   concurrency we pay for, so a delay would cost us more than the client that caused it. Floods
//   of requests are for the WAF rate rule in front of CloudFront (issue #12 finding 3); here every
//   refusal is answered at once, the same way.
// - Every refusal before the subprotocol step answers the same (401 with the Basic challenge,
//   empty body), whether the identity is unknown or the password wrong, so the handshake is not a
//   serial oracle; the failures are told apart only in what is recorded, which only the operator
//   and the installers of that charge point can read (connection-diagnosis.ts).
import { getIdentityGuard } from '../db/charge-points';
import { recordConnectionAttempt, recordUnknownIdentityAttempt, type AttemptCause, type CredentialProblem, type OfferedConnection } from '../db/connection-attempts';
import { putLogEntry } from '../db/logs';
import { intendedIdentities } from '../domain/connection-diagnosis';
import { quietly } from '../domain/rate-limits';
import { log } from '../log';

export interface RefusalContext {
  readonly at: string;
  readonly sourceIp?: string;
  readonly offered: OfferedConnection;
}

const sourceOf = (ctx: RefusalContext) => ctx.sourceIp ?? 'unknown-source';

/** A refusal of a known charge point (wrong password, subprotocol, scheme): throttled, then recorded. */
export async function recordKnownRefusal(identity: string, cause: AttemptCause, ctx: RefusalContext, credentialProblem?: CredentialProblem): Promise<void> {
  const [fromSource, forIdentity] = await Promise.all([quietly('charger-refusals-per-source', sourceOf(ctx)), quietly('charger-refusals-per-identity', identity)]);
  if (!fromSource || !forIdentity) return;
  await Promise.all([
    recordConnectionAttempt({ identity, cause, at: ctx.at, offered: ctx.offered, ...(ctx.sourceIp ? { sourceIp: ctx.sourceIp } : {}), ...(credentialProblem ? { credentialProblem } : {}) }),
    putLogEntry({
      identity,
      at: ctx.at,
      category: cause === 'wrong_password' || cause === 'insecure_scheme' ? 'security' : 'connection',
      kind: 'auth_failure',
      detail: { cause, ...(credentialProblem ? { reason: credentialProblem } : {}), offered: ctx.offered, sourceIp: ctx.sourceIp ?? null },
    }),
  ]);
  log.warn('charge point connection refused', { identity, cause, credentialProblem, sourceIp: ctx.sourceIp });
}

/**
 * A connection for an identity nobody holds. When it is exactly one of ours written wrong (a
 * trailing slash, an extra path segment, the identity twice: intendedIdentities), it is kept with
 * that charge point as `identity_mismatch`; otherwise in the day bucket of unknown identities,
 * where a typo search finds it (connection-diagnosis.ts). Nothing is read before the per-source
 * budget allows it, so a scanner costs one counter update per attempt once over it.
 */
export async function recordUnknownRefusal(received: string, ctx: RefusalContext): Promise<void> {
  if (!(await quietly('charger-refusals-per-source', sourceOf(ctx)))) return;
  const guards = await Promise.all(intendedIdentities(received).map((candidate) => getIdentityGuard(candidate)));
  const meant = guards.filter((g) => g !== undefined).map((g) => g.identity);
  if (meant.length > 0) {
    for (const identity of meant) {
      if (!(await quietly('charger-refusals-per-identity', identity))) continue;
      await recordConnectionAttempt({ identity, cause: 'identity_mismatch', at: ctx.at, offered: { ...ctx.offered, identity: received }, ...(ctx.sourceIp ? { sourceIp: ctx.sourceIp } : {}) });
    }
    log.warn('charge point connection refused', { received: received.slice(0, 100), cause: 'identity_mismatch', meant, sourceIp: ctx.sourceIp });
    return;
  }
  if (!(await quietly('charger-unknown-identities-per-day', 'all'))) return;
  await recordUnknownIdentityAttempt({ received, at: ctx.at, ...(ctx.sourceIp ? { sourceIp: ctx.sourceIp } : {}), ...(ctx.offered.subprotocols ? { subprotocols: ctx.offered.subprotocols } : {}) });
  log.warn('charge point connection refused', { received: received.slice(0, 100), cause: 'unknown_identity', sourceIp: ctx.sourceIp });
}
