// Per-client and per-email request limits of the unauthenticated account endpoints. A client is
// its source IP (API Gateway's requestContext.http.sourceIp; the local runtime sets the same). On
// AWS a WAF web ACL rate-limits per IP in front of these as well (infra/stacks/waf-stack.ts); these
// limits also hold locally and for traffic that reaches the API by its execute-api address.
//
// Limits are per fixed window, counted in the table (lib/db/rate-limits.ts). Per-email limits
// exist only where a request sends mail, so nobody can flood someone else's inbox; their answer
// never differs from a normal one (see `quietly`), so they reveal nothing about the account.
import { hitWindow } from '../db/rate-limits';
import { TooManyRequests } from './errors';

export const RATE_LIMITS = {
  /** Every login attempt from one client (failures also slow down per account: installers.ts). */
  login: { limit: 30, windowSeconds: 600 },
  signup: { limit: 10, windowSeconds: 3600 },
  'verify-email': { limit: 20, windowSeconds: 600 },
  'resend-verification': { limit: 10, windowSeconds: 3600 },
  'request-password-reset': { limit: 10, windowSeconds: 3600 },
  'reset-password': { limit: 20, windowSeconds: 600 },
  /** Email change requests check the password: as tight as password-reset requests. */
  'change-email': { limit: 10, windowSeconds: 3600 },
  /**
   * Every request of the public job API (issue #14) from one client: a page polls every few seconds
   * (≈ 20 a minute) and an installer's edits add a few; 120 a minute leaves room for two phones
   * behind one address and stops a client that hammers it.
   */
  'public-job': { limit: 120, windowSeconds: 60 },
  /**
   * Invitation previews (the invitee's page, no login) from one client: a token has 256 bits, so
   * this is not about guessing but about a client that hammers the lookup (a probe sent 130 in a row).
   */
  'invitation-preview': { limit: 120, windowSeconds: 60 },
  /** Invitations one account sends (each mails someone else: issue #16). */
  invitations: { limit: 30, windowSeconds: 3600 },
  /** Mails of any kind to one address from the account endpoints. */
  'mail-to-address': { limit: 3, windowSeconds: 3600 },
  // Refused charger $connects (lib/ocpp/refusals.ts says what these limits do and do not do).
  /** Refused $connects from one source IP, any identity, that are still recorded. */
  'charger-refusals-per-source': { limit: 30, windowSeconds: 600 },
  /** Refused $connects of one known charge point, from anywhere, that are still recorded. */
  'charger-refusals-per-identity': { limit: 10, windowSeconds: 600 },
  /** Unknown identities recorded per UTC day, platform-wide: the size cap of one day bucket (AP-37). */
  'charger-unknown-identities-per-day': { limit: 1000, windowSeconds: 86_400 },
} as const satisfies Record<string, { limit: number; windowSeconds: number }>;
export type RateLimitedAction = keyof typeof RATE_LIMITS;

/** Counts one request; over the limit it throws 429 with Retry-After. */
export async function enforceRateLimit(action: RateLimitedAction, subject: string): Promise<void> {
  const { limit, windowSeconds } = RATE_LIMITS[action];
  const hit = await hitWindow(action, subject, limit, windowSeconds);
  if (!hit.allowed) {
    throw new TooManyRequests(`Too many requests from this client; try again in ${hit.retryAfterSeconds} second(s)`, { retry_after_seconds: hit.retryAfterSeconds });
  }
}

/** Counts one request and says whether it is within the limit, without telling the caller. */
export async function quietly(action: RateLimitedAction, subject: string): Promise<boolean> {
  const { limit, windowSeconds } = RATE_LIMITS[action];
  return (await hitWindow(action, subject, limit, windowSeconds)).allowed;
}
