// Command-line flags of `npm run bench` and `npm run cost` (pure: unit-tested).
import { parseArgs } from 'node:util';
import { HEARTBEAT_INTERVAL_SECONDS } from '../../lib/ocpp/heartbeat';

export interface BenchOptions {
  /** Charge points registered and connected (half 1.6, half 2.0.1). */
  readonly chargers: number;
  /** Length of the steady mix window. */
  readonly seconds: number;
  /** Compressed heartbeat interval: each idle client sends one Heartbeat per interval. */
  readonly heartbeatSeconds: number;
  /** Share of clients that run charging sessions in the mix. */
  readonly sessionShare: number;
  /** At most this many WebSocket handshakes in flight. */
  readonly connectConcurrency: number;
  /** Length of the raw PutItem window. */
  readonly rawSeconds: number;
  /** Fresh processes per function for the cold-start median; undefined = 5 for OCPP functions, 3 for the rest. */
  readonly coldRuns: number | undefined;
  /** Which functions get a cold-start measurement. */
  readonly coldStart: 'all' | 'ocpp' | 'none';
  /** Extra copy of the result JSON (bench/results/latest.json is always written). */
  readonly json: string | undefined;
  /** `powerbank`: only the PowerBank activation section (its own runtime); `all`: everything. */
  readonly only: 'all' | 'powerbank';
  /** Enrolled, charging simulated chargers in the PowerBank section (half per version); 0 skips it. */
  readonly powerbankChargers: number;
}

export const BENCH_DEFAULTS: BenchOptions = {
  chargers: 1000,
  seconds: 30,
  heartbeatSeconds: 0.5,
  sessionShare: 0.2,
  connectConcurrency: 50,
  rawSeconds: 10,
  coldRuns: undefined,
  coldStart: 'all',
  json: undefined,
  only: 'all',
  powerbankChargers: 1000,
};

export const BENCH_USAGE = `npm run bench -- [flags]
  --chargers N              charge points (half OCPP 1.6, half 2.0.1)      default ${BENCH_DEFAULTS.chargers}
  --seconds S               steady mix window                             default ${BENCH_DEFAULTS.seconds}
  --heartbeat-seconds H     compressed heartbeat interval (${HEARTBEAT_INTERVAL_SECONDS} s on AWS)  default ${BENCH_DEFAULTS.heartbeatSeconds}
  --session-share F         share of chargers running charging sessions   default ${BENCH_DEFAULTS.sessionShare}
  --connect-concurrency C   WebSocket handshakes in flight                default ${BENCH_DEFAULTS.connectConcurrency}
  --raw-seconds S           raw DynamoDB Local PutItem window             default ${BENCH_DEFAULTS.rawSeconds}
  --cold-runs R             fresh node processes per function             default 5 (OCPP) / 3 (others)
  --cold-start all|ocpp|none  which functions get a cold-start measurement default all
  --json FILE               also write the result JSON here (bench/results/latest.json is always written)
  --only powerbank          only the PowerBank activation section (its own runtime; latest.json untouched)
  --powerbank-chargers N    enrolled charging chargers for PowerBank (0 skips) default ${BENCH_DEFAULTS.powerbankChargers}`;

function num(name: string, raw: string | undefined, fallback: number, check: (n: number) => boolean, what: string): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || !check(n)) throw new Error(`--${name} must be ${what}, got ${JSON.stringify(raw)}`);
  return n;
}

export function parseBenchArgs(argv: readonly string[]): BenchOptions | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      chargers: { type: 'string' },
      seconds: { type: 'string' },
      'heartbeat-seconds': { type: 'string' },
      'session-share': { type: 'string' },
      'connect-concurrency': { type: 'string' },
      'raw-seconds': { type: 'string' },
      'cold-runs': { type: 'string' },
      'cold-start': { type: 'string' },
      json: { type: 'string' },
      only: { type: 'string' },
      'powerbank-chargers': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  const d = BENCH_DEFAULTS;
  const only = values.only ?? d.only;
  if (only !== 'all' && only !== 'powerbank') throw new Error(`--only must be powerbank, got ${JSON.stringify(only)}`);
  const int = (n: number) => Number.isInteger(n) && n >= 1;
  const coldStart = values['cold-start'] ?? d.coldStart;
  if (coldStart !== 'all' && coldStart !== 'ocpp' && coldStart !== 'none') throw new Error(`--cold-start must be all, ocpp or none, got ${JSON.stringify(coldStart)}`);
  const chargers = num('chargers', values.chargers, d.chargers, (n) => int(n) && n >= 2, 'an integer ≥ 2');
  return {
    chargers,
    seconds: num('seconds', values.seconds, d.seconds, (n) => n >= 1, 'at least 1'),
    heartbeatSeconds: num('heartbeat-seconds', values['heartbeat-seconds'], d.heartbeatSeconds, (n) => n >= 0.01, 'at least 0.01'),
    sessionShare: num('session-share', values['session-share'], d.sessionShare, (n) => n >= 0 && n <= 1, 'within 0..1'),
    connectConcurrency: num('connect-concurrency', values['connect-concurrency'], d.connectConcurrency, int, 'a positive integer'),
    rawSeconds: num('raw-seconds', values['raw-seconds'], d.rawSeconds, (n) => n >= 1, 'at least 1'),
    coldRuns: values['cold-runs'] === undefined ? undefined : num('cold-runs', values['cold-runs'], 1, int, 'a positive integer'),
    coldStart,
    json: values.json,
    only,
    powerbankChargers: num('powerbank-chargers', values['powerbank-chargers'], d.powerbankChargers, (n) => Number.isInteger(n) && n >= 0, 'an integer ≥ 0'),
  };
}

export interface CostOptions {
  /** Bench result to read; default bench/results/latest.json when it exists. */
  readonly input: string | undefined;
  /** Ignore any bench result and use the documented defaults. */
  readonly useDefaults: boolean;
  readonly heartbeatSeconds: number;
  /** Multiplies every measured Lambda duration (local CPU vs a 512 MB arm64 share, AWS round trips). */
  readonly durationFactor: number;
  readonly json: string | undefined;
}

export const COST_USAGE = `npm run cost -- [flags]
  --input FILE              bench result JSON                 default bench/results/latest.json when present
  --defaults                ignore bench results; use the documented defaults (bench/lib/defaults.ts)
  --heartbeat-seconds H     fleet heartbeat interval           default ${HEARTBEAT_INTERVAL_SECONDS}
  --duration-factor F       scale measured Lambda durations    default 1
  --json FILE               also write the model as JSON`;

export function parseCostArgs(argv: readonly string[]): CostOptions | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      input: { type: 'string' },
      defaults: { type: 'boolean' },
      'heartbeat-seconds': { type: 'string' },
      'duration-factor': { type: 'string' },
      json: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  return {
    input: values.input,
    useDefaults: values.defaults ?? false,
    heartbeatSeconds: num('heartbeat-seconds', values['heartbeat-seconds'], HEARTBEAT_INTERVAL_SECONDS, (n) => n >= 1, 'at least 1'),
    durationFactor: num('duration-factor', values['duration-factor'], 1, (n) => n > 0, 'positive'),
    json: values.json,
  };
}
