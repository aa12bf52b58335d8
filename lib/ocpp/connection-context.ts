// What $connect established about a charger, carried to every later frame of the connection in the
// $connect authorizer's context, so the $default hot path does not read the connection item.
//
// API Gateway WebSocket APIs accept a Lambda REQUEST authorizer on $connect only; the `context` it
// returns is passed to the integration as `requestContext.authorizer` and, for the lifetime of the
// connection, to every later route's event as well ($default, $disconnect). Sources: API Gateway
// developer guide, "Control access to WebSocket APIs with AWS Lambda REQUEST authorizers" and
// "Output from an API Gateway Lambda authorizer" (context values: strings, numbers or booleans only;
// no objects, arrays or null); dherault/serverless-offline#1379 and PR #1380 ("The requestContext
// need to be present on all routes, like the API Gateway behavior"), which made its emulator do the
// same. The local runtime (local/ws-gateway.ts) emulates exactly that.
//
// Every value is a string: REST APIs are known to turn context numbers and booleans into strings on
// the way to the integration, so nothing here depends on which one WebSocket APIs do.
import type { BootInfo, ConnectionRecord } from '../db/charge-points';
import { isOcppVersion, type OcppVersion } from './versions';

/** A charger the authorizer authenticated. */
export interface AdmittedCharger {
  readonly outcome: 'admitted';
  readonly identity: string;
  readonly chargePointId: string;
  readonly operatorId: string;
  readonly projectId: string;
  /** The version it is registered for: the only one $connect can negotiate (DESIGN.md §2.3). */
  readonly protocol: OcppVersion;
  /** Which stored password matched. */
  readonly password: 'current' | 'previous';
  readonly credentialKind: 'provisioning' | 'long_term';
  /** The first connect with a rotated password retires the old one (DESIGN.md §3 grace path). */
  readonly retirePrevious: boolean;
  /** The last boot's answer, carried over a reconnect (lib/ocpp/connect.ts); absent: no boot yet. */
  readonly bootStatus?: 'Accepted' | 'Pending';
  /** The connection this one supersedes, to be closed once this one is recorded. */
  readonly previousConnectionId?: string;
  /** When that one was recorded: moments ago, its own handshake may still be running (connect.ts). */
  readonly previousConnectedAt?: string;
  /** Its location balances power (ChargePoint.powerManaged), as of this connect. */
  readonly powerManaged?: boolean;
}

/**
 * A charger the $connect integration must refuse. The authorizer lets it through rather than
 * denying it: an authorizer can only answer 401 (by failing, which counts as a Lambda error and
 * would page someone for every wrong password) or 403 (Deny), while the OCPP contract answers 401
 * with a Basic challenge (DESIGN.md §2.4, §2.8), for an unknown identity too (lib/ocpp/connect.ts).
 * The refusal was recorded by the authorizer; the integration only answers it.
 */
export interface RefusedCharger {
  readonly outcome: 'refused';
  readonly status: 401;
}

export type ChargerContext = AdmittedCharger | RefusedCharger;

/** The authorizer's `context` map: string values only. */
export function toAuthorizerContext(c: ChargerContext): Record<string, string> {
  if (c.outcome === 'refused') return { outcome: c.outcome, status: String(c.status) };
  return {
    outcome: c.outcome,
    identity: c.identity,
    chargePointId: c.chargePointId,
    operatorId: c.operatorId,
    projectId: c.projectId,
    protocol: c.protocol,
    password: c.password,
    credentialKind: c.credentialKind,
    retirePrevious: String(c.retirePrevious),
    ...(c.bootStatus ? { bootStatus: c.bootStatus } : {}),
    ...(c.previousConnectionId ? { previousConnectionId: c.previousConnectionId } : {}),
    ...(c.previousConnectedAt ? { previousConnectedAt: c.previousConnectedAt } : {}),
    ...(c.powerManaged ? { powerManaged: 'true' } : {}),
  };
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const oneOf = <T extends string>(v: unknown, values: readonly T[]): T | undefined => (values.includes(v as T) ? (v as T) : undefined);

/**
 * `requestContext.authorizer` read back, or undefined when it is absent or not ours (a connection
 * opened before the authorizer was deployed, an event without one): the caller then reads the
 * connection item as before. Never throws.
 */
export function fromAuthorizerContext(raw: unknown): ChargerContext | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const c = raw as Record<string, unknown>;
  if (c.outcome === 'refused') {
    // A context from before unknown identities answered 401 said 404: answered 401 now all the same.
    const status = Number(c.status);
    return status === 401 || status === 404 ? { outcome: 'refused', status: 401 } : undefined;
  }
  if (c.outcome !== 'admitted') return undefined;
  const identity = str(c.identity);
  const chargePointId = str(c.chargePointId);
  const operatorId = str(c.operatorId);
  const projectId = str(c.projectId);
  const protocol = typeof c.protocol === 'string' && isOcppVersion(c.protocol) ? c.protocol : undefined;
  const password = oneOf(c.password, ['current', 'previous'] as const);
  const credentialKind = oneOf(c.credentialKind, ['provisioning', 'long_term'] as const);
  if (!identity || !chargePointId || !operatorId || !projectId || !protocol || !password || !credentialKind) return undefined;
  const bootStatus = oneOf(c.bootStatus, ['Accepted', 'Pending'] as const);
  const previousConnectionId = str(c.previousConnectionId);
  const previousConnectedAt = str(c.previousConnectedAt);
  return {
    outcome: 'admitted',
    identity,
    chargePointId,
    operatorId,
    projectId,
    protocol,
    password,
    credentialKind,
    retirePrevious: c.retirePrevious === true || c.retirePrevious === 'true',
    ...(bootStatus ? { bootStatus } : {}),
    ...(previousConnectionId ? { previousConnectionId } : {}),
    ...(previousConnectedAt ? { previousConnectedAt } : {}),
    ...(c.powerManaged === true || c.powerManaged === 'true' ? { powerManaged: true } : {}),
  };
}

/** The connection as $connect recorded it, rebuilt from the event instead of read from the table. */
export function connectionFromContext(
  connectionId: string,
  c: AdmittedCharger,
  connectedAtMs: number | undefined,
  sourceIp: string | undefined,
): ConnectionRecord {
  const bootStatus: BootInfo['status'] | undefined = c.bootStatus;
  return {
    connectionId,
    identity: c.identity,
    chargePointId: c.chargePointId,
    operatorId: c.operatorId,
    projectId: c.projectId,
    protocol: c.protocol,
    connectedAt: new Date(typeof connectedAtMs === 'number' && Number.isFinite(connectedAtMs) ? connectedAtMs : Date.now()).toISOString(),
    ...(sourceIp ? { sourceIp } : {}),
    ...(bootStatus ? { bootStatus } : {}),
    ...(c.powerManaged ? { powerManaged: true } : {}),
  };
}
