// OCPP CALL payloads the simulated chargers send, per version (valid against the official OCA
// schemas: the strict-mode client refuses anything else). `label` is the message type the report
// groups by; TransactionEvent is split by eventType because Started/Updated/Ended differ in work.

export type OcppVersion = 'ocpp1.6' | 'ocpp2.0.1';

export interface OutgoingCall {
  readonly action: string;
  readonly label: string;
  readonly payload: Record<string, unknown>;
}

/** Report key of a message type: version and label, e.g. `ocpp2.0.1 TransactionEvent(Started)`. */
export const typeKey = (version: string, label: string) => `${version} ${label}`;

const call = (action: string, payload: Record<string, unknown>, label = action): OutgoingCall => ({ action, label, payload });

export function bootNotification(version: OcppVersion, serial: string): OutgoingCall {
  return version === 'ocpp1.6'
    ? call('BootNotification', { chargePointVendor: 'BenchVendor', chargePointModel: 'AC22', chargePointSerialNumber: serial.slice(0, 25), firmwareVersion: '1.2.3' })
    : call('BootNotification', { reason: 'PowerUp', chargingStation: { vendorName: 'BenchVendor', model: 'AC22', serialNumber: serial.slice(0, 25), firmwareVersion: '2.0.0' } });
}

export const heartbeat = (): OutgoingCall => call('Heartbeat', {});

/** 1.6 statuses map onto 2.0.1's smaller set (Preparing/Charging/Finishing are all Occupied there). */
export type ConnectorState = 'Available' | 'Preparing' | 'Charging' | 'Finishing';

export function statusNotification(version: OcppVersion, connectorId: number, state: ConnectorState, at: Date): OutgoingCall {
  return version === 'ocpp1.6'
    ? call('StatusNotification', { connectorId, errorCode: 'NoError', status: state, timestamp: at.toISOString() })
    : call('StatusNotification', { timestamp: at.toISOString(), connectorStatus: state === 'Available' ? 'Available' : 'Occupied', evseId: connectorId, connectorId: 1 });
}

export function startTransaction16(connectorId: number, idTag: string, meterStartWh: number, at: Date): OutgoingCall {
  return call('StartTransaction', { connectorId, idTag, meterStart: meterStartWh, timestamp: at.toISOString() });
}

export function meterValues16(connectorId: number, transactionId: number, wh: number, at: Date): OutgoingCall {
  return call('MeterValues', {
    connectorId,
    transactionId,
    meterValue: [{ timestamp: at.toISOString(), sampledValue: [{ value: String(wh), measurand: 'Energy.Active.Import.Register', unit: 'Wh' }] }],
  });
}

export function stopTransaction16(transactionId: number, meterStopWh: number, at: Date): OutgoingCall {
  return call('StopTransaction', { transactionId, meterStop: meterStopWh, timestamp: at.toISOString(), reason: 'EVDisconnected' });
}

export type TransactionEventType = 'Started' | 'Updated' | 'Ended';

export function transactionEvent201(eventType: TransactionEventType, tx: { id: string; seqNo: number; evseId: number; wh: number; idToken: string }, at: Date): OutgoingCall {
  const meterValue = [{ timestamp: at.toISOString(), sampledValue: [{ value: tx.wh, measurand: 'Energy.Active.Import.Register', unitOfMeasure: { unit: 'Wh' } }] }];
  const payload: Record<string, unknown> = {
    eventType,
    timestamp: at.toISOString(),
    triggerReason: eventType === 'Started' ? 'Authorized' : eventType === 'Updated' ? 'MeterValuePeriodic' : 'EVDeparted',
    seqNo: tx.seqNo,
    transactionInfo: {
      transactionId: tx.id,
      ...(eventType === 'Ended' ? { chargingState: 'Idle', stoppedReason: 'EVDisconnected' } : { chargingState: 'Charging' }),
    },
    meterValue,
    ...(eventType === 'Started' ? { evse: { id: tx.evseId, connectorId: 1 }, idToken: { idToken: tx.idToken, type: 'ISO14443' } } : {}),
  };
  return call('TransactionEvent', payload, `TransactionEvent(${eventType})`);
}

export function meterValues201(evseId: number, wh: number, at: Date): OutgoingCall {
  return call('MeterValues', {
    evseId,
    meterValue: [{ timestamp: at.toISOString(), sampledValue: [{ value: wh, measurand: 'Energy.Active.Import.Register', unitOfMeasure: { unit: 'Wh' } }] }],
  });
}

/** The label the server-side wrapper derives from a received CALL: the same as the client's. */
export function labelOfCall(action: string, payload: unknown): string {
  if (action === 'TransactionEvent' && payload && typeof payload === 'object' && typeof (payload as { eventType?: unknown }).eventType === 'string') {
    return `TransactionEvent(${(payload as { eventType: string }).eventType})`;
  }
  return action;
}
