// Flags of `npm run bench` and `npm run cost` (bench/lib/args.ts).
import { describe, expect, it } from 'vitest';
import { BENCH_DEFAULTS, parseBenchArgs, parseCostArgs } from '../../../bench/lib/args';

describe('parseBenchArgs', () => {
  it('defaults to 1,000 chargers, 30 s and a 0.5 s compressed heartbeat', () => {
    expect(parseBenchArgs([])).toEqual(BENCH_DEFAULTS);
    expect(BENCH_DEFAULTS).toMatchObject({ chargers: 1000, seconds: 30, heartbeatSeconds: 0.5 });
  });

  it('reads every flag', () => {
    const opts = parseBenchArgs(['--chargers', '100', '--seconds', '10', '--heartbeat-seconds', '2', '--session-share', '0.5', '--cold-start', 'ocpp', '--cold-runs', '2', '--json', 'x.json']);
    expect(opts).toMatchObject({ chargers: 100, seconds: 10, heartbeatSeconds: 2, sessionShare: 0.5, coldStart: 'ocpp', coldRuns: 2, json: 'x.json' });
  });

  it('refuses nonsense values and unknown flags', () => {
    expect(() => parseBenchArgs(['--chargers', '1'])).toThrow(/--chargers/);
    expect(() => parseBenchArgs(['--chargers', 'many'])).toThrow(/--chargers/);
    expect(() => parseBenchArgs(['--session-share', '2'])).toThrow(/--session-share/);
    expect(() => parseBenchArgs(['--cold-start', 'some'])).toThrow(/--cold-start/);
    expect(() => parseBenchArgs(['--charger', '10'])).toThrow();
  });

  it('runs the PowerBank section alone with its own charger count', () => {
    expect(parseBenchArgs(['--only', 'powerbank', '--powerbank-chargers', '100'])).toMatchObject({ only: 'powerbank', powerbankChargers: 100 });
    expect(BENCH_DEFAULTS).toMatchObject({ only: 'all', powerbankChargers: 1000 });
    expect(() => parseBenchArgs(['--only', 'mix'])).toThrow(/--only/);
    expect(() => parseBenchArgs(['--powerbank-chargers', '-1'])).toThrow(/--powerbank-chargers/);
  });

  it('answers help', () => {
    expect(parseBenchArgs(['--help'])).toBe('help');
  });
});

describe('parseCostArgs', () => {
  it('defaults to the 540 s heartbeat BootNotification asks for and measured durations as they are', () => {
    expect(parseCostArgs([])).toEqual({ input: undefined, useDefaults: false, heartbeatSeconds: 540, durationFactor: 1, json: undefined });
  });

  it('reads the input, defaults switch and what-if flags', () => {
    expect(parseCostArgs(['--input', 'r.json', '--defaults', '--heartbeat-seconds', '540', '--duration-factor', '3'])).toMatchObject({ input: 'r.json', useDefaults: true, heartbeatSeconds: 540, durationFactor: 3 });
  });
});
