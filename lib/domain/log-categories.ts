// The guide's category of each OCPP action (issue #15; DOMAIN.md §2): what the log stores with an
// exchange. Apart from lib/domain/log-glossary.ts, which words the entries, because every OCPP
// function writes log items and needs only this table: the glossary's descriptions stayed out of
// the $default bundle (9 KiB of its own code, issue #13).
import type { LogCategory, LogEntry, LogKind } from '../db/logs';

/** Actions a charge point sends (lib/ocpp/action-names.ts CHARGER_ACTIONS), both versions. */
export const RECEIVED_CATEGORY: Readonly<Record<string, LogCategory>> = {
  BootNotification: 'ocpp_state',
  Heartbeat: 'ocpp_state',
  StatusNotification: 'ocpp_state',
  Authorize: 'security',
  StartTransaction: 'transaction',
  StopTransaction: 'transaction',
  MeterValues: 'transaction',
  TransactionEvent: 'transaction',
  DataTransfer: 'ocpp_state',
  FirmwareStatusNotification: 'ocpp_state',
  SignedFirmwareStatusNotification: 'ocpp_state',
  PublishFirmwareStatusNotification: 'ocpp_state',
  DiagnosticsStatusNotification: 'ocpp_state',
  LogStatusNotification: 'ocpp_state',
  SecurityEventNotification: 'security',
  SignCertificate: 'security',
  NotifyReport: 'ocpp_state',
  NotifyEvent: 'ocpp_state',
  NotifyMonitoringReport: 'ocpp_state',
  NotifyCustomerInformation: 'ocpp_state',
  NotifyDisplayMessages: 'ocpp_state',
  ReservationStatusUpdate: 'transaction',
  NotifyChargingLimit: 'transaction',
  ClearedChargingLimit: 'transaction',
  ReportChargingProfiles: 'transaction',
  NotifyEVChargingNeeds: 'transaction',
  NotifyEVChargingSchedule: 'transaction',
};

/** Commands this CSMS sends (lib/ocpp/action-names.ts COMMAND_ACTIONS), both versions. */
export const SENT_CATEGORY: Readonly<Record<string, LogCategory>> = {
  Reset: 'ocpp_state',
  RemoteStartTransaction: 'transaction',
  RequestStartTransaction: 'transaction',
  RemoteStopTransaction: 'transaction',
  RequestStopTransaction: 'transaction',
  UnlockConnector: 'ocpp_state',
  TriggerMessage: 'ocpp_state',
  ChangeConfiguration: 'ocpp_state',
  GetConfiguration: 'ocpp_state',
  SetVariables: 'ocpp_state',
  GetVariables: 'ocpp_state',
  ChangeAvailability: 'ocpp_state',
  GetBaseReport: 'ocpp_state',
  GetReport: 'ocpp_state',
  SetChargingProfile: 'ocpp_state',
  GetCompositeSchedule: 'ocpp_state',
  ClearChargingProfile: 'ocpp_state',
  SetNetworkProfile: 'security',
  // The location's cards in the charger's local list (issue #17): which cards may charge, so security like Authorize.
  GetLocalListVersion: 'security',
  SendLocalList: 'security',
};

const OCPP_KINDS: ReadonlySet<LogKind> = new Set(['call_in', 'call_out', 'result_in']);

/** The category of an OCPP exchange by its action, or undefined when the action is not in the tables. */
export function actionCategory(entry: Pick<LogEntry, 'kind' | 'action'>): LogCategory | undefined {
  if (!entry.action) return undefined;
  const table = entry.kind === 'call_in' ? RECEIVED_CATEGORY : SENT_CATEGORY;
  return Object.hasOwn(table, entry.action) ? table[entry.action] : undefined;
}

/**
 * The guide's category of an entry. For an OCPP exchange the glossary decides by action (so
 * Authorize is authentication, white, whichever handler wrote it); a category a writer chose for
 * a reason the action cannot show stays: `security` (a CALL refused with SecurityError, a wrong
 * password), `connection` (socket events) and `audit` (a person's change).
 */
export function guideCategory(entry: Pick<LogEntry, 'kind' | 'action' | 'category'>): LogCategory {
  if (entry.category === 'security' || entry.category === 'audit' || entry.category === 'connection') return entry.category;
  if (entry.kind === 'connected' || entry.kind === 'disconnected' || entry.kind === 'superseded') return 'connection';
  if (OCPP_KINDS.has(entry.kind)) return actionCategory(entry) ?? entry.category;
  return entry.category;
}
