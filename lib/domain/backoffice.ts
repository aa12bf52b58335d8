// Connect a charger to a backoffice (issue #17 §3, docs/site-devices.md): to another operator on
// this platform with a role, or away to an external backoffice by its WebSocket URL.
//
// Decisions:
// - Ownership stays with the location's operator: the charger keeps its operatorId, team and project,
//   so the location's operator API still sees it and its sessions. The connected operator reaches it
//   only through the routes here.
// - Billing: sessions started while the connection holds are priced with the connected operator's
//   price group (domain/pricing.ts resolvePriceGroup, through the charge point's `billing` copy) and
//   carry `billingOperatorId`; that operator reads exactly those sessions. The billing group applies
//   also to the location operator's own remote starts: billing was handed over for the charger.
// - Tokens (a roaming-like question): the billing operator's operator-wide drivers are NOT accepted on
//   the charger. A session stays the location operator's record (its API lists it with the user id and
//   token), so accepting another operator's subscribers would hand their identities to an operator
//   they have no contract with; id token values are unique per operator only, so one card value could
//   name two drivers; and charging across operators is roaming (OCPI), a contract this issue does not
//   make. The location's own cards (its team's drivers, domain/authorization.ts) keep working as before,
//   now billed at the connected operator's prices.
// - Monitoring: the charger's status only. Its sessions answer 403 (the charger is within the
//   operator's reach, the connection's role does not include sessions): the house rule is 404 for
//   what is out of reach, 403 for what is reached but not allowed.
// - External: 2.0.1 moves with SetNetworkProfile (B09) into a slot not in NetworkConfigurationPriority,
//   SetVariables putting that slot first, and Reset OnIdle (B10: the station then connects with the
//   first profile). Any answer but Accepted stops the sequence and is reported with what the charger
//   said; nothing is recorded until all three were accepted. 1.6 has no standard key for the central
//   system URL: 409 unless OCPP16_BACKOFFICE_URL_KEYS names the vendor key for the charger's vendor
//   and model (JSON {"Vendor/Model": "KeyName"}), then ChangeConfiguration and Reset Soft.
import { getChargePoint, type ChargePoint } from '../db/charge-points';
import {
  acceptBackofficeRequest,
  deleteBackofficeConnection,
  getBackofficeConnection,
  listBackofficeConnectionsOfOperator,
  putBackofficeRequest,
  recordDeparture,
  type BackofficeConnection,
  type BackofficeRole,
} from '../db/backoffice';
import { getOperator } from '../db/operators';
import { getPriceGroup } from '../db/price-groups';
import { getSite } from '../db/projects';
import type { AccountPrincipal } from '../http/handler';
import { nowIso } from '../ids';
import { optionalEnv } from '../env';
import { parseUrlKeys } from './backoffice-url-keys';
import { isIP } from 'node:net';
import { isPublicAddress, probeBackoffice } from '../ocpp/backoffice-probe';
import { callChargePoint, type CommandRecord } from '../ocpp/commands';
import type { JsonObject } from '../ocpp/codec';
import { viewChargePoint } from './charge-point-view';
import { Conflict, Forbidden, NotFound, Unprocessable, ValidationFailed } from './errors';
import { locationChargePoint } from './locations';
import { listSessionsBilledBy, type SessionListQuery } from './sessions';

export type BackofficeRequest =
  | { readonly kind: 'operator'; readonly operator_id: string; readonly role: BackofficeRole }
  | { readonly kind: 'external'; readonly url: string; readonly security_profile?: 2 | 3 };

/** Vendor keys holding the central system URL on 1.6 chargers, by "Vendor/Model" (read once, at load). */
export const OCPP16_URL_KEYS: Readonly<Record<string, string>> = parseUrlKeys(optionalEnv('OCPP16_BACKOFFICE_URL_KEYS', '{}'));

/** OCPP 2.0.1 NetworkConnectionProfileType: messageTimeout in seconds (the charger's wait for an answer). */
const MESSAGE_TIMEOUT_S = 30;

// --- Views ---------------------------------------------------------------------------------------

async function locationView(cp: ChargePoint, c: BackofficeConnection | undefined) {
  const operator = c ? await getOperator(c.operatorId) : undefined;
  return {
    charge_point_id: cp.chargePointId,
    connection: cp.departed ? ('departed' as const) : (c?.status ?? ('none' as const)),
    operator: c ? { operator_id: c.operatorId, name: operator?.name ?? null } : null,
    role: c?.role ?? null,
    requested_at: c?.requestedAt ?? null,
    accepted_at: c?.acceptedAt ?? null,
    departed: cp.departed ?? null,
  };
}

const operatorView = (c: BackofficeConnection) => ({
  charge_point_id: c.chargePointId,
  status: c.status,
  role: c.role,
  serial_number: c.serialNumber,
  location: { location_id: c.siteId, name: c.locationName, operator_id: c.locationOperatorId },
  requested_at: c.requestedAt,
  accepted_at: c.acceptedAt ?? null,
  price_group_id: c.priceGroupId ?? null,
});

// --- The location's side (location:configure, location:read) ------------------------------------

export async function showBackoffice(who: AccountPrincipal, locationId: string, chargePointId: string) {
  const cp = await locationChargePoint(who, locationId, chargePointId, 'location:read');
  return locationView(cp, await getBackofficeConnection(chargePointId, true));
}

export async function connectBackoffice(who: AccountPrincipal, locationId: string, chargePointId: string, body: BackofficeRequest) {
  const cp = await locationChargePoint(who, locationId, chargePointId, 'location:configure');
  if (body.kind === 'external') return moveToExternal(cp, body, `account:${who.accountId}`);
  // One answer for an operator that does not exist, whatever the reason: nothing more is said.
  const operator = await getOperator(body.operator_id);
  if (!operator) throw new NotFound(`Operator ${body.operator_id} not found`, { field: 'operator_id' });
  if (operator.operatorId === cp.operatorId) {
    throw new Unprocessable("This charger belongs to that operator already: its own backoffice needs no connection", [{ field: 'operator_id', message: 'is the operator the charger belongs to' }]);
  }
  if (cp.departed) throw new Conflict(`This charger moved to ${cp.departed.url}; it no longer connects here`, { field: 'charge_point_id' });
  const site = await getSite(cp.operatorId, cp.siteId);
  const connection: BackofficeConnection = {
    chargePointId: cp.chargePointId,
    operatorId: operator.operatorId,
    role: body.role,
    status: 'pending',
    locationOperatorId: cp.operatorId,
    siteId: cp.siteId,
    locationName: site?.name ?? '',
    serialNumber: cp.displaySerial ?? cp.identity ?? null,
    requestedBy: `account:${who.accountId}`,
    requestedAt: nowIso(),
  };
  if (!(await putBackofficeRequest(connection))) {
    throw new Conflict('This charger has a backoffice connection already (or has moved away); disconnect it first', { field: 'charge_point_id' });
  }
  return locationView(cp, connection);
}

/** Disconnects an operator connection, or withdraws a pending request. */
export async function disconnectBackoffice(who: AccountPrincipal, locationId: string, chargePointId: string): Promise<void> {
  const cp = await locationChargePoint(who, locationId, chargePointId, 'location:configure');
  const c = await getBackofficeConnection(chargePointId, true);
  if (!c) {
    if (cp.departed) throw new Conflict(`This charger moved to ${cp.departed.url}; there is no connection here to end`, { field: 'charge_point_id' });
    throw new NotFound(`Charge point ${chargePointId} has no backoffice connection`);
  }
  if (!(await deleteBackofficeConnection(c, nowIso()))) throw new Conflict('The connection changed meanwhile; try again', { field: 'charge_point_id' });
}

// --- Moving to an external backoffice ----------------------------------------------------------------

/** `wss://` only, at most 512 characters (OCPP 2.0.1 ocppCsmsUrl), no credentials, a public host. */
export function checkBackofficeUrl(raw: string): URL {
  const bad = (message: string): never => {
    throw new ValidationFailed(`The backoffice URL ${message}`, [{ field: 'url', message }]);
  };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return bad('is not a URL');
  }
  if (url.protocol !== 'wss:') bad('must start with wss:// (a TLS WebSocket endpoint)');
  if (raw.length > 512) bad('must be at most 512 characters');
  if (url.username || url.password) bad('must not carry credentials');
  if (url.search || url.hash) bad('must not carry a query or fragment (the charger appends its identity to the path)');
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (isIP(host) ? !isPublicAddress(host) : host === 'localhost' || host.endsWith('.localhost') || !host.includes('.')) {
    bad(`must name a public host (${host} is private, loopback or link-local)`);
  }
  return url;
}

interface Step {
  readonly action: string;
  readonly status: CommandRecord['status'];
}

/** Stops the move with what the charger said; nothing has been recorded. */
function refused(step: string, rec: CommandRecord, steps: readonly Step[]): never {
  const said = rec.response ?? rec.error ?? null;
  throw new Conflict(
    `The charger did not accept ${step} (${rec.status}${rec.response?.status ? `: ${String(rec.response.status)}` : ''}); it has not moved and nothing was recorded`,
    { field: 'url', step, outcome: rec.status, charger_said: said, steps: [...steps, { action: step, status: rec.status }] },
  );
}

async function moveToExternal(cp: ChargePoint, body: Extract<BackofficeRequest, { kind: 'external' }>, requestedBy: string) {
  const url = checkBackofficeUrl(body.url).toString();
  if (cp.departed) throw new Conflict(`This charger moved to ${cp.departed.url} already`, { field: 'charge_point_id' });
  if (!cp.identity || !cp.protocol) throw new Conflict('This charger has no serial or OCPP registration yet', { field: 'charge_point_id' });
  const model = `${cp.boot?.chargePointVendor ?? cp.vendor ?? ''}/${cp.boot?.chargePointModel ?? cp.model ?? ''}`;
  const urlKey = OCPP16_URL_KEYS[model];
  if (cp.protocol === 'ocpp1.6' && !urlKey) {
    throw new Conflict(`Moving to another backoffice is not supported for this model (${model}): OCPP 1.6 has no standard configuration key for the backoffice URL`, { field: 'charge_point_id', model });
  }
  const probe = await probeBackoffice(url, { identity: cp.identity, subprotocol: cp.protocol });
  if (probe.refusedAddress) throw new ValidationFailed(`The backoffice URL ${probe.detail}`, [{ field: 'url', message: probe.detail }]);
  if (!probe.ok) throw new Unprocessable(`The backoffice URL did not answer a WebSocket handshake: ${probe.detail}`, [{ field: 'url', message: probe.detail }], { probe: probe.detail });

  const steps: Step[] = [];
  const call = async (action: string, payload: JsonObject, accepted: (r: CommandRecord) => boolean) => {
    const rec = await callChargePoint(cp.identity!, action, payload, { requestedBy });
    if (!accepted(rec)) refused(action, rec, steps);
    steps.push({ action, status: rec.status });
    return rec;
  };
  let slot: number | null = null;
  if (cp.protocol === 'ocpp2.0.1') {
    const component = { name: 'OCPPCommCtrlr' };
    const variable = { name: 'NetworkConfigurationPriority' };
    const read = await call('GetVariables', { getVariableData: [{ component, variable }] }, (r) => r.status === 'accepted');
    const current = String((read.response?.getVariableResult as Array<{ attributeValue?: string }> | undefined)?.[0]?.attributeValue ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => /^\d+$/.test(s))
      .map(Number);
    // The lowest slot not in use: the profiles the charger falls back to stay as they are (B09.FR.01).
    slot = 0;
    while (current.includes(slot)) slot += 1;
    await call(
      'SetNetworkProfile',
      {
        configurationSlot: slot,
        connectionData: {
          ocppVersion: 'OCPP20',
          ocppTransport: 'JSON',
          ocppCsmsUrl: url,
          messageTimeout: MESSAGE_TIMEOUT_S,
          // wss with Basic auth is security profile 2 (2.0.1 Part 2 A00.FR.2xx); 3 adds client certificates.
          securityProfile: body.security_profile ?? 2,
          ocppInterface: 'Wired0',
        },
      },
      (r) => r.status === 'accepted',
    );
    await call('SetVariables', { setVariableData: [{ component, variable, attributeValue: [slot, ...current].join(',') }] }, (r) => r.status === 'accepted');
    // OnIdle: a session in progress finishes first (B11/B12); the station then uses the first profile.
    await call('Reset', { type: 'OnIdle' }, (r) => r.status === 'accepted');
  } else {
    // 1.6 ChangeConfiguration: RebootRequired is an accepted value that applies after the reset below (§9.1.6).
    await call('ChangeConfiguration', { key: urlKey!, value: url }, (r) => ['Accepted', 'RebootRequired'].includes(String(r.response?.status)));
    await call('Reset', { type: 'Soft' }, (r) => r.status === 'accepted');
  }
  const departed = { url, at: nowIso() };
  await recordDeparture(cp.chargePointId, departed);
  return { ...(await locationView({ ...cp, departed }, undefined)), configuration_slot: slot, steps };
}

// --- The operator asked (devices:read, devices:write, sessions:read) -------------------------------

/** A connection addressed to this operator; any other charger is indistinguishable from a missing one. */
async function connectionTo(operatorId: string, chargePointId: string): Promise<BackofficeConnection> {
  const c = await getBackofficeConnection(chargePointId, true);
  if (!c || c.operatorId !== operatorId) throw new NotFound(`No backoffice connection of charge point ${chargePointId}`);
  return c;
}

export async function listBackofficeConnections(operatorId: string) {
  return { connections: (await listBackofficeConnectionsOfOperator(operatorId)).map(operatorView) };
}

/** The connection and, once connected, the charger's status (no session details for monitoring). */
export async function showConnectedChargePoint(operatorId: string, chargePointId: string) {
  const c = await connectionTo(operatorId, chargePointId);
  const cp = c.status === 'connected' ? await getChargePoint(chargePointId) : undefined;
  const view = cp ? await viewChargePoint(cp) : null;
  return { ...operatorView(c), charge_point: view && c.role === 'monitoring' ? { ...view, session: null } : view };
}

export async function acceptBackoffice(operatorId: string, chargePointId: string, body: { price_group_id?: string }) {
  const c = await connectionTo(operatorId, chargePointId);
  if (c.status !== 'pending') throw new Conflict('This connection has been accepted already', { field: 'charge_point_id' });
  if (c.role === 'billing') {
    if (!body.price_group_id) throw new ValidationFailed('A billing connection needs the price group to bill with', [{ field: 'price_group_id', message: 'is required for a billing connection' }]);
    if (!(await getPriceGroup(operatorId, body.price_group_id))) {
      throw new ValidationFailed('No such price group', [{ field: 'price_group_id', message: `is not a price group of this operator: ${body.price_group_id}` }]);
    }
  } else if (body.price_group_id) {
    throw new ValidationFailed('A monitoring connection bills nothing', [{ field: 'price_group_id', message: 'only for a billing connection' }]);
  }
  const at = nowIso();
  if (!(await acceptBackofficeRequest(c, at, body.price_group_id))) throw new Conflict('The request was withdrawn or changed meanwhile', { field: 'charge_point_id' });
  return operatorView({ ...c, status: 'connected', acceptedAt: at, ...(body.price_group_id ? { priceGroupId: body.price_group_id } : {}) });
}

/** Declines a request, or ends a connection from the operator's side. */
export async function declineBackoffice(operatorId: string, chargePointId: string): Promise<void> {
  const c = await connectionTo(operatorId, chargePointId);
  if (!(await deleteBackofficeConnection(c, nowIso()))) throw new Conflict('The connection changed meanwhile; try again', { field: 'charge_point_id' });
}

/** Billing only: the sessions this operator priced on the charger (started while connected). */
export async function listBackofficeSessions(operatorId: string, chargePointId: string, q: SessionListQuery) {
  const c = await connectionTo(operatorId, chargePointId);
  if (c.status !== 'connected') throw new Conflict('This connection is pending; accept it first', { field: 'charge_point_id' });
  if (c.role !== 'billing') throw new Forbidden('This charger is connected for monitoring: its sessions are not shared with your backoffice', { field: 'sessions', role: c.role });
  return listSessionsBilledBy(operatorId, chargePointId, q);
}
