// $connect: who is this charge point, may it connect, and which OCPP version do we speak?
// Order: identity (404) → Basic auth (401) → subprotocol (400), so nothing about a charge point's
// configuration is revealed before it has authenticated (DESIGN.md §2.3–2.5). The first two run in
// the $connect authorizer (authorizeChargePoint), whose context then rides on every later event of
// the connection (connection-context.ts); the integration does the rest (connectChargePoint).
import { chargePointConnectedUpdate, connectionPut, getChargePoint, getIdentityGuard, upgradeCredentialHash, type ChargePoint } from '../db/charge-points';
import { logPut, putLogEntry } from '../db/logs';
import { transactWrite } from '../aws/transact';
import { closeConnection } from '../aws/connections';
import { makeEvent, publish } from '../events/publish';
import { log } from '../log';
import { canonicalIdentity, identitiesMatch, isValidIdentity, matchChargerPassword, parseBasicAuth } from './credentials';
import type { ChargerContext } from './connection-context';
import { negotiateSubprotocol } from './subprotocol';

export interface ConnectRequest {
  readonly connectionId: string;
  readonly identityParam: string | undefined;
  readonly headers: Record<string, string | undefined>;
  readonly sourceIp?: string;
  readonly at: string;
}

export type ConnectOutcome =
  | { readonly ok: true; readonly subprotocol: string; readonly identity: string; readonly superseded?: string }
  | { readonly ok: false; readonly status: 400 | 401 | 404; readonly reason: string };

function header(headers: Record<string, string | undefined>, name: string): string | undefined {
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === name) return v;
  return undefined;
}

/**
 * The $connect authorizer's decision: who the charger is and whether its Basic credentials hold
 * (identity → 404, credentials → 401). Refusals are logged here and answered by the integration
 * (connection-context.ts RefusedCharger says why the authorizer does not deny them itself).
 */
export async function authorizeChargePoint(req: Omit<ConnectRequest, 'connectionId'>): Promise<ChargerContext> {
  const raw = req.identityParam ?? '';
  if (!isValidIdentity(raw)) return reject(404, 'invalid identity', raw, req);
  const identity = canonicalIdentity(raw);
  const guard = await getIdentityGuard(identity);
  // Unknown identities are logged to CloudWatch only: writing them to the table would let anyone create partitions.
  if (!guard) return reject(404, 'unknown identity', identity, req);
  const cp = await getChargePoint(guard.chargePointId, true);
  if (!cp || !cp.protocol) return reject(404, 'charge point has no OCPP registration', identity, req);

  const creds = parseBasicAuth(header(req.headers, 'authorization'));
  if (!creds) return authFailure(cp, identity, req, 'missing or malformed Basic credentials');
  if (!identitiesMatch(creds.username, identity)) return authFailure(cp, identity, req, 'username does not match the identity');
  const match = await matchChargerPassword(cp.protocol, creds.password, cp.credentials ?? {});
  if (!match) return authFailure(cp, identity, req, 'wrong password');
  // The grace for the pre-rotation password is bounded (domain/password-rotation.ts): after it the
  // charger must be re-provisioned. Checked after matching so the log says why it was refused.
  const previousUntil = cp.credentials?.previousValidUntil;
  if (match.which === 'previous' && previousUntil !== undefined && previousUntil <= req.at) {
    return authFailure(cp, identity, req, `previous password expired at ${previousUntil}; the charge point never used its long-term password and must be re-provisioned`);
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
    ...(cp.connection?.connectionId ? { previousConnectionId: cp.connection.connectionId } : {}),
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
    await putLogEntry({
      identity,
      at: req.at,
      category: 'connection',
      kind: 'auth_failure',
      detail: { reason: 'no acceptable subprotocol', offered: header(req.headers, 'sec-websocket-protocol') ?? null, registered: auth.protocol, sourceIp: req.sourceIp },
    });
    return { ok: false, status: 400, reason: `charge point is registered for ${auth.protocol}` };
  }

  const previous = auth.previousConnectionId;
  const connection = {
    connectionId: req.connectionId,
    protocol: negotiated.version,
    connectedAt: req.at,
    credential: auth.password === 'previous' ? ('previous' as const) : auth.credentialKind,
    ...(req.sourceIp ? { sourceIp: req.sourceIp } : {}),
  };
  const retirePrevious = auth.retirePrevious;
  const result = await transactWrite([
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
    }),
    chargePointConnectedUpdate(auth.chargePointId, connection, retirePrevious),
    logPut({
      identity,
      at: req.at,
      category: 'connection',
      kind: 'connected',
      detail: { connectionId: req.connectionId, protocol: negotiated.version, sourceIp: req.sourceIp ?? null, password: auth.password, ...(retirePrevious ? { retiredPreviousPassword: true } : {}) },
    }),
  ]);
  if (result.cancelled) {
    // A newer connection already won the race; refuse this stale one rather than overwrite it.
    log.warn('stale $connect lost to a newer connection', { identity, connectionId: req.connectionId, reasons: result.reasons });
    return { ok: false, status: 401, reason: 'superseded by a newer connection' };
  }
  if (auth.password === 'previous') log.warn('charge point used its previous password', { identity });

  if (previous && previous !== req.connectionId) {
    // The old socket may still be open (a charger that reconnected without closing): close it.
    await closeConnection(previous).catch((err: unknown) => log.warn('could not close superseded connection', { identity, previous, err }));
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
  return { ok: true, subprotocol: negotiated.echo, identity, ...(previous && previous !== req.connectionId ? { superseded: previous } : {}) };
}

type AuthorizeRequest = Omit<ConnectRequest, 'connectionId'>;

async function authFailure(cp: ChargePoint, identity: string, req: AuthorizeRequest, reason: string): Promise<ChargerContext> {
  await putLogEntry({ identity, at: req.at, category: 'security', kind: 'auth_failure', detail: { reason, sourceIp: req.sourceIp ?? null } });
  log.warn('charge point authentication failed', { identity, chargePointId: cp.chargePointId, reason, sourceIp: req.sourceIp });
  return { outcome: 'refused', status: 401 };
}

function reject(status: 404, reason: string, identity: string, req: AuthorizeRequest): ChargerContext {
  log.warn('charge point connection refused', { status, reason, identity, sourceIp: req.sourceIp });
  return { outcome: 'refused', status };
}

/**
 * Behind CloudFront, only requests carrying the distribution's secret origin header are accepted
 * (DESIGN.md §2.1): anything else came straight to execute-api. Unset (locally): not checked.
 */
export function originVerified(headers: Record<string, string | undefined>): boolean {
  const secret = process.env.ORIGIN_VERIFY_SECRET;
  return !secret || header(headers, 'x-origin-verify') === secret;
}
