// OCPP dateTime values kept in one form (lib/ocpp/time.ts): session lists sort and filter by them as strings.
import { describe, expect, it } from 'vitest';
import { utcTime, withUtcMeterTimes } from '../../../lib/ocpp/time';

describe('utcTime', () => {
  it.each([
    ['2026-12-01T18:00:00+14:00', '2026-12-01T04:00:00.000Z'],
    ['2026-12-01T04:00:00Z', '2026-12-01T04:00:00.000Z'],
    ['2026-12-01T04:00:00.5-02:30', '2026-12-01T06:30:00.500Z'],
    // A leap second, which Date cannot read: the last millisecond of its minute.
    ['2016-12-31T23:59:60Z', '2016-12-31T23:59:59.999Z'],
    ['2016-12-31T23:59:60.25+00:00', '2016-12-31T23:59:59.999Z'],
  ])('%s → %s', (sent, kept) => {
    expect(utcTime(sent)).toBe(kept);
  });

  it('keeps what nothing can read as sent', () => {
    expect(utcTime('not a time')).toBe('not a time');
  });

  it('rewrites every meter value time and nothing else', () => {
    const mv = [{ timestamp: '2026-12-01T18:00:00+14:00', sampledValue: [{ value: '1' }] }];
    expect(withUtcMeterTimes(mv)).toEqual([{ timestamp: '2026-12-01T04:00:00.000Z', sampledValue: [{ value: '1' }] }]);
    expect(withUtcMeterTimes(undefined)).toBeUndefined();
  });
});
