// How a charge point is shown over the API: identity, registration, boot data, and the status
// computed by the one status function (charge-point-status.ts). The one place for the validation
// messages that take the place of the status (installer page guide, shared/DOMAIN.md §1): the
// operator API, the installer API and the public job page all show this view.
import { getIdentityGuard, type ChargePoint, type IdentityGuard } from '../db/charge-points';
import { activeTransactions, latestConnectorStatuses, type ActiveTransaction, type ConnectorStatusEntry } from '../db/logs';
import { connectorKey } from '../ocpp/actions/status';
import { firmwareSourceText } from './firmware-source';
import { describePasswordRotation, type PasswordRotationView } from './password-rotation';
import { chargePointStateFromConnectors, describeChargePointStatus, type IntegrationState } from './charge-point-status';
import { serialInUseMessage } from './charge-points';

export function integrationStateOf(cp: ChargePoint): IntegrationState {
  if (!cp.identity || !cp.protocol) return 'no_integration';
  if (cp.connection) return cp.boot?.status === 'Rejected' ? 'error' : 'connected';
  return cp.lastDisconnectedAt ? 'disconnected' : 'pending';
}

/**
 * How many connectors the charge point has: the charger's own 1.6 NumberOfConnectors when it has
 * answered GetConfiguration (1.6 §9.1.21), else the count typed at registration, raised to the
 * number of connectors the charger reported status for (distinct 1.6 connectorIds, 2.0.1
 * evseId/connectorId pairs). Counting what reported, not the highest id, keeps one bogus id from
 * inflating the count. Connector 0 / EVSE 0 is the whole charge point, not a connector.
 */
export function connectorCountOf(cp: ChargePoint, reported: readonly ConnectorStatusEntry[]): number {
  const physical = reported.filter((c) => (cp.protocol === 'ocpp2.0.1' ? (c.evseId ?? 0) > 0 : c.connectorId > 0));
  const learned = new Set(physical.map((c) => connectorKey(c.evseId, c.connectorId))).size;
  return Math.max(cp.numberOfConnectors ?? cp.connectorCount, learned);
}

/** connectorCountOf with the statuses read (AP-12): what the handover certificate prints. */
export async function readConnectorCount(cp: ChargePoint): Promise<number> {
  return connectorCountOf(cp, cp.identity ? await latestConnectorStatuses(cp.identity) : []);
}

/**
 * Open to drivers. Items written before activation existed have no `active` attribute: they count as
 * active. Their chargers were already in service (nothing used to hold them back), and turning them
 * inactive on deploy would silently change live sites; every charge point created since is written
 * with `active: false` (domain/charge-points.ts) until its job completes or the operator activates it.
 */
export function isActive(cp: ChargePoint): boolean {
  return cp.active !== false;
}

/**
 * Why the charge point cannot have a status yet, in the guide's words, or null. `No serial`: nothing
 * to connect. `Serial is in use by: <Team>`: the planned serial is held by another team (the
 * cross-operator wording names nobody: serialInUseMessage). A planned serial nobody holds is no
 * error: the status says `no_integration` until it is registered.
 */
export async function validationMessageOf(cp: ChargePoint): Promise<string | null> {
  return validationMessageFor(cp, !cp.identity && cp.plannedSerial ? await getIdentityGuard(cp.plannedSerial) : undefined);
}

/** validationMessageOf with the planned serial's identity guard (AP-09) already read. */
export function validationMessageFor(
  cp: Pick<ChargePoint, 'identity' | 'plannedSerial' | 'teamId' | 'operatorId'>,
  plannedSerialHolder: Pick<IdentityGuard, 'teamId' | 'teamName' | 'operatorId'> | undefined,
): string | null {
  if (cp.identity) return null;
  if (!cp.plannedSerial) return 'No serial';
  return plannedSerialHolder && plannedSerialHolder.teamId !== cp.teamId ? serialInUseMessage(plannedSerialHolder, cp.operatorId) : null;
}

export interface ChargePointView {
  readonly charge_point_id: string;
  readonly project_id: string;
  readonly serial_number: string | null;
  readonly charge_point_identity: string | null;
  readonly ocpp_protocol: string | null;
  readonly connector_count: number;
  readonly vendor: string | null;
  readonly model: string | null;
  readonly firmware_version: string | null;
  /** `reported in BootNotification`, `read with GetConfiguration key …`, `recorded by installer: <reason>`. */
  readonly firmware_version_source: string | null;
  /** The one label: the validation message when there is one, else `integration (charge point)`. */
  readonly status: string;
  /** `No serial`, `Serial is in use by: <Team>`, or null. */
  readonly validation_message: string | null;
  /** Open to drivers (isActive). */
  readonly active: boolean;
  readonly integration_state: IntegrationState;
  readonly charge_point_state: string;
  readonly connectors: ConnectorStatusEntry[];
  readonly connected_at: string | null;
  readonly last_disconnected_at: string | null;
  readonly last_boot: { readonly at: string; readonly status: string } | null;
  readonly commissioning_status: string;
  /** The move to the long-term password: `rotated` only once the charger has connected with it. */
  readonly password_rotation: PasswordRotationView | null;
  /** The charging session running now as far as we know (a transaction not yet stopped), else null. */
  /** Moved to an external backoffice (domain/backoffice.ts): where it went and when, else null. */
  readonly departed: { readonly url: string; readonly at: string } | null;
  readonly session: { readonly transaction_id: string; readonly connector_id: number | null; readonly evse_id: number | null; readonly started_at: string | null } | null;
}

export async function viewChargePoint(cp: ChargePoint): Promise<ChargePointView> {
  const integration = integrationStateOf(cp);
  const [connectors, transactions, validation] = await Promise.all([
    cp.identity ? latestConnectorStatuses(cp.identity) : Promise.resolve([]),
    cp.identity ? activeTransactions(cp.identity) : Promise.resolve([] as ActiveTransaction[]),
    validationMessageOf(cp),
  ]);
  // 2.0.1 says only Occupied; whether it is charging comes from the transaction on that EVSE.
  const charging =
    cp.protocol === 'ocpp2.0.1'
      ? new Map(transactions.filter((t) => t.evseId !== undefined).map((t) => [t.evseId!, t.chargingState]))
      : new Map<number, string | undefined>();
  const reports = connectors.map((c) => {
    const chargingState = c.evseId === undefined ? undefined : charging.get(c.evseId);
    return chargingState ? { ...c, chargingState } : c;
  });
  const state = reports.length && cp.protocol ? chargePointStateFromConnectors(cp.protocol, reports, { bootAt: cp.boot?.at }) : undefined;
  const status = describeChargePointStatus(integration, state, { active: isActive(cp) });
  const session = transactions[0];
  return {
    charge_point_id: cp.chargePointId,
    project_id: cp.projectId,
    serial_number: cp.displaySerial ?? cp.identity ?? null,
    charge_point_identity: cp.identity ?? null,
    ocpp_protocol: cp.protocol ?? null,
    connector_count: connectorCountOf(cp, connectors),
    vendor: cp.boot?.chargePointVendor ?? cp.vendor ?? null,
    model: cp.boot?.chargePointModel ?? cp.model ?? null,
    firmware_version: cp.firmwareVersion ?? null,
    firmware_version_source: cp.firmwareVersion ? firmwareSourceText(cp) : null,
    status: validation ?? status.label,
    validation_message: validation,
    active: isActive(cp),
    integration_state: status.integration,
    charge_point_state: status.chargePoint,
    connectors,
    connected_at: cp.connection?.connectedAt ?? null,
    last_disconnected_at: cp.lastDisconnectedAt ?? null,
    last_boot: cp.boot ? { at: cp.boot.at, status: cp.boot.status } : null,
    commissioning_status: cp.commissioning?.status ?? 'pending',
    password_rotation: describePasswordRotation(cp),
    departed: cp.departed ?? null,
    session: session
      ? { transaction_id: session.transactionId, connector_id: session.connectorId ?? null, evse_id: session.evseId ?? null, started_at: session.startedAt ?? null }
      : null,
  };
}
