// The energy of a session from energy register readings: resets, missing readings, units, the curve bound.
import { describe, expect, it } from 'vitest';
import { applyReadings, drawReading, emptyMeter, energyEstimated, energyOf, energyReadings, MAX_CURVE_POINTS } from '../../../lib/domain/session-meter';

const at = (m: number) => new Date(Date.UTC(2026, 0, 1, 12, m)).toISOString();
const read = (...whs: number[]) => whs.map((wh, i) => ({ at: at(i), wh }));

describe('session meter', () => {
  it('counts the energy between the first and the last reading', () => {
    const m = applyReadings(emptyMeter(), read(1000, 2500, 6000));
    expect(energyOf(m)).toBe(5000);
    expect(energyEstimated(m)).toBe(false);
  });

  it('counts the energy before a reset plus after it, and says the energy is estimated', () => {
    const m = applyReadings(emptyMeter(), read(10_000, 12_000, 500, 1500, 2500));
    expect(energyOf(m)).toBe(2000 + 2000);
    expect(m.meterResets).toBe(1);
    expect(energyEstimated(m)).toBe(true);
  });

  it('has no energy without readings and an estimated one from a single reading', () => {
    expect(energyOf(emptyMeter())).toBeNull();
    const one = applyReadings(emptyMeter(), read(700));
    expect(energyOf(one)).toBe(0);
    expect(energyEstimated(one)).toBe(true);
  });

  it('ignores a reading older than the newest one applied (a straggler is not a reset)', () => {
    const m = applyReadings(applyReadings(emptyMeter(), [{ at: at(5), wh: 3000 }]), [{ at: at(1), wh: 1000 }, { at: at(6), wh: 3500 }]);
    expect(energyOf(m)).toBe(500);
    expect(m.meterResets).toBe(0);
  });

  it('applies the same readings twice as once (a retried message), while a new value at the same time still counts', () => {
    const once = applyReadings(emptyMeter(), read(1000, 2500));
    expect(applyReadings(once, read(1000, 2500))).toEqual(once);
    const corrected = applyReadings(once, [{ at: at(1), wh: 2600 }]);
    expect(energyOf(corrected)).toBe(1600);
    expect(corrected.readings).toBe(3);
  });

  it('keeps at most MAX_CURVE_POINTS points, the first and the last among them', () => {
    let m = emptyMeter();
    for (let i = 0; i < 500; i++) m = applyReadings(m, [{ at: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(), wh: i * 10 }]);
    expect(m.curve.length).toBeLessThanOrEqual(MAX_CURVE_POINTS);
    expect(m.curve[0]!.meterWh).toBe(0);
    expect(m.curve[m.curve.length - 1]!.meterWh).toBe(4990);
    expect(energyOf(m)).toBe(4990);
  });

  it('reads the total active import register in Wh or kWh (1.6 strings, 2.0.1 numbers with a multiplier), skipping phases and other measurands', () => {
    expect(
      energyReadings([
        { timestamp: at(0), sampledValue: [{ value: '230', measurand: 'Voltage' }, { value: '12', phase: 'L1' }, { value: '1.5', unit: 'kWh' }] },
        { timestamp: at(1), sampledValue: [{ value: '2000' }] },
        { timestamp: at(2), sampledValue: [{ value: 3, measurand: 'Energy.Active.Import.Register', unitOfMeasure: { unit: 'kWh' } }] },
        { timestamp: at(3), sampledValue: [{ value: 4, unitOfMeasure: { unit: 'Wh', multiplier: 3 } }] },
        { timestamp: at(4), sampledValue: [{ value: '5', unit: 'varh' }] },
      ]),
    ).toEqual([
      { at: at(0), wh: 1500 },
      { at: at(1), wh: 2000 },
      { at: at(2), wh: 3000 },
      { at: at(3), wh: 4000 },
    ]);
  });
});

describe('drawReading: the charger draw of meter values (power management)', () => {
  const received = '2026-11-30T12:00:10.000Z';
  it('reads Current.Import by phase and without one, and Power.Active.Import in W or kW (1.6 strings, 2.0.1 numbers with multipliers)', () => {
    const v16 = [
      {
        timestamp: '2026-11-30T12:00:05.000Z',
        sampledValue: [
          { value: '1234', measurand: 'Energy.Active.Import.Register', unit: 'Wh' },
          { value: '15.5', measurand: 'Current.Import', phase: 'L1', unit: 'A' },
          { value: '16', measurand: 'Current.Import', phase: 'L2' },
          { value: '230', measurand: 'Voltage', phase: 'L1-N', unit: 'V' },
          { value: '7.4', measurand: 'Power.Active.Import', unit: 'kW' },
        ],
      },
    ];
    expect(drawReading(v16, received)).toEqual({ at: '2026-11-30T12:00:05.000Z', currentA: { L1: 15.5, L2: 16 }, powerW: { none: 7400 } });
    const v201 = [{ timestamp: '2026-11-30T12:00:06.000Z', sampledValue: [{ value: 160, measurand: 'Current.Import', unitOfMeasure: { unit: 'A', multiplier: -1 } }] }];
    expect(drawReading(v201, received)).toEqual({ at: '2026-11-30T12:00:06.000Z', currentA: { none: 16 } });
  });

  it('keeps the newest meter value with a draw, never later than it was received, and ignores other units and phases', () => {
    const values = [
      { timestamp: '2026-11-30T12:00:01.000Z', sampledValue: [{ value: '6', measurand: 'Current.Import' }] },
      { timestamp: '2026-11-30T12:09:00.000Z', sampledValue: [{ value: '8', measurand: 'Current.Import', phase: 'L3' }] },
      { timestamp: '2026-11-30T12:00:02.000Z', sampledValue: [{ value: '9', measurand: 'Current.Import', phase: 'N' }, { value: '9', measurand: 'Current.Import', unit: 'mA' }] },
    ];
    expect(drawReading(values, received)).toEqual({ at: received, currentA: { L3: 8 } });
    expect(drawReading([{ timestamp: received, sampledValue: [{ value: '100' }] }], received)).toBeUndefined();
  });
});
