// $connect: who is this charge point, may it connect, and which OCPP version do we speak?
// Order: identity and Basic auth (one 401 for both, so serials cannot be enumerated) → subprotocol
// (400), so nothing about a charge point's configuration is revealed before it has authenticated
// (DESIGN.md §2.3–2.5; §2.4's separate 404 for an unknown identity was an oracle, issue #12). The first two run in
// the $connect authorizer (authorizeChargePoint), whose context then rides on every later event of
// the connection (connection-context.ts); the integration does the rest (connectChargePoint).
import { chargePointConnectedUpdate, connectionDelete, connectionPut, getChargePoint, getIdentityGuard, upgradeCredentialHash } from '../db/charge-points';
import { logPut } from '../db/logs';
import type { AttemptCause, CredentialProblem } from '../db/connection-attempts';
import { transactWrite } from '../aws/transact';
import { closeConnection } from '../aws/connections';
import { makeEvent, publish } from '../events/publish';
import { log } from '../log';
import { canonicalIdentity, identitiesMatch, isValidIdentity, matchChargerPassword, parseBasicAuth } from './credentials';
import type { ChargerContext } from './connection-context';
import { recordKnownRefusal, recordUnknownRefusal, type RefusalContext } from './refusals';
import { negotiateSubprotocol, splitSubprotocols } from './subprotocol';

export interface ConnectRequest {
  readonly connectionId: string;
  readonly identityParam: string | undefined;
  readonly headers: Record<string, string | undefined>;
  readonly sourceIp?: string;
  readonly at: string;
}

export type ConnectOutcome =
  | { readonly ok: true; readonly subprotocol: string; readonly identity: string; readonly superseded?: string }
  | { readonly ok: false; readonly status: 400 | 401 | 409; readonly reason: string };

function header(headers: Record<string, string | undefined>, name: string): string | undefined {
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === name) return v;
  return undefined;
}

/**
 * The $connect authorizer's decision: who the charger is and whether its Basic credentials hold.
 * Every refusal here is the same 401 (with the Basic challenge, empty body): an unknown identity
 * and a wrong password cannot be told apart by the client (issue #12 finding 7), and an unknown
 * identity costs the same password hash as a known one. Refusals are throttled and recorded by
 * refusals.ts; the integration answers them (connection-context.ts RefusedCharger says why the
 * authorizer does not deny them itself).
 */
export async function authorizeChargePoint(req: Omit<ConnectRequest, 'connectionId'>): Promise<ChargerContext> {
  const received = req.identityParam ?? '';
  const creds = parseBasicAuth(header(req.headers, 'authorization'));
  const subprotocols = splitSubprotocols(header(req.headers, 'sec-websocket-protocol'));
  const scheme = forwardedScheme(req.headers);
  const ctx = { at: req.at, ...(req.sourceIp ? { sourceIp: req.sourceIp } : {}), offered: { identity: received, subprotocols, ...(scheme ? { scheme } : {}) } };
  const identity = isValidIdentity(received) ? canonicalIdentity(received) : undefined;
  const guard = identity ? await getIdentityGuard(identity) : undefined;
  const cp = guard ? await getChargePoint(guard.chargePointId, true) : undefined;
  if (!identity || !cp?.protocol) {
    // Same work as a wrong password where it is cheap: the hash comparison (a few µs).
    if (creds) await matchChargerPassword('ocpp2.0.1', creds.password, { current: UNKNOWN_IDENTITY_HASH });
    await recordUnknownRefusal(received, ctx);
    return REFUSED;
  }
  // wss:// is required unless the deployment allows unencrypted OCPP (security profile 1): a charger
  // on ws:// is refused whatever its password, and told to use wss:// (connection-diagnosis.ts).
  if (scheme === 'http' && process.env.OCPP_REQUIRE_TLS === 'true') return refuse(identity, 'insecure_scheme', ctx);
  if (!creds) return refuse(identity, 'wrong_password', ctx, 'missing_credentials');
  if (!identitiesMatch(creds.username, identity)) return refuse(identity, 'wrong_password', { ...ctx, offered: { ...ctx.offered, username: creds.username } }, 'username_mismatch');
  const match = await matchChargerPassword(cp.protocol, creds.password, cp.credentials ?? {});
  if (!match) return refuse(identity, 'wrong_password', ctx, 'wrong_password');
  // The grace for the pre-rotation password is bounded (domain/password-rotation.ts): after it the
  // charger must be re-provisioned. Checked after matching so the record says why it was refused.
  const previousUntil = cp.credentials?.previousValidUntil;
  if (match.which === 'previous' && previousUntil !== undefined && previousUntil <= req.at) {
    return refuse(identity, 'wrong_password', ctx, 'previous_expired');
  }
  const verified = match.which === 'current' ? cp.credentials?.current : cp.credentials?.previous;
  if (match.upgradedHash && verified) {
    // A hash from before the SHA-256 scheme (credentials.ts): the password just proved, store its new form.
    await upgradeCredentialHash(cp.chargePointId, match.which, verified, match.upgradedHash).catch((err: unknown) =>
      log.warn('could not upgrade a legacy password hash', { identity, err }),
    );
  }
  return {
    outcome: 'admitted',
    identity,
    chargePointId: cp.chargePointId,
    operatorId: cp.operatorId,
    projectId: cp.projectId,
    protocol: cp.protocol,
    password: match.which,
    credentialKind: cp.credentials?.kind ?? 'provisioning',
    // Grace path (DESIGN.md §3): the first connect with the new password retires the old one.
    retirePrevious: match.which === 'current' && cp.credentials?.previous !== undefined,
    // A reconnect is not a reboot: chargers reconnect (API Gateway closes sockets after 2 h) and
    // carry on without a new BootNotification, so the last boot's answer still holds (OCPP-J 1.6
    // §4.2 / 2.0.1 B02: the boot is per reboot, not per connection). A new boot replaces it. The
    // version cannot differ: $connect negotiates only the registered one.
    ...(cp.boot && cp.boot.status !== 'Rejected' ? { bootStatus: cp.boot.status } : {}),
    ...(cp.connection?.connectionId ? { previousConnectionId: cp.connection.connectionId, previousConnectedAt: cp.connection.connectedAt } : {}),
    ...(cp.powerManaged ? { powerManaged: true } : {}),
  };
}

/**
 * The $connect integration, after the authorizer: answers its refusal, negotiates the subprotocol
 * (400) and records the connection. Reads nothing: what it needs came in the authorizer's context.
 */
export async function connectChargePoint(req: ConnectRequest, auth: ChargerContext): Promise<ConnectOutcome> {
  if (auth.outcome === 'refused') return { ok: false, status: auth.status, reason: 'refused by the authorizer' };
  const { identity } = auth;
  const negotiated = negotiateSubprotocol(header(req.headers, 'sec-websocket-protocol'), [auth.protocol]);
  if (!negotiated) {
    const offered = splitSubprotocols(header(req.headers, 'sec-websocket-protocol'));
    await recordKnownRefusal(identity, offered.length === 0 ? 'no_subprotocol' : 'wrong_subprotocol', {
      at: req.at,
      ...(req.sourceIp ? { sourceIp: req.sourceIp } : {}),
      offered: { identity: req.identityParam ?? identity, subprotocols: offered },
    });
    return { ok: false, status: 400, reason: `charge point is registered for ${auth.protocol}` };
  }

  const connection = {
    connectionId: req.connectionId,
    protocol: negotiated.version,
    connectedAt: req.at,
    credential: auth.password === 'previous' ? ('previous' as const) : auth.credentialKind,
    ...(req.sourceIp ? { sourceIp: req.sourceIp } : {}),
  };
  const retirePrevious = auth.retirePrevious;
  const items = (replaces: string | undefined) => [
    connectionPut({
      connectionId: connection.connectionId,
      protocol: connection.protocol,
      connectedAt: connection.connectedAt,
      ...(req.sourceIp ? { sourceIp: req.sourceIp } : {}),
      identity,
      chargePointId: auth.chargePointId,
      operatorId: auth.operatorId,
      projectId: auth.projectId,
      ...(auth.bootStatus ? { bootStatus: auth.bootStatus } : {}),
      ...(auth.powerManaged ? { powerManaged: true } : {}),
    }),
    chargePointConnectedUpdate(auth.chargePointId, connection, retirePrevious, replaces),
    logPut({
      identity,
      at: req.at,
      category: 'connection',
      kind: 'connected',
      detail: { connectionId: req.connectionId, protocol: negotiated.version, sourceIp: req.sourceIp ?? null, password: auth.password, ...(retirePrevious ? { retiredPreviousPassword: true } : {}) },
    }),
  ];
  // The connection the authorizer saw is the one this one replaces. When another connection of the
  // same charge point was recorded since (two sockets opened at once), the write fails and says
  // which: if that one is not newer, replace it instead (it is closed below), else this one is the
  // stale one and is refused. Newest wins, and no socket stays open without being the recorded one.
  let previous = auth.previousConnectionId;
  let previousAt = auth.previousConnectedAt;
  for (let attempt = 1; ; attempt++) {
    const result = await transactWrite(items(previous));
    if (!result.cancelled) break;
    const current = result.reasons[1] === 'ConditionalCheckFailed' ? (result.oldItems[1] as { connection?: { connectionId?: string; connectedAt?: string } } | undefined)?.connection : undefined;
    if (attempt < MAX_CONNECT_ATTEMPTS && current?.connectionId && current.connectedAt !== undefined && current.connectedAt <= req.at && current.connectionId !== previous) {
      previous = current.connectionId;
      previousAt = current.connectedAt;
      continue;
    }
    log.warn('stale $connect lost to a newer connection', { identity, connectionId: req.connectionId, reasons: result.reasons });
    return { ok: false, status: 409, reason: 'superseded by a newer connection' };
  }
  if (auth.password === 'previous') log.warn('charge point used its previous password', { identity });

  if (previous && previous !== req.connectionId) {
    // The old socket may still be open (a charger that reconnected without closing): close it.
    await closeSuperseded(identity, previous, previousAt !== undefined && Date.parse(req.at) - Date.parse(previousAt) < HANDSHAKE_MAY_RUN_MS);
  }
  await publish([
    makeEvent('charge_point.connected', auth.operatorId, {
      charge_point_id: auth.chargePointId,
      charge_point_identity: identity,
      project_id: auth.projectId,
      ocpp_protocol: negotiated.version,
      ...(req.sourceIp ? { source_ip: req.sourceIp } : {}),
    }),
  ]).catch((err: unknown) => log.error('publish charge_point.connected failed', { identity, err }));
  // A connection that raced this one may have replaced it while this $connect ran: its close of this
  // socket would find no socket yet (the handshake ends only when $connect returns). So this one
  // looks, as the very last step: replaced, it does not open at all (its `connected` event has gone
  // out; the newer connection's follows). What is left is the moment between this look and the
  // handshake's end, which the newer one's retried close covers.
  if ((await getChargePoint(auth.chargePointId, true))?.connection?.connectionId !== req.connectionId) {
    await transactWrite([
      connectionDelete(req.connectionId),
      logPut({ identity, at: req.at, category: 'connection', kind: 'superseded', detail: { connectionId: req.connectionId, reason: 'replaced by a newer connection while connecting' } }),
    ]).catch((err: unknown) => log.warn('could not drop a connection replaced while connecting', { identity, connectionId: req.connectionId, err }));
    log.warn('$connect replaced by a newer connection while it ran', { identity, connectionId: req.connectionId });
    return { ok: false, status: 409, reason: 'superseded by a newer connection' };
  }
  return { ok: true, subprotocol: negotiated.echo, identity, ...(previous && previous !== req.connectionId ? { superseded: previous } : {}) };
}

const REFUSED: ChargerContext = { outcome: 'refused', status: 401 };

/** Tries of the connection write when other connections of the same charge point race it. */
const MAX_CONNECT_ATTEMPTS = 3;

/**
 * Waits between tries to close a connection recorded moments ago (less than HANDSHAKE_MAY_RUN_MS
 * before this one): it may still be finishing its own handshake, which @connections does not know
 * until its $connect returns (410). One recorded earlier is either open or gone for good, so a 410
 * for it is final and costs this handshake no wait.
 */
const RACED_CLOSE_WAITS_MS = [50, 100, 250, 500, 1000];
const HANDSHAKE_MAY_RUN_MS = 10_000;

async function closeSuperseded(identity: string, connectionId: string, recent: boolean): Promise<void> {
  const waits = recent ? RACED_CLOSE_WAITS_MS : [];
  for (let i = 0; ; i++) {
    try {
      if (await closeConnection(connectionId)) return;
    } catch (err) {
      if (i >= waits.length) {
        log.warn('could not close superseded connection', { identity, previous: connectionId, err });
        return;
      }
    }
    if (i >= waits.length) return;
    await new Promise((resolve) => setTimeout(resolve, waits[i]));
  }
}

/** Compared against when the identity is unknown, so that path hashes like a known one; matches nothing anyone sends. */
const UNKNOWN_IDENTITY_HASH = `sha256$${Buffer.alloc(16).toString('base64url')}$${Buffer.alloc(32).toString('base64url')}`;

async function refuse(identity: string, cause: AttemptCause, ctx: RefusalContext, problem?: CredentialProblem): Promise<ChargerContext> {
  await recordKnownRefusal(identity, cause, ctx, problem);
  return REFUSED;
}

/**
 * The scheme the charger used, when a proxy in front says: CloudFront-Forwarded-Proto (CloudFront,
 * forwarded by the AllViewerExceptHostHeader origin request policy), else X-Forwarded-Proto.
 */
function forwardedScheme(headers: Record<string, string | undefined>): string | undefined {
  const value = header(headers, 'cloudfront-forwarded-proto') ?? header(headers, 'x-forwarded-proto');
  return value?.split(',')[0]?.trim().toLowerCase() || undefined;
}

/**
 * Behind CloudFront, only requests carrying the distribution's secret origin header are accepted
 * (DESIGN.md §2.1): anything else came straight to execute-api. Unset (locally): not checked.
 */
export function originVerified(headers: Record<string, string | undefined>): boolean {
  const secret = process.env.ORIGIN_VERIFY_SECRET;
  return !secret || header(headers, 'x-origin-verify') === secret;
}
