// A site meter pushing readings to a location's power management (issue #18), next to the charger
// simulator:
//   npm run simulate-meter -- --url <readings_url> --secret <secret> [--phases 3] [--base 10] [--swing 4] [--solar 0] [--interval 5] [--count N]
// `readings_url` and `secret` are what POST /api/v1/locations/{location_id}/power/meters answered
// (the secret is shown once). Every --interval seconds it sends the per-phase current of a building
// whose draw wanders around --base A by --swing A, minus up to --solar A of export; a refused reading
// is printed with the field the server named. Ctrl-C stops it; with --count it stops by itself after
// N readings (for scripts and CI), exiting 1 when any of them was refused.
import { parseArgs } from 'node:util';
import { buildingTrace, sendReading } from './lib/meter';

const USAGE = 'Usage: npm run simulate-meter -- --url <readings_url> --secret <secret> [--phases 1|3] [--base 10] [--swing 4] [--solar 0] [--interval 5] [--count N]';

function parseCli() {
  try {
    return parseArgs({
      options: {
        url: { type: 'string' },
        secret: { type: 'string' },
        phases: { type: 'string', default: '3' },
        base: { type: 'string', default: '10' },
        swing: { type: 'string', default: '4' },
        solar: { type: 'string', default: '0' },
        interval: { type: 'string', default: '5' },
        count: { type: 'string' },
      },
    }).values;
  } catch (err) {
    console.error(`✖ ${(err as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
}

const values = parseCli();
const phases = Number(values.phases);
const intervalS = Number(values.interval);
const count = values.count === undefined ? undefined : Number(values.count);
const opts = { phases: phases === 1 ? (1 as const) : (3 as const), baseA: Number(values.base), swingA: Number(values.swing), solarA: Number(values.solar) };
if (!values.url || !values.secret || (phases !== 1 && phases !== 3) || !(intervalS >= 1) || (count !== undefined && !(Number.isInteger(count) && count >= 1)) || [opts.baseA, opts.swingA, opts.solarA].some((n) => !Number.isFinite(n))) {
  console.error(USAGE);
  process.exit(2);
}
const url = values.url;
const secret = values.secret;

/** Sends one reading; false when it was refused or could not be sent. */
async function tick(): Promise<boolean> {
  const currentA = buildingTrace(Date.now(), opts);
  try {
    const sent = await sendReading(url, secret, { currentA });
    if (sent.status === 202) {
      console.log(`${new Date().toISOString()} ${currentA.map((a) => `${a} A`).join(' / ')}${(sent.body as { replan_requested?: boolean }).replan_requested ? '  → replan' : ''}`);
      return true;
    }
    console.error(`✖ ${sent.status}: ${JSON.stringify(sent.body)}`);
  } catch (err) {
    console.error(`✖ ${(err as Error).message}`);
  }
  return false;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

if (count !== undefined) {
  // A fixed number of readings, one after the other, then out: the exit code says whether all were taken.
  void (async () => {
    let refused = 0;
    for (let i = 0; i < count; i++) {
      if (i > 0) await sleep(intervalS * 1000);
      if (!(await tick())) refused += 1;
    }
    process.exit(refused ? 1 : 0);
  })();
} else {
  void tick();
  const timer = setInterval(() => void tick(), intervalS * 1000);
  process.on('SIGINT', () => {
    clearInterval(timer);
    process.exit(0);
  });
}
