// Which handler answers which CALL, per version: exactly the charger actions of action-names.ts (the
// type says so), whose validators are compiled ahead of time. Any other action is refused by the
// request validation (lib/ocpp/validate.ts): NotSupported when the version defines it, else NotImplemented.
import type { CHARGER_ACTIONS } from '../action-names';
import type { OcppVersion } from '../versions';
import { bootNotification, heartbeat } from './boot';
import { authorize, dataTransfer, firmwareStatusNotification, logOnly, statusNotification } from './status';
import { notifyEVChargingNeeds, notifyEVChargingSchedule, notifyReport, signCertificate } from './reports';
import { meterValues, startTransaction, stopTransaction, transactionEvent } from './transactions';
import type { ActionHandler } from './types';

type HandlerTable = { readonly [V in OcppVersion]: Readonly<Record<(typeof CHARGER_ACTIONS)[V][number], ActionHandler>> };

export const ACTION_HANDLERS: { readonly [V in OcppVersion]: Readonly<Record<string, ActionHandler>> } = {
  'ocpp1.6': {
    BootNotification: bootNotification,
    Heartbeat: heartbeat,
    StatusNotification: statusNotification,
    FirmwareStatusNotification: firmwareStatusNotification,
    DiagnosticsStatusNotification: logOnly('ocpp_state'),
    MeterValues: meterValues,
    Authorize: authorize,
    StartTransaction: startTransaction,
    StopTransaction: stopTransaction,
    DataTransfer: dataTransfer,
    // From the OCPP 1.6 security whitepaper; answered only where the negotiated schemas know it.
    SecurityEventNotification: logOnly('security'),
    LogStatusNotification: logOnly('ocpp_state'),
    SignedFirmwareStatusNotification: firmwareStatusNotification,
    SignCertificate: signCertificate,
  },
  'ocpp2.0.1': {
    BootNotification: bootNotification,
    Heartbeat: heartbeat,
    StatusNotification: statusNotification,
    FirmwareStatusNotification: firmwareStatusNotification,
    LogStatusNotification: logOnly('ocpp_state'),
    MeterValues: meterValues,
    Authorize: authorize,
    TransactionEvent: transactionEvent,
    DataTransfer: dataTransfer,
    SecurityEventNotification: logOnly('security'),
    NotifyReport: notifyReport,
    SignCertificate: signCertificate,
    PublishFirmwareStatusNotification: logOnly('ocpp_state'),
    // Recorded in the log and answered; the platform does not act on them yet (issue #11 item 1).
    NotifyEvent: logOnly('ocpp_state'),
    NotifyMonitoringReport: logOnly('ocpp_state'),
    NotifyCustomerInformation: logOnly('ocpp_state'),
    NotifyDisplayMessages: logOnly('ocpp_state'),
    ReservationStatusUpdate: logOnly('transaction'),
    NotifyChargingLimit: logOnly('transaction'),
    ClearedChargingLimit: logOnly('transaction'),
    ReportChargingProfiles: logOnly('transaction'),
    NotifyEVChargingNeeds: notifyEVChargingNeeds,
    NotifyEVChargingSchedule: notifyEVChargingSchedule,
  },
} satisfies HandlerTable;

export function handlerFor(version: OcppVersion, action: string): ActionHandler | undefined {
  return Object.hasOwn(ACTION_HANDLERS[version], action) ? ACTION_HANDLERS[version][action] : undefined;
}
