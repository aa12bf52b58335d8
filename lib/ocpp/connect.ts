// $connect: who is this charge point, may it connect, and which OCPP version do we speak?
// Order: identity (404) → Basic auth (401) → subprotocol (400), so nothing about a charge point's
// configuration is revealed before it has authenticated (DESIGN.md §2.3–2.5).
import { chargePointConnectedUpdate, connectionPut, getChargePoint, getIdentityGuard, type ChargePoint } from '../db/charge-points';
import { logPut, putLogEntry } from '../db/logs';
import { transactWrite } from '../aws/transact';
import { closeConnection } from '../aws/connections';
import { makeEvent, publish } from '../events/publish';
import { log } from '../log';
import { canonicalIdentity, identitiesMatch, isValidIdentity, matchChargerPassword, parseBasicAuth } from './credentials';
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

export async function connectChargePoint(req: ConnectRequest): Promise<ConnectOutcome> {
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
  if (match === 'previous' && previousUntil !== undefined && previousUntil <= req.at) {
    return authFailure(cp, identity, req, `previous password expired at ${previousUntil}; the charge point never used its long-term password and must be re-provisioned`);
  }

  const negotiated = negotiateSubprotocol(header(req.headers, 'sec-websocket-protocol'), [cp.protocol]);
  if (!negotiated) {
    await putLogEntry({
      identity,
      at: req.at,
      category: 'connection',
      kind: 'auth_failure',
      detail: { reason: 'no acceptable subprotocol', offered: header(req.headers, 'sec-websocket-protocol') ?? null, registered: cp.protocol, sourceIp: req.sourceIp },
    });
    return { ok: false, status: 400, reason: `charge point is registered for ${cp.protocol}` };
  }

  const previous = cp.connection?.connectionId;
  const connection = {
    connectionId: req.connectionId,
    protocol: negotiated.version,
    connectedAt: req.at,
    credential: match === 'previous' ? ('previous' as const) : (cp.credentials?.kind ?? 'provisioning'),
    ...(req.sourceIp ? { sourceIp: req.sourceIp } : {}),
  };
  // Grace path (DESIGN.md §3): the first connect with the new password retires the old one.
  const retirePrevious = match === 'current' && cp.credentials?.previous !== undefined;
  const result = await transactWrite([
    connectionPut({
      connectionId: connection.connectionId,
      protocol: connection.protocol,
      connectedAt: connection.connectedAt,
      ...(req.sourceIp ? { sourceIp: req.sourceIp } : {}),
      identity,
      chargePointId: cp.chargePointId,
      operatorId: cp.operatorId,
      projectId: cp.projectId,
      // A reconnect is not a reboot: chargers reconnect (API Gateway closes sockets after 2 h) and
      // carry on without a new BootNotification, so the last boot's answer still holds (OCPP-J 1.6
      // §4.2 / 2.0.1 B02: the boot is per reboot, not per connection). A new boot replaces it.
      ...(cp.boot && cp.boot.status !== 'Rejected' && cp.protocol === negotiated.version ? { bootStatus: cp.boot.status } : {}),
    }),
    chargePointConnectedUpdate(cp.chargePointId, connection, retirePrevious),
    logPut({
      identity,
      at: req.at,
      category: 'connection',
      kind: 'connected',
      detail: { connectionId: req.connectionId, protocol: negotiated.version, sourceIp: req.sourceIp ?? null, password: match, ...(retirePrevious ? { retiredPreviousPassword: true } : {}) },
    }),
  ]);
  if (result.cancelled) {
    // A newer connection already won the race; refuse this stale one rather than overwrite it.
    log.warn('stale $connect lost to a newer connection', { identity, connectionId: req.connectionId, reasons: result.reasons });
    return { ok: false, status: 401, reason: 'superseded by a newer connection' };
  }
  if (match === 'previous') log.warn('charge point used its previous password', { identity });

  if (previous && previous !== req.connectionId) {
    // The old socket may still be open (a charger that reconnected without closing): close it.
    await closeConnection(previous).catch((err: unknown) => log.warn('could not close superseded connection', { identity, previous, err }));
  }
  await publish([
    makeEvent('charge_point.connected', cp.operatorId, {
      charge_point_id: cp.chargePointId,
      charge_point_identity: identity,
      project_id: cp.projectId,
      ocpp_protocol: negotiated.version,
      ...(req.sourceIp ? { source_ip: req.sourceIp } : {}),
    }),
  ]).catch((err: unknown) => log.error('publish charge_point.connected failed', { identity, err }));
  return { ok: true, subprotocol: negotiated.echo, identity, ...(previous && previous !== req.connectionId ? { superseded: previous } : {}) };
}

async function authFailure(cp: ChargePoint, identity: string, req: ConnectRequest, reason: string): Promise<ConnectOutcome> {
  await putLogEntry({ identity, at: req.at, category: 'security', kind: 'auth_failure', detail: { reason, sourceIp: req.sourceIp ?? null } });
  log.warn('charge point authentication failed', { identity, chargePointId: cp.chargePointId, reason, sourceIp: req.sourceIp });
  return { ok: false, status: 401, reason };
}

function reject(status: 404, reason: string, identity: string, req: ConnectRequest): ConnectOutcome {
  log.warn('charge point connection refused', { status, reason, identity, sourceIp: req.sourceIp });
  return { ok: false, status, reason };
}
