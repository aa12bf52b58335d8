// Real authorisation of id tokens (issue #15): OCPP Authorize, and the sessions part's
// StartTransaction / TransactionEvent checks, answer from the tokens known for the charge point's
// operator and team.
//
// Team scoping (decision): a driver without a team is an operator-wide driver (the CPO's own
// subscribers, staff) and is accepted on every charge point of the operator. A driver of a team is
// accepted on that team's charge points only; on another team's charge point of the same operator
// the token answers `Invalid` (1.6 and 2.0.1 both have it: "identifier is invalid, not allowed for
// charging"), because the charge point's team would otherwise host, and with payment method `team`
// pay for, a stranger's charge. Tokens of another operator are simply unknown: keys are per operator.
//
// Free vend (decision): a charge point with `freeVend` set accepts every token; with the flag unset
// it is free vend while it is inactive, i.e. until its job is completed or the operator activates it
// (db/charge-points.ts `active`). So an installer's test charges (the job page starts them with
// idTag INSTALLER-TEST, domain/remote-actions.ts) keep working during installation, and real
// authorisation begins the moment the charge point opens to drivers. Items from before activation
// existed have no `active` and count as active: they authorise for real unless set to free vend.
//
// Caching (decision): a per-container LRU of the facts an Authorize needs (the charge point's team
// and free-vend state, the token, its driver), each entry kept CACHE_TTL_MS (60 s; an unknown token
// only NEGATIVE_TTL_MS, 10 s, so a card registered right after a failed tap works soon). A repeated
// Authorize of a recently seen token therefore reads nothing from DynamoDB: the answer costs only
// the log write, which the pipeline makes anyway. Writes through this process (the operator API's
// block, unblock, expiry and free-vend changes) drop the affected entries at once (forget*), which
// covers the local runtime. On AWS the API and the OCPP message handler run in different Lambda
// containers, so there the staleness bound is the TTL: a blocked card may still be accepted for up
// to 60 s, a new free-vend setting takes up to 60 s to apply. A version stamp checked per Authorize
// would cost the very read the cache exists to save, and nothing the hot path already reads (the
// $connect authorizer's context) can carry per-token state; 60 s is within what chargers' own
// authorisation caches and local lists tolerate (1.6 §3.5, 2.0.1 C10/C13).
import { getChargePoint } from '../db/charge-points';
import { setFreeVend } from '../db/price-groups';
import { nowIso } from '../ids';
import { NotFound, ValidationFailed } from './errors';
import { getDriver, getIdToken, type Driver, type IdTokenRecord } from '../db/drivers';
import type { JsonObject } from '../ocpp/codec';
import type { OcppVersion } from '../ocpp/versions';

/** 2.0.1 AuthorizationStatusEnumType names; 1.6 has no Unknown and answers Invalid (idTagInfoFor). */
export type TokenVerdict = 'Accepted' | 'Blocked' | 'Expired' | 'Invalid' | 'Unknown';

export interface Authorisation {
  readonly verdict: TokenVerdict;
  /** Accepted because the charge point is free vend (whatever the token's own verdict would be). */
  readonly freeVend: boolean;
  /** The token's driver, when the token is known (also under free vend). */
  readonly driver?: { readonly userId: string; readonly teamId?: string; readonly name?: string };
  /** When an accepted token stops being valid (idTagInfo expiryDate / idTokenInfo cacheExpiryDateTime). */
  readonly validUntil?: string;
}

/** What authorisation needs of a charge point; a db ChargePoint fits as is. */
export interface AuthorisingChargePoint {
  readonly operatorId: string;
  readonly teamId: string;
  readonly chargePointId: string;
  readonly freeVend?: boolean;
  readonly active?: boolean;
}

/** Free vend as set, else while inactive (decision at the top of this file). */
export function isFreeVend(cp: { freeVend?: boolean; active?: boolean }): boolean {
  return cp.freeVend ?? cp.active === false;
}

/** The form every key and lookup uses: 1.6 idTag is a CiString20, 2.0.1 idToken is case-insensitive. */
export function canonicalIdToken(value: string): string {
  return value.trim().toUpperCase();
}

/** The idTag of the job page's test charges (domain/remote-actions.ts): free while the charge point is inactive. */
export const INSTALLER_TEST_ID_TAG = 'INSTALLER-TEST';

/**
 * A token someone registers (a driver's card, a location's card) may not be the installer test tag:
 * the platform starts test charges with it, and a card of that value would be confused with them.
 */
export function refuseReservedIdToken(value: string): void {
  if (canonicalIdToken(value) === INSTALLER_TEST_ID_TAG) {
    throw new ValidationFailed(`${INSTALLER_TEST_ID_TAG} is reserved for installers' test charges`, [{ field: 'id_token', message: `must not be ${INSTALLER_TEST_ID_TAG} (reserved for installers' test charges)` }]);
  }
}

// ---- the cache ---------------------------------------------------------------------------------

export const CACHE_TTL_MS = 60_000;
export const NEGATIVE_TTL_MS = 10_000;
const CACHE_MAX_ENTRIES = 10_000;

interface Entry {
  readonly value: unknown;
  readonly until: number;
}
/** A Map keeps insertion order: re-inserting on a hit makes the first key the least recently used. */
const cache = new Map<string, Entry>();

async function cached<T>(key: string, load: () => Promise<T | undefined>): Promise<T | undefined> {
  const now = Date.now();
  const hit = cache.get(key);
  if (hit && hit.until > now) {
    cache.delete(key);
    cache.set(key, hit);
    return hit.value as T | undefined;
  }
  const value = await load();
  cache.delete(key);
  if (cache.size >= CACHE_MAX_ENTRIES) cache.delete(cache.keys().next().value as string);
  cache.set(key, { value, until: now + (value === undefined ? NEGATIVE_TTL_MS : CACHE_TTL_MS) });
  return value;
}

const tokenKey = (operatorId: string, canonical: string) => `tok\u0000${operatorId}\u0000${canonical}`;
const driverKey = (operatorId: string, userId: string) => `drv\u0000${operatorId}\u0000${userId}`;
const chargePointKey = (chargePointId: string) => `cp\u0000${chargePointId}`;

/** Drop what a write in this process changed (the staleness bound elsewhere is the TTL). */
export function forgetIdToken(operatorId: string, value: string): void {
  cache.delete(tokenKey(operatorId, canonicalIdToken(value)));
}
export function forgetDriver(operatorId: string, userId: string): void {
  cache.delete(driverKey(operatorId, userId));
}
export function forgetChargePoint(chargePointId: string): void {
  cache.delete(chargePointKey(chargePointId));
}
/** Tests only: start from a cold container. */
export function clearAuthorisationCache(): void {
  cache.clear();
}

// ---- the use cases -----------------------------------------------------------------------------

function driverView(d: Driver): NonNullable<Authorisation['driver']> {
  return { userId: d.userId, name: d.name, ...(d.teamId ? { teamId: d.teamId } : {}) };
}

function verdictOf(cp: AuthorisingChargePoint, token: IdTokenRecord | undefined, driver: Driver | undefined, now: number): TokenVerdict {
  if (!token || !driver) return 'Unknown';
  if (token.status === 'blocked') return 'Blocked';
  if (token.validUntil !== undefined && Date.parse(token.validUntil) <= now) return 'Expired';
  if (driver.teamId !== undefined && driver.teamId !== cp.teamId) return 'Invalid';
  return 'Accepted';
}

/**
 * The verdict on `idToken` at `cp`. Reads (cached, see the top of this file): the token, then its
 * driver. Never throws for an unknown or malformed token: that is a verdict, not an error.
 */
export async function authorizeIdToken(cp: AuthorisingChargePoint, idToken: string): Promise<Authorisation> {
  const canonical = canonicalIdToken(idToken);
  const token = canonical ? await cached(tokenKey(cp.operatorId, canonical), () => getIdToken(cp.operatorId, canonical)) : undefined;
  const driver = token ? await cached(driverKey(cp.operatorId, token.userId), () => getDriver(cp.operatorId, token.userId)) : undefined;
  const verdict = verdictOf(cp, token, driver, Date.now());
  const known = driver && token ? { driver: driverView(driver) } : {};
  if (isFreeVend(cp)) return { verdict: 'Accepted', freeVend: true, ...known };
  return {
    verdict,
    freeVend: false,
    ...known,
    ...(verdict === 'Accepted' && token?.validUntil ? { validUntil: token.validUntil } : {}),
  };
}

/**
 * Authorize as the OCPP handler asks it: by the connection's charge point id. The charge point's
 * team and free-vend state come from the same cache, so a repeated Authorize reads nothing.
 * A charge point that vanished (deleted mid-connection) authorises nothing: Unknown.
 */
export async function authorizeAtChargePoint(chargePointId: string, idToken: string): Promise<Authorisation> {
  const cp = await cached(chargePointKey(chargePointId), async () => {
    const item = await getChargePoint(chargePointId);
    return item
      ? { operatorId: item.operatorId, teamId: item.teamId, chargePointId: item.chargePointId, freeVend: item.freeVend, active: item.active }
      : undefined;
  });
  if (!cp) return { verdict: 'Unknown', freeVend: false };
  return authorizeIdToken(cp, idToken);
}

/** OCPP 1.6 idTagInfo (§7.28) / 2.0.1 idTokenInfo (IdTokenInfoType) for an Authorisation. */
export function idTagInfoFor(version: OcppVersion, a: Authorisation): JsonObject {
  if (version === 'ocpp1.6') {
    // 1.6 AuthorizationStatus has no Unknown: an identifier we do not know is Invalid (§7.2).
    return { status: a.verdict === 'Unknown' ? 'Invalid' : a.verdict, ...(a.validUntil ? { expiryDate: a.validUntil } : {}) };
  }
  return { status: a.verdict, ...(a.validUntil ? { cacheExpiryDateTime: a.validUntil } : {}) };
}

/** The operator sets free vend on or off; the answer shows the setting and what applies now. */
export async function setChargePointFreeVend(operatorId: string, chargePointId: string, freeVend: boolean) {
  if (!(await setFreeVend(operatorId, chargePointId, freeVend, nowIso()))) throw new NotFound(`Charge point ${chargePointId} not found`);
  forgetChargePoint(chargePointId);
  const cp = await getChargePoint(chargePointId, true);
  if (!cp) throw new NotFound(`Charge point ${chargePointId} not found`);
  return { charge_point_id: chargePointId, free_vend: isFreeVend(cp), free_vend_setting: cp.freeVend ?? null, active: cp.active !== false };
}
