// How a charge point's status is shown, everywhere (installer app, job page, REST API, webhooks).
//
// Two parts: the integration state (is the charger talking to us?) and the charge point state (what
// is it doing, and may drivers use it?). Shown as `connected (available)`; the second part is left
// out when it is `passive` or equal to the first (installer page guide, shared/DOMAIN.md §1).
// Validation messages (`No serial`, `Serial is in use by: <Team>`) take the place of the whole
// label; that rule lives in charge-point-view.ts, where the serial's holder can be read.

import type { OcppVersion } from '../ocpp/versions';

export const INTEGRATION_STATES = ['connected', 'disconnected', 'error', 'pending', 'no_integration'] as const;
export type IntegrationState = (typeof INTEGRATION_STATES)[number];

export const CHARGE_POINT_STATES = [
  'available',
  'busy-charging',
  'busy-non-charging',
  'busy-reserved',
  'maintenance',
  'inactive',
  'faulted',
  'unknown',
  'passive',
] as const;
/**
 * Two kinds of state, and they age differently:
 *
 * Live usage states: what the charger reports right now. They go stale the moment it disconnects
 * (a charger that was `available` an hour ago may be charging, or off, now), so they are shown only
 * while the integration is `connected`:
 * - `available`, `busy-charging`, `busy-non-charging`, `busy-reserved`: from connector statuses
 *   (chargePointStateFromConnectors).
 * - `faulted`: a fault prevents charging (OCPP `Faulted`). The integration stays `connected`: the
 *   charger is talking to us fine, it is the hardware that is broken. Live too: a fault may clear.
 * - `unknown`: connected, but no usable connector status has been reported yet.
 *
 * Operator-set states: someone decided them on purpose, so they stay true while the charger is
 * offline and are shown with any integration state (`disconnected (maintenance)`):
 * - `maintenance`: deliberately out of service: the operator set it with ChangeAvailability
 *   (Inoperative), and the charger reports Unavailable. OCPP 1.6 §4.9: an Unavailable set by
 *   ChangeAvailability "MUST be persistent across reboots" (2.0.1: TC_G_08..10 "state persists
 *   across reboot"), so it is still true after a disconnection.
 * - `inactive`: not activated yet: new charge points stay closed to drivers until the job is
 *   completed or the operator activates them (lib/domain/jobs.ts). While connected it replaces only
 *   the idle states (`available`, `unknown`): a test charge by the installer (`busy-charging`) or a
 *   fault still shows, because the installer needs to see it.
 *
 * `passive`: nothing to show: no live state because the integration is not `connected` (never
 * integrated, Pending during commissioning, disconnected, or in error), and no operator-set state.
 */
export type ChargePointState = (typeof CHARGE_POINT_STATES)[number];

export interface ChargePointStatus {
  readonly integration: IntegrationState;
  /** Live states only while `connected`; operator-set states always; else `passive`. */
  readonly chargePoint: ChargePointState;
  /** `connected (available)`, `disconnected (maintenance)`, or just `disconnected`. */
  readonly label: string;
}

/** What the platform knows about the charge point beyond its connectors. */
export interface OperatorSetState {
  /** Activated (job completed, or the operator). Default true: see charge-point-view.ts isActive. */
  readonly active?: boolean;
}

/**
 * The one function that turns the two parts into what is shown. `chargePoint` is the state last
 * derived with chargePointStateFromConnectors (undefined when none yet), whether or not the charger
 * is still connected: this function decides what of it is still true.
 */
export function describeChargePointStatus(
  integration: IntegrationState,
  chargePoint: ChargePointState | undefined,
  operatorSet: OperatorSetState = {},
): ChargePointStatus {
  const active = operatorSet.active ?? true;
  let effective: ChargePointState;
  if (integration === 'connected') {
    effective = chargePoint ?? 'unknown';
    if (!active && (effective === 'available' || effective === 'unknown')) effective = 'inactive';
  } else if (chargePoint === 'maintenance') {
    effective = 'maintenance';
  } else {
    effective = active ? 'passive' : 'inactive';
  }
  const label = effective === 'passive' || (effective as string) === integration ? integration : `${integration} (${effective})`;
  return { integration, chargePoint: effective, label };
}

/** One connector status as last reported (StatusNotification; 2.0.1 also TransactionEvent). */
export interface ConnectorStatusReport {
  /** 2.0.1 evseId; 0 addresses the whole station (a Reset may report it, DESIGN §3). Unused for 1.6. */
  readonly evseId?: number;
  /** 1.6: 0 is the Charge Point main controller (1.6 §3.8, §4.9). 2.0.1: connector within the EVSE. */
  readonly connectorId: number;
  /** 1.6 ChargePointStatus or 2.0.1 ConnectorStatusEnumType, verbatim. */
  readonly status: string;
  /**
   * 2.0.1 only: `transactionInfo.chargingState` (ChargingStateEnumType) of the transaction running
   * on this EVSE, when known. Only `Charging` makes an Occupied connector `busy-charging`.
   */
  readonly chargingState?: string;
  /** When we received it (ISO 8601). Decides whether a whole-station status is stale; absent = current. */
  readonly at?: string;
}

/** What else is known about the charge point when its connector statuses are read. */
export interface ConnectorStatusContext {
  /** When the last BootNotification was received (ISO 8601). */
  readonly bootAt?: string;
}

/**
 * Per-connector mapping.
 *
 * | 1.6 ChargePointStatus                            | 2.0.1 ConnectorStatusEnumType            | state             |
 * |--------------------------------------------------|------------------------------------------|-------------------|
 * | Available                                        | Available                                | available         |
 * | Charging                                         | Occupied, chargingState Charging         | busy-charging     |
 * | Preparing, SuspendedEV, SuspendedEVSE, Finishing | Occupied, other or unknown chargingState | busy-non-charging |
 * | Reserved                                         | Reserved                                 | busy-reserved     |
 * | Unavailable                                      | Unavailable                              | maintenance       |
 * | Faulted                                          | Faulted                                  | faulted           |
 * | anything else (other version's value, typo)      | anything else                            | ignored           |
 *
 * Unavailable is `maintenance`: it is set by ChangeAvailability or used internally while updating
 * firmware (1.6 §4.9), i.e. the charger is deliberately out of service, not broken.
 */
const STATUS_16: Readonly<Record<string, ChargePointState>> = {
  Available: 'available',
  Preparing: 'busy-non-charging',
  Charging: 'busy-charging',
  SuspendedEVSE: 'busy-non-charging',
  SuspendedEV: 'busy-non-charging',
  Finishing: 'busy-non-charging',
  Reserved: 'busy-reserved',
  Unavailable: 'maintenance',
  Faulted: 'faulted',
};

const STATUS_201: Readonly<Record<string, ChargePointState>> = {
  Available: 'available',
  Occupied: 'busy-non-charging',
  Reserved: 'busy-reserved',
  Unavailable: 'maintenance',
  Faulted: 'faulted',
};

function connectorState(version: OcppVersion, report: ConnectorStatusReport): ChargePointState | undefined {
  if (version === 'ocpp1.6') return Object.hasOwn(STATUS_16, report.status) ? STATUS_16[report.status] : undefined;
  if (!Object.hasOwn(STATUS_201, report.status)) return undefined;
  if (report.status === 'Occupied' && report.chargingState === 'Charging') return 'busy-charging';
  return STATUS_201[report.status];
}

function isWholeChargePoint(version: OcppVersion, report: ConnectorStatusReport): boolean {
  return version === 'ocpp1.6' ? report.connectorId === 0 : report.evseId === 0;
}

/**
 * Whether a whole-charge-point status still says something about now. Its entry is the newest one
 * for connector 0 / EVSE 0, but a charger does not always report that entry again when it changes:
 *
 * - A BootNotification after it makes it stale (both versions). Availability persists across a
 *   reboot, but after booting the charger reports it per connector: 2.0.1 TC_B_23_CS and TC_G_21_CS
 *   expect connector reports with "evseId not 0"; 1.6 §5.2 applies connector 0 to all connectors.
 * - 2.0.1 only: a newer per-EVSE report makes it stale. After ChangeAvailability(Operative) for the
 *   whole station the station reports "the current state of all its connectors (and optionally
 *   also the Charging Station itself)" (TC_G_06_CS, G04), so an EVSE 0 Available may never come.
 *   In 1.6 connector 0 has a status of its own with "no direct connection" to the connectors
 *   (§4.9) and the charger reports its change (§5.2), so newer connector reports do not clear it.
 * - An explicit newer status for connector 0 / EVSE 0 replaces it (it is the newest entry).
 */
function isCurrentWholeStatus(
  version: OcppVersion,
  whole: ConnectorStatusReport,
  connectors: readonly ConnectorStatusReport[],
  context: ConnectorStatusContext,
): boolean {
  const at = whole.at;
  if (at === undefined) return true;
  if (context.bootAt !== undefined && at < context.bootAt) return false;
  return version === 'ocpp1.6' || !connectors.some((c) => c.at !== undefined && !isWholeChargePoint(version, c) && c.at > at);
}

/** Aggregation order across connectors: the first state any connector is in wins. */
const USAGE_PRIORITY: readonly ChargePointState[] = ['busy-charging', 'busy-non-charging', 'busy-reserved', 'available'];

/**
 * The charge point state from its connectors' last statuses.
 *
 * 1. The whole-charge-point entry (1.6 connectorId 0, the main controller; 2.0.1 evseId 0) dominates
 *    when it is Faulted (→ faulted) or Unavailable (→ maintenance, e.g. ChangeAvailability on
 *    connector 0). For connector 0 only Available, Unavailable and Faulted apply and it "has no
 *    direct connection to the status of the individual Connectors" (1.6 §4.9), so its Available
 *    counts only when no connector has reported.
 * 2. Otherwise the connectors are aggregated by usage: any charging → busy-charging, else any
 *    busy → busy-non-charging, else any reserved → busy-reserved, else any available → available.
 *    A faulted or unavailable connector does not hide a usable one.
 * 3. No usable connector: any faulted → faulted, else (all unavailable) → maintenance.
 * 4. Nothing recognisable reported → unknown.
 *
 * A whole-charge-point status that a later boot or (2.0.1) a later per-EVSE report made stale is
 * left out (isCurrentWholeStatus).
 */
export function chargePointStateFromConnectors(
  version: OcppVersion,
  connectors: readonly ConnectorStatusReport[],
  context: ConnectorStatusContext = {},
): ChargePointState {
  const whole = new Set<ChargePointState>();
  const each = new Set<ChargePointState>();
  for (const report of connectors) {
    const state = connectorState(version, report);
    if (state === undefined) continue;
    if (!isWholeChargePoint(version, report)) each.add(state);
    else if (isCurrentWholeStatus(version, report, connectors, context)) whole.add(state);
  }
  if (whole.has('faulted')) return 'faulted';
  if (whole.has('maintenance')) return 'maintenance';
  const states = each.size > 0 ? each : whole;
  for (const state of USAGE_PRIORITY) if (states.has(state)) return state;
  if (states.has('faulted')) return 'faulted';
  if (states.has('maintenance')) return 'maintenance';
  return 'unknown';
}
