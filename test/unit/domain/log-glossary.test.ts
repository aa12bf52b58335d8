import { describe, expect, it } from 'vitest';
import type { LogCategory, LogEntry, LogKind } from '../../../lib/db/logs';
import { CHARGER_ACTIONS, COMMAND_ACTIONS } from '../../../lib/ocpp/action-names';
import { OCPP_VERSIONS } from '../../../lib/ocpp/versions';
import { CATEGORY_STYLE, describeLogEntry, directionOf, guideCategory, RECEIVED, SENT } from '../../../lib/domain/log-glossary';

const AT = '2026-01-02T03:04:05.000Z';

/** A CALL the charger sent and our answer, as the pipeline logs it. */
const aReceivedCall = (action: string, payload: object, answer: object | null = {}, category: LogCategory = 'ocpp_state'): LogEntry => ({
  identity: 'CP-1',
  at: AT,
  category,
  kind: 'call_in',
  action,
  messageId: 'm1',
  frameIn: JSON.stringify([2, 'm1', action, payload]),
  ...(answer ? { frameOut: JSON.stringify([3, 'm1', answer]) } : {}),
});
const aSentCall = (action: string, payload: object): LogEntry => ({ identity: 'CP-1', at: AT, category: 'ocpp_state', kind: 'call_out', action, messageId: 'm2', frameOut: JSON.stringify([2, 'm2', action, payload]) });

describe('the log glossary covers every action', () => {
  for (const version of OCPP_VERSIONS) {
    it(`describes and colours every action a ${version} charger sends`, () => {
      const missing = CHARGER_ACTIONS[version].filter((a) => !Object.hasOwn(RECEIVED, a));
      expect(missing).toEqual([]);
      for (const action of CHARGER_ACTIONS[version]) {
        const words = describeLogEntry(aReceivedCall(action, {}));
        expect(words, action).not.toBe(action);
        expect(words, action).not.toMatch(/ received$/);
        expect(Object.keys(CATEGORY_STYLE), action).toContain(guideCategory(aReceivedCall(action, {})));
      }
    });

    it(`describes and colours every command this CSMS sends to a ${version} charger`, () => {
      const missing = COMMAND_ACTIONS[version].filter((a) => !Object.hasOwn(SENT, a));
      expect(missing).toEqual([]);
      for (const action of COMMAND_ACTIONS[version]) {
        const words = describeLogEntry(aSentCall(action, {}));
        expect(words, action).not.toBe(`${action} sent`);
        expect(Object.keys(CATEGORY_STYLE), action).toContain(guideCategory(aSentCall(action, {})));
      }
    });
  }

  it('has no description for an action nobody sends (a test that fails when a list grows without words)', () => {
    const known = new Set<string>(OCPP_VERSIONS.flatMap((v) => [...CHARGER_ACTIONS[v]]));
    expect(Object.keys(RECEIVED).filter((a) => !known.has(a))).toEqual([]);
    const commands = new Set<string>(OCPP_VERSIONS.flatMap((v) => [...COMMAND_ACTIONS[v]]));
    expect(Object.keys(SENT).filter((a) => !commands.has(a))).toEqual([]);
  });
});

describe('the guide\'s words', () => {
  it('1.6 StartTransaction / StopTransaction read as the session beginning and ending (green)', () => {
    const start = aReceivedCall('StartTransaction', { connectorId: 1, idTag: 'CARD-1', meterStart: 0, timestamp: AT }, { transactionId: 7, idTagInfo: { status: 'Accepted' } }, 'transaction');
    expect(describeLogEntry(start)).toBe('The charging session begins on connector 1 (token CARD-1, meter 0 Wh, transaction 7, answer Accepted)');
    expect(CATEGORY_STYLE[guideCategory(start)].colour).toBe('green');
    expect(describeLogEntry(aReceivedCall('StopTransaction', { transactionId: 7, meterStop: 2000, timestamp: AT, reason: 'Local' }))).toBe(
      'The charging session ends (transaction 7, reason Local, meter 2000 Wh)',
    );
  });

  it('2.0.1 TransactionEvent Started / Updated / Ended read as session start, update and end', () => {
    const tx = (eventType: string, info: object = {}) =>
      describeLogEntry(aReceivedCall('TransactionEvent', { eventType, timestamp: AT, triggerReason: 'Authorized', seqNo: 0, evse: { id: 1, connectorId: 1 }, transactionInfo: { transactionId: 'T1', ...info } }));
    expect(tx('Started')).toBe('The charging session begins on EVSE 1 connector 1 (transaction T1, trigger Authorized)');
    expect(tx('Updated', { chargingState: 'SuspendedEV' })).toBe('The charging session is updated (transaction T1, trigger Authorized, SuspendedEV: the car paused charging: full, or not taking power)');
    expect(tx('Ended', { stoppedReason: 'EVDisconnected' })).toMatch(/^The charging session ends \(reason EVDisconnected, transaction T1/);
  });

  it('StatusNotification says the status change in words, for both versions', () => {
    expect(describeLogEntry(aReceivedCall('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'SuspendedEV' }))).toBe(
      'Status change: connector 1 is SuspendedEV (the car paused charging: full, or not taking power)',
    );
    expect(describeLogEntry(aReceivedCall('StatusNotification', { connectorId: 2, errorCode: 'NoError', status: 'SuspendedEVSE' }))).toBe(
      'Status change: connector 2 is SuspendedEVSE (the charger paused charging, e.g. scheduled)',
    );
    expect(describeLogEntry(aReceivedCall('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Charging' }))).toBe('Status change: connector 1 is Charging');
    expect(describeLogEntry(aReceivedCall('StatusNotification', { timestamp: AT, connectorStatus: 'Occupied', evseId: 1, connectorId: 1 }))).toBe(
      'Status change: EVSE 1 connector 1 is Occupied (occupied: a car is plugged in)',
    );
    expect(describeLogEntry(aReceivedCall('StatusNotification', { connectorId: 0, errorCode: 'GroundFailure', status: 'Faulted' }))).toBe('Status change: the whole charger is Faulted (error GroundFailure)');
    expect(CATEGORY_STYLE[guideCategory(aReceivedCall('StatusNotification', {}))].colour).toBe('blue');
  });

  it('BootNotification reads as a reboot by itself or by command', () => {
    expect(describeLogEntry(aReceivedCall('BootNotification', { chargePointVendor: 'V', chargePointModel: 'M' }, { status: 'Accepted', currentTime: AT, interval: 300 }))).toBe('Rebooted by itself or by command (answer Accepted)');
    expect(describeLogEntry(aReceivedCall('BootNotification', { reason: 'RemoteReset', chargingStation: { model: 'M', vendorName: 'V' } }, null))).toBe('Rebooted by itself or by command (RemoteReset)');
  });

  it('Authorize is authentication: white, whichever category the handler wrote', () => {
    const entry = aReceivedCall('Authorize', { idTag: 'CARD-1' }, { idTagInfo: { status: 'Invalid' } }, 'transaction');
    expect(guideCategory(entry)).toBe('security');
    expect(CATEGORY_STYLE.security.colour).toBe('white');
    expect(describeLogEntry(entry)).toBe('Card or app token CARD-1 checked (answer Invalid)');
    expect(describeLogEntry(aReceivedCall('Authorize', { idToken: { idToken: 'APP-9', type: 'Central' } }, { idTokenInfo: { status: 'Unknown' } }))).toBe('Card or app token APP-9 checked (answer Unknown)');
  });

  it('commands sent read as what was asked for', () => {
    expect(describeLogEntry(aSentCall('Reset', { type: 'Hard' }))).toBe('Reboot command sent (Hard)');
    expect(describeLogEntry(aSentCall('RemoteStartTransaction', { connectorId: 1, idTag: 'CARD-1' }))).toBe('Remote start command sent (connector 1, token CARD-1)');
    expect(describeLogEntry(aSentCall('RequestStartTransaction', { evseId: 1, remoteStartId: 1, idToken: { idToken: 'X', type: 'Central' } }))).toBe('Remote start command sent (EVSE 1, token X)');
    expect(describeLogEntry(aSentCall('ChangeConfiguration', { key: 'AuthorizationKey', value: '[redacted]' }))).toBe('Setting change sent: AuthorizationKey');
    expect(directionOf(aSentCall('Reset', {}))).toBe('sent');
  });

  it('a refused CALL says so, and a clipped frame still reads', () => {
    const refused: LogEntry = { ...aReceivedCall('Heartbeat', {}), frameOut: JSON.stringify([4, 'm1', 'SecurityError', 'Heartbeat before an accepted BootNotification', {}]), category: 'security' };
    expect(describeLogEntry(refused)).toBe('Heartbeat: the charger says it is online: refused with SecurityError (Heartbeat before an accepted BootNotification)');
    expect(guideCategory(refused)).toBe('security');
    const clipped: LogEntry = { ...aReceivedCall('MeterValues', {}), frameIn: '[2,"m1","MeterValues",{"connectorId":1,…[truncated]' };
    expect(describeLogEntry(clipped)).toBe('Meter values from the charger');
  });

  it('words every kind of entry, with connect and disconnect yellow', () => {
    const base = { identity: 'CP-1', at: AT, category: 'ocpp_state' as LogCategory };
    const samples: Record<LogKind, LogEntry> = {
      call_in: aReceivedCall('Heartbeat', {}),
      call_out: aSentCall('TriggerMessage', { requestedMessage: 'StatusNotification' }),
      result_in: { ...base, kind: 'result_in', action: 'Reset', detail: { outcome: 'accepted' } },
      invalid_frame: { ...base, kind: 'invalid_frame', detail: { reason: 'not JSON' } },
      invalid_frames: { ...base, kind: 'invalid_frames', invalidFrames: 12, detail: { lastReason: 'not JSON' } },
      connected: { ...base, category: 'connection', kind: 'connected', detail: { protocol: 'ocpp1.6', sourceIp: '10.0.0.1' } },
      disconnected: { ...base, category: 'connection', kind: 'disconnected', detail: { reason: 'closed' } },
      auth_failure: { ...base, category: 'security', kind: 'auth_failure', detail: { cause: 'wrong_password' } },
      superseded: { ...base, kind: 'superseded' },
      change: { ...base, category: 'audit', kind: 'change', detail: { description: 'Note added via public link lnk_1' } },
      remote_action: { ...base, kind: 'remote_action', action: 'Reset', detail: { remote_action: 'reboot', by: 'via public link lnk_1', outcome: 'accepted' } },
      activated: { ...base, kind: 'activated', detail: { by: 'by the operator' } },
      serial_released: { ...base, category: 'security', kind: 'serial_released', detail: { releasedBy: 'operator' } },
    };
    const words = Object.fromEntries(Object.entries(samples).map(([k, e]) => [k, describeLogEntry(e)]));
    expect(words).toEqual({
      call_in: 'Heartbeat: the charger says it is online',
      call_out: 'Asked the charger to send StatusNotification',
      result_in: 'The charger answered Reset: accepted',
      invalid_frame: 'Invalid message from the charger (not JSON)',
      invalid_frames: '12 invalid messages from the charger in this hour (not JSON)',
      connected: 'Connect: the charger connected (ocpp1.6)',
      disconnected: 'Disconnect: the charger went offline (closed)',
      auth_failure: 'Connection refused: wrong password',
      superseded: 'Disconnect: a new connection of the same charger replaced this one',
      change: 'Note added via public link lnk_1',
      remote_action: 'Remote action reboot via public link lnk_1: accepted',
      activated: 'Opened to drivers (by the operator)',
      serial_released: 'Serial released by the operator (operator)',
    });
    expect(CATEGORY_STYLE[guideCategory(samples.connected)].colour).toBe('yellow');
    expect(CATEGORY_STYLE[guideCategory(samples.superseded)].colour).toBe('yellow');
    expect(CATEGORY_STYLE[guideCategory(samples.change)]).toEqual({ colour: 'white', label: 'Change by a person' });
    expect(samples.connected.detail).toBeDefined();
    expect(words.connected).not.toContain('10.0.0.1');
  });
});
