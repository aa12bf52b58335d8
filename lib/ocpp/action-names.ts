// Which OCPP actions this CSMS takes part in, by who sends the CALL. No imports: the schema
// generator (scripts/gen-ocpp-schemas.ts) reads these lists to compile exactly the validators the
// functions need, and lib/ocpp/actions/index.ts must have a handler for every charger action.
import type { OcppVersion } from './versions';

/** CALLs a charge point sends and this CSMS answers (each has a handler in lib/ocpp/actions). */
export const CHARGER_ACTIONS = {
  'ocpp1.6': [
    'BootNotification',
    'Heartbeat',
    'StatusNotification',
    'FirmwareStatusNotification',
    'DiagnosticsStatusNotification',
    'MeterValues',
    'Authorize',
    'StartTransaction',
    'StopTransaction',
    'DataTransfer',
    // From the OCPP 1.6 security whitepaper; answered only where the negotiated schemas know it.
    'SecurityEventNotification',
    'LogStatusNotification',
    'SignedFirmwareStatusNotification',
    'SignCertificate',
  ],
  'ocpp2.0.1': [
    'BootNotification',
    'Heartbeat',
    'StatusNotification',
    'FirmwareStatusNotification',
    'LogStatusNotification',
    'MeterValues',
    'Authorize',
    'TransactionEvent',
    'DataTransfer',
    'SecurityEventNotification',
    'NotifyReport',
    'SignCertificate',
    'PublishFirmwareStatusNotification',
    'NotifyEvent',
    'NotifyMonitoringReport',
    'NotifyCustomerInformation',
    'NotifyDisplayMessages',
    'ReservationStatusUpdate',
    'NotifyChargingLimit',
    'ClearedChargingLimit',
    'ReportChargingProfiles',
    'NotifyEVChargingNeeds',
    'NotifyEVChargingSchedule',
  ],
} as const satisfies Record<OcppVersion, readonly string[]>;

/** CALLs this CSMS sends to a charge point (operator commands, commissioning). */
export const COMMAND_ACTIONS = {
  'ocpp1.6': [
    'Reset',
    'RemoteStartTransaction',
    'RemoteStopTransaction',
    'UnlockConnector',
    'TriggerMessage',
    'ChangeConfiguration',
    'GetConfiguration',
    'ChangeAvailability',
    // §5.9 / §5.16: the location's cards kept in the charger's local authorisation list (issue #17).
    'GetLocalListVersion',
    'SendLocalList',
    // §5.16 / §5.7: the site power planner's ChargePointMaxProfile and its check (lib/domain/power/planner.ts).
    'SetChargingProfile',
    'GetCompositeSchedule',
    // §5.5: a PowerBank activation's TxProfile removed by its id at the end (lib/domain/powerbank/activations.ts).
    'ClearChargingProfile',
  ],
  'ocpp2.0.1': [
    'Reset',
    'RequestStartTransaction',
    'RequestStopTransaction',
    'UnlockConnector',
    'TriggerMessage',
    'SetVariables',
    'GetVariables',
    'ChangeAvailability',
    // B07/B08: the answers arrive as NotifyReport and are kept as the station's device model.
    'GetBaseReport',
    'GetReport',
    // B09: a new NetworkConnectionProfile (TC_B_42/TC_B_44, TC_A_19).
    'SetNetworkProfile',
    // K01/K08: the site power planner's ChargingStationMaxProfile and its check (lib/domain/power/planner.ts).
    'SetChargingProfile',
    'GetCompositeSchedule',
    // K10: a PowerBank activation's TxProfile removed by its id at the end (lib/domain/powerbank/activations.ts).
    'ClearChargingProfile',
    // D01/D02: the location's cards kept in the station's local authorisation list (issue #17).
    'GetLocalListVersion',
    'SendLocalList',
  ],
} as const satisfies Record<OcppVersion, readonly string[]>;
