import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CHARGE_POINT_STATES,
  INTEGRATION_STATES,
  chargePointStateFromConnectors,
  describeChargePointStatus,
  type ConnectorStatusReport,
} from '../../../lib/domain/charge-point-status';

/** A 1.6 StatusNotification as last reported; connectorId 0 is the main controller. */
const aConnector16 = (connectorId: number, status: string): ConnectorStatusReport => ({ connectorId, status });

/** A 2.0.1 connector status, optionally with the chargingState of the transaction on its EVSE. */
const aConnector201 = (evseId: number, status: string, chargingState?: string): ConnectorStatusReport => ({
  evseId,
  connectorId: 1,
  status,
  ...(chargingState === undefined ? {} : { chargingState }),
});

describe('describeChargePointStatus', () => {
  it('shows both parts when connected', () => {
    expect(describeChargePointStatus('connected', 'available')).toEqual({
      integration: 'connected',
      chargePoint: 'available',
      label: 'connected (available)',
    });
    expect(describeChargePointStatus('connected', 'busy-charging').label).toBe('connected (busy-charging)');
    expect(describeChargePointStatus('connected', 'faulted').label).toBe('connected (faulted)');
  });

  it('shows connected (unknown) before any connector status has arrived', () => {
    expect(describeChargePointStatus('connected', undefined).label).toBe('connected (unknown)');
  });

  it('hides the second part when the charge point state is passive', () => {
    expect(describeChargePointStatus('connected', 'passive')).toEqual({ integration: 'connected', chargePoint: 'passive', label: 'connected' });
  });

  it.each(['disconnected', 'error', 'pending', 'no_integration'] as const)(
    'shows only %s, because a charge point that is not connected has no live state',
    (integration) => {
      expect(describeChargePointStatus(integration, 'busy-charging')).toEqual({ integration, chargePoint: 'passive', label: integration });
    },
  );

  it('keeps maintenance while the charger is offline: it was set on purpose and persists (1.6 §4.9)', () => {
    expect(describeChargePointStatus('disconnected', 'maintenance')).toEqual({ integration: 'disconnected', chargePoint: 'maintenance', label: 'disconnected (maintenance)' });
    expect(describeChargePointStatus('error', 'maintenance').label).toBe('error (maintenance)');
    expect(describeChargePointStatus('disconnected', 'maintenance', { active: false }).label).toBe('disconnected (maintenance)');
  });

  it('lets live usage states go stale when the charger is offline', () => {
    for (const live of ['available', 'busy-charging', 'busy-non-charging', 'busy-reserved', 'faulted', 'unknown'] as const) {
      expect(describeChargePointStatus('disconnected', live).label).toBe('disconnected');
    }
  });

  it('keeps a charge point that is not activated yet inactive, connected or not', () => {
    expect(describeChargePointStatus('disconnected', 'available', { active: false }).label).toBe('disconnected (inactive)');
    expect(describeChargePointStatus('pending', undefined, { active: false }).label).toBe('pending (inactive)');
    expect(describeChargePointStatus('connected', 'available', { active: false }).label).toBe('connected (inactive)');
    expect(describeChargePointStatus('connected', undefined, { active: false }).label).toBe('connected (inactive)');
  });

  it('still shows what an inactive charger is doing when it is busy, faulted or in maintenance', () => {
    expect(describeChargePointStatus('connected', 'busy-charging', { active: false }).label).toBe('connected (busy-charging)');
    expect(describeChargePointStatus('connected', 'faulted', { active: false }).label).toBe('connected (faulted)');
    expect(describeChargePointStatus('connected', 'maintenance', { active: false }).label).toBe('connected (maintenance)');
  });

  // The guide's examples (shared/DOMAIN.md §1), each produced from what the charger reported.
  it.each([
    ['connected', [aConnector16(1, 'Available')], true, 'connected (available)'],
    ['connected', [aConnector16(1, 'Charging')], true, 'connected (busy-charging)'],
    ['connected', [aConnector16(1, 'SuspendedEV')], true, 'connected (busy-non-charging)'],
    ['connected', [aConnector16(1, 'Reserved')], true, 'connected (busy-reserved)'],
    ['connected', [aConnector16(0, 'Unavailable'), aConnector16(1, 'Available')], true, 'connected (maintenance)'],
    ['disconnected', [aConnector16(0, 'Unavailable'), aConnector16(1, 'Available')], true, 'disconnected (maintenance)'],
    ['disconnected', [aConnector16(1, 'Unavailable')], true, 'disconnected (maintenance)'],
    ['disconnected', [aConnector16(1, 'Charging')], true, 'disconnected'],
    ['error', [], true, 'error'],
    ['pending', [], true, 'pending'],
    ['no_integration', [], true, 'no_integration'],
    ['connected', [aConnector16(1, 'Available')], false, 'connected (inactive)'],
    ['disconnected', [aConnector16(1, 'Available')], false, 'disconnected (inactive)'],
  ] as const)('guide example: %s with %j (active %s) reads %s', (integration, connectors, active, label) => {
    const state = connectors.length ? chargePointStateFromConnectors('ocpp1.6', connectors) : undefined;

    expect(describeChargePointStatus(integration, state, { active }).label).toBe(label);
  });

  it('labels every combination as the integration state, optionally followed by one parenthesised state', () => {
    fc.assert(
      fc.property(fc.constantFrom(...INTEGRATION_STATES), fc.option(fc.constantFrom(...CHARGE_POINT_STATES), { nil: undefined }), fc.boolean(), (integration, chargePoint, active) => {
        const { label, chargePoint: shown } = describeChargePointStatus(integration, chargePoint, { active });

        expect(label === integration || label === `${integration} (${shown})`).toBe(true);
        expect(label.includes('(')).toBe(shown !== 'passive');
        // Offline, only the operator-set states survive.
        if (integration !== 'connected') expect(['maintenance', 'inactive', 'passive']).toContain(shown);
      }),
    );
  });
});

describe('chargePointStateFromConnectors (OCPP 1.6)', () => {
  it.each([
    ['Available', 'available'],
    ['Preparing', 'busy-non-charging'],
    ['Charging', 'busy-charging'],
    ['SuspendedEVSE', 'busy-non-charging'],
    ['SuspendedEV', 'busy-non-charging'],
    ['Finishing', 'busy-non-charging'],
    ['Reserved', 'busy-reserved'],
    ['Unavailable', 'maintenance'],
    ['Faulted', 'faulted'],
  ])('maps a single connector %s to %s', (status, expected) => {
    expect(chargePointStateFromConnectors('ocpp1.6', [aConnector16(1, status)])).toBe(expected);
  });

  it('lets charging beat non-charging, reserved and available', () => {
    const connectors = [aConnector16(1, 'Available'), aConnector16(2, 'Reserved'), aConnector16(3, 'SuspendedEV'), aConnector16(4, 'Charging')];

    expect(chargePointStateFromConnectors('ocpp1.6', connectors)).toBe('busy-charging');
  });

  it('lets non-charging beat reserved, and reserved beat available', () => {
    expect(chargePointStateFromConnectors('ocpp1.6', [aConnector16(1, 'Reserved'), aConnector16(2, 'Finishing')])).toBe('busy-non-charging');
    expect(chargePointStateFromConnectors('ocpp1.6', [aConnector16(1, 'Available'), aConnector16(2, 'Reserved')])).toBe('busy-reserved');
  });

  it('stays usable while one connector is faulted or unavailable and another is available', () => {
    expect(chargePointStateFromConnectors('ocpp1.6', [aConnector16(1, 'Faulted'), aConnector16(2, 'Available')])).toBe('available');
    expect(chargePointStateFromConnectors('ocpp1.6', [aConnector16(1, 'Unavailable'), aConnector16(2, 'Charging')])).toBe('busy-charging');
  });

  it('is in maintenance when every connector is unavailable', () => {
    expect(chargePointStateFromConnectors('ocpp1.6', [aConnector16(1, 'Unavailable'), aConnector16(2, 'Unavailable')])).toBe('maintenance');
  });

  it('is faulted when no connector is usable and one is faulted', () => {
    expect(chargePointStateFromConnectors('ocpp1.6', [aConnector16(1, 'Unavailable'), aConnector16(2, 'Faulted')])).toBe('faulted');
  });

  it('lets a faulted or unavailable connector 0 (the main controller) dominate', () => {
    expect(chargePointStateFromConnectors('ocpp1.6', [aConnector16(0, 'Faulted'), aConnector16(1, 'Charging')])).toBe('faulted');
    expect(chargePointStateFromConnectors('ocpp1.6', [aConnector16(0, 'Unavailable'), aConnector16(1, 'Available')])).toBe('maintenance');
    expect(chargePointStateFromConnectors('ocpp1.6', [aConnector16(0, 'Unavailable'), aConnector16(0, 'Faulted')])).toBe('faulted');
  });

  it('does not let an available connector 0 hide unavailable connectors (1.6 §4.9)', () => {
    expect(chargePointStateFromConnectors('ocpp1.6', [aConnector16(0, 'Available'), aConnector16(1, 'Unavailable')])).toBe('maintenance');
  });

  it('keeps an unavailable connector 0 over newer connector reports, since 1.6 reports connector 0 itself (§4.9, §5.2)', () => {
    const reports = [{ ...aConnector16(0, 'Unavailable'), at: '2026-01-01T10:01:00.000Z' }, { ...aConnector16(1, 'Available'), at: '2026-01-01T10:02:00.000Z' }];

    expect(chargePointStateFromConnectors('ocpp1.6', reports)).toBe('maintenance');
  });

  it('ignores a connector 0 status reported before the last BootNotification', () => {
    const reports = [{ ...aConnector16(0, 'Unavailable'), at: '2026-01-01T10:01:00.000Z' }, { ...aConnector16(1, 'Available'), at: '2026-01-01T10:00:00.000Z' }];

    expect(chargePointStateFromConnectors('ocpp1.6', reports, { bootAt: '2026-01-01T10:02:00.000Z' })).toBe('available');
    expect(chargePointStateFromConnectors('ocpp1.6', reports, { bootAt: '2026-01-01T09:59:00.000Z' })).toBe('maintenance');
  });

  it('uses an available connector 0 when no connector has reported', () => {
    expect(chargePointStateFromConnectors('ocpp1.6', [aConnector16(0, 'Available')])).toBe('available');
  });

  it('is unknown with no reports, or only unrecognised ones', () => {
    expect(chargePointStateFromConnectors('ocpp1.6', [])).toBe('unknown');
    expect(chargePointStateFromConnectors('ocpp1.6', [aConnector16(1, 'Occupied'), aConnector16(2, 'charging'), aConnector16(3, 'toString')])).toBe('unknown');
  });
});

describe('chargePointStateFromConnectors (OCPP 2.0.1)', () => {
  it.each([
    ['Available', undefined, 'available'],
    ['Occupied', 'Charging', 'busy-charging'],
    ['Occupied', 'EVConnected', 'busy-non-charging'],
    ['Occupied', 'SuspendedEV', 'busy-non-charging'],
    ['Occupied', 'SuspendedEVSE', 'busy-non-charging'],
    ['Occupied', 'Idle', 'busy-non-charging'],
    ['Occupied', undefined, 'busy-non-charging'],
    ['Reserved', undefined, 'busy-reserved'],
    ['Unavailable', undefined, 'maintenance'],
    ['Faulted', undefined, 'faulted'],
  ])('maps %s with chargingState %s to %s', (status, chargingState, expected) => {
    expect(chargePointStateFromConnectors('ocpp2.0.1', [aConnector201(1, status, chargingState)])).toBe(expected);
  });

  it('ignores a chargingState on a connector that is not Occupied', () => {
    expect(chargePointStateFromConnectors('ocpp2.0.1', [aConnector201(1, 'Available', 'Charging')])).toBe('available');
  });

  it('aggregates EVSEs like 1.6 connectors', () => {
    expect(chargePointStateFromConnectors('ocpp2.0.1', [aConnector201(1, 'Occupied', 'Charging'), aConnector201(2, 'Occupied')])).toBe('busy-charging');
    expect(chargePointStateFromConnectors('ocpp2.0.1', [aConnector201(1, 'Unavailable'), aConnector201(2, 'Unavailable')])).toBe('maintenance');
  });

  it('lets a faulted or unavailable evseId 0 (the whole station) dominate', () => {
    expect(chargePointStateFromConnectors('ocpp2.0.1', [aConnector201(0, 'Unavailable'), aConnector201(1, 'Occupied', 'Charging')])).toBe('maintenance');
    expect(chargePointStateFromConnectors('ocpp2.0.1', [aConnector201(0, 'Faulted'), aConnector201(1, 'Available')])).toBe('faulted');
  });

  describe('a stale whole-station status (evseId 0)', () => {
    const at = (minute: number) => `2026-01-01T10:${String(minute).padStart(2, '0')}:00.000Z`;
    const anEvse = (evseId: number, status: string, minute: number): ConnectorStatusReport => ({ ...aConnector201(evseId, status), at: at(minute) });

    it('is cleared by a newer per-EVSE report, as after ChangeAvailability(Operative) (TC_G_06_CS)', () => {
      const reports = [anEvse(0, 'Unavailable', 1), anEvse(1, 'Available', 2), anEvse(2, 'Available', 2)];

      expect(chargePointStateFromConnectors('ocpp2.0.1', reports)).toBe('available');
    });

    it('is cleared by a newer BootNotification, as after a Reset (TC_B_23_CS, TC_G_21_CS)', () => {
      const reports = [anEvse(1, 'Available', 0), anEvse(0, 'Unavailable', 1)];

      expect(chargePointStateFromConnectors('ocpp2.0.1', reports, { bootAt: at(2) })).toBe('available');
    });

    it('still dominates while it is the newest report and no boot followed it', () => {
      const reports = [anEvse(1, 'Available', 0), anEvse(2, 'Occupied', 0), anEvse(0, 'Unavailable', 1)];

      expect(chargePointStateFromConnectors('ocpp2.0.1', reports, { bootAt: at(0) })).toBe('maintenance');
      expect(chargePointStateFromConnectors('ocpp2.0.1', [anEvse(1, 'Available', 0), anEvse(0, 'Faulted', 1)])).toBe('faulted');
    });

    it('shows the connectors, not maintenance, once an inoperative station is operative again', () => {
      // Inoperative: EVSE 0 and then every connector report Unavailable; Operative: only the connectors report.
      const inoperative = [anEvse(0, 'Unavailable', 1), anEvse(1, 'Unavailable', 1), anEvse(2, 'Unavailable', 1)];
      const operative = [anEvse(0, 'Unavailable', 1), anEvse(1, 'Available', 3), anEvse(2, 'Unavailable', 1)];

      expect(chargePointStateFromConnectors('ocpp2.0.1', inoperative)).toBe('maintenance');
      expect(chargePointStateFromConnectors('ocpp2.0.1', operative)).toBe('available');
    });
  });

  it('does not read 1.6-only statuses as 2.0.1 ones', () => {
    expect(chargePointStateFromConnectors('ocpp2.0.1', [aConnector201(1, 'Charging')])).toBe('unknown');
  });
});

describe('chargePointStateFromConnectors (any input)', () => {
  it('always returns a known, non-passive state', () => {
    const report = fc.record({
      evseId: fc.option(fc.nat(4), { nil: undefined }),
      connectorId: fc.nat(4),
      status: fc.oneof(fc.string(), fc.constantFrom('Available', 'Occupied', 'Charging', 'Faulted', 'Unavailable', 'Reserved', 'Finishing')),
      chargingState: fc.option(fc.constantFrom('Charging', 'Idle'), { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.constantFrom('ocpp1.6' as const, 'ocpp2.0.1' as const), fc.array(report), (version, connectors) => {
        const state = chargePointStateFromConnectors(version, connectors);

        expect(CHARGE_POINT_STATES).toContain(state);
        expect(state).not.toBe('passive');
      }),
    );
  });
});
