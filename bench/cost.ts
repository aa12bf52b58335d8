// `npm run cost`: cost per charger-month for a fleet on the default heartbeat (lib/ocpp/heartbeat.ts), at 1k, 100k and 1M
// chargers (and 500, the size AWS's Fargate guidance quotes), from the work per message counted by
// `npm run bench` (bench/results/latest.json) or the documented defaults (bench/lib/defaults.ts).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EVENT_RULES } from '../lib/events/rules';
import { ROUTES } from '../lib/routes';
import { COST_USAGE, parseCostArgs, type CostOptions } from './lib/args';
import { costModel, DEFAULT_ASSUMPTIONS, KIND_LABELS, monthlyCounts, VERSIONS, type FixedCosts, type FleetAssumptions, type MessageKind, type UnitCosts } from './lib/cost-model';
import { DEFAULT_UNIT_COSTS } from './lib/defaults';
import { DEFAULT_POLL_ASSUMPTIONS, pageHourCost } from './lib/job-page-cost';
import { fmt, heading, table, usd } from './lib/format';
import { PRICE_TABLE } from './lib/prices';

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const LATEST = join(BENCH_DIR, 'results', 'latest.json');
const FLEETS = [500, 1_000, 100_000, 1_000_000] as const;
/** Issue #7's target, and AWS's Fargate-based OCPP gateway guidance (DESIGN.md §5). */
const TARGET_USD_AT_100K = 0.03;
const AWS_GUIDANCE_USD_AT_500 = 0.35;

const out = (s = '') => process.stdout.write(`${s}\n`);

/** `$1.00 per million` for per-request prices, `$0.0000133334` per GB-second, `$0.40` per month. */
function unitPrice(price: number, unit: string): string {
  const money = (n: number) => {
    const text = String(Number(n.toPrecision(6)));
    return /\.\d$/.test(text) ? `${text}0` : /\./.test(text) ? text : `${text}.00`;
  };
  return /GB/.test(unit) || price >= 0.01 ? `$${money(price)}` : `$${money(price * 1e6)} per million`;
}

function loadUnits(opts: CostOptions): UnitCosts {
  if (opts.useDefaults) return DEFAULT_UNIT_COSTS;
  const file = opts.input ? resolve(opts.input) : LATEST;
  if (!existsSync(file)) {
    if (opts.input) throw new Error(`${file} does not exist`);
    out(`(no ${LATEST}: using the documented defaults; run \`npm run bench\` to measure this machine's own)`);
    return DEFAULT_UNIT_COSTS;
  }
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as { schema?: string; unitCosts?: UnitCosts };
  if (parsed.schema !== 'chargepoint-bench/1' || !parsed.unitCosts) throw new Error(`${file} is not a bench result (schema chargepoint-bench/1)`);
  return parsed.unitCosts;
}

function scaleDurations(units: UnitCosts, factor: number): UnitCosts {
  if (factor === 1) return units;
  const scale = <T extends Record<string, { billedMs: number }>>(rec: T) => Object.fromEntries(Object.entries(rec).map(([k, u]) => [k, { ...u, billedMs: u.billedMs * factor }])) as T;
  return { ...units, source: `${units.source}, durations ×${factor}`, messages: scale(units.messages), connect: scale(units.connect), disconnect: scale(units.disconnect), eventTargets: scale(units.eventTargets) };
}

/** Fixed monthly items of one deployment: an alarm per function, two edge alarms and a dead-letter alarm per event rule; a dashboard; three secrets. */
function fixedCosts(): FixedCosts {
  const functions = new Set([...ROUTES.map((r) => r.entry), ...EVENT_RULES.map((r) => r.entry)]).size;
  return { alarms: functions + 2 + EVENT_RULES.length, dashboards: 1, secrets: 3 };
}

function main(opts: CostOptions): void {
  const units = scaleDurations(loadUnits(opts), opts.durationFactor);
  const assumptions: FleetAssumptions = { ...DEFAULT_ASSUMPTIONS, heartbeatSeconds: opts.heartbeatSeconds };
  const fixed = fixedCosts();
  const prices = PRICE_TABLE.prices;
  const a = assumptions;

  out(`Cost model per charger-month. Prices: AWS list prices, ${PRICE_TABLE.region}, as of ${PRICE_TABLE.asOf} (bench/lib/prices.ts). ${PRICE_TABLE.note}`);
  out(`Work per message: ${units.source}. Lambda: ${a.lambdaMemoryMb} MB arm64, billed at the unloaded handler times measured locally${opts.durationFactor === 1 ? '' : ` ×${opts.durationFactor}`}.`);

  out(heading('Assumptions (one charger, 30-day month)'));
  out(
    [
      `heartbeat every ${a.heartbeatSeconds} s; ${a.connectorsPerCharger} connectors; API Gateway closes each connection after ${a.connectionHours} h, the charger reconnects and reports ${a.statusPerReconnect} connector statuses`,
      `${a.rebootsPerMonth} reboot (BootNotification + a status per connector); ${a.sessionsPerDay} sessions a day of ${a.sessionMinutes} min with a meter reading every ${a.meterIntervalSeconds} s`,
      `status changes per session: ${a.statusPerSession['ocpp1.6']} on 1.6 (Preparing, Charging, Finishing, Available), ${a.statusPerSession['ocpp2.0.1']} on 2.0.1 (Occupied, Available); fleet ${fmt(a.share16 * 100)} % OCPP 1.6`,
      `every CALL and its CALLRESULT are one API Gateway message each (frames are far below 32 KB); no webhook subscriptions (each would add a delivery write and an HTTPS call per event)`,
      a.billedPingSeconds > 0
        ? `the charger's WebSocket pings (every ${a.billedPingSeconds} s) and their pongs billed as messages`
        : `WebSocket ping/pong control frames: answered by API Gateway itself, not billed as messages (AWS prices "messages sent and received" and does not say; see the ping variant below) and, by every report found, not activity for the 10-minute idle timeout (lib/ocpp/heartbeat.ts)`,
      `Lambda logs: the measured application lines + ${a.platformLogBytesPerInvocation} B of START/END/REPORT per invocation; DynamoDB storage: items written in a month (the log's TTL is 30 days) + ${a.itemOverheadBytes} B each, index copies included`,
      `CloudFront carries the WebSocket (+${a.wireOverheadBytesPerFrame} B framing/TLS per frame); free tiers, savings plans, data transfer between AWS services and taxes are left out`,
    ]
      .map((l) => `  - ${l}`)
      .join('\n'),
  );

  const kinds = Object.keys(KIND_LABELS) as MessageKind[];
  const counts = Object.fromEntries(VERSIONS.map((v) => [v, monthlyCounts(a, v)])) as Record<(typeof VERSIONS)[number], ReturnType<typeof monthlyCounts>>;
  const mixed = (f: (v: (typeof VERSIONS)[number]) => number) => a.share16 * f('ocpp1.6') + (1 - a.share16) * f('ocpp2.0.1');
  out(heading('OCPP CALLs per charger-month'));
  out(
    table(
      ['kind', 'OCPP 1.6 message', 'OCPP 1.6', 'OCPP 2.0.1 message', 'OCPP 2.0.1', 'fleet'],
      [
        ...kinds.map((k) => [k, KIND_LABELS[k]['ocpp1.6'], fmt(counts['ocpp1.6'].calls[k]), KIND_LABELS[k]['ocpp2.0.1'], fmt(counts['ocpp2.0.1'].calls[k]), fmt(mixed((v) => counts[v].calls[k]))]),
        ['all CALLs', '', fmt(kinds.reduce((s, k) => s + counts['ocpp1.6'].calls[k], 0)), '', fmt(kinds.reduce((s, k) => s + counts['ocpp2.0.1'].calls[k], 0)), fmt(mixed((v) => kinds.reduce((s, k) => s + counts[v].calls[k], 0)))],
        ['$connect / $disconnect', '', fmt(counts['ocpp1.6'].connects), '', fmt(counts['ocpp2.0.1'].connects), fmt(mixed((v) => counts[v].connects))],
        ['connection minutes', '', fmt(counts['ocpp1.6'].connectionMinutes), '', fmt(counts['ocpp2.0.1'].connectionMinutes), fmt(mixed((v) => counts[v].connectionMinutes))],
      ],
    ),
  );

  const results = FLEETS.map((fleet) => costModel({ fleet, assumptions, units, prices, fixed }));
  const first = results[0]!;
  if (first.missing.length) out(`\nNOT MEASURED (counted as zero): ${first.missing.join(', ')}`);
  out(heading('Cost per charger-month (USD)'));
  const rows = first.lines.map((line, i) => [line.service, line.item, fmt(line.quantityPerCharger), ...results.map((r) => usd(r.lines[i]!.perChargerUsd))]);
  const fixedRows = first.fixed.map((line, i) => [line.service, line.item, '', ...results.map((r) => usd(r.fixed[i]!.perChargerUsd))]);
  out(
    table(
      ['service', 'item', 'per charger', ...FLEETS.map((f) => `${fmt(f)} chargers`)],
      [
        ...rows,
        ...fixedRows,
        ['TOTAL', 'per charger-month', '', ...results.map((r) => usd(r.perChargerUsd))],
        ['', 'fleet per month', '', ...results.map((r) => usd(r.fleetUsd))],
      ],
    ),
  );

  const at100k = results.find((r) => r.fleet === 100_000)!;
  const at500 = results.find((r) => r.fleet === 500)!;
  const apiShare = at100k.lines.filter((l) => l.service === 'API Gateway').reduce((s, l) => s + l.perChargerUsd, 0) / at100k.perChargerUsd;
  out(heading('Against the targets'));
  out(`  < ${usd(TARGET_USD_AT_100K)} per charger-month at 100k chargers (issue #7): ${usd(at100k.perChargerUsd)} → ${at100k.perChargerUsd < TARGET_USD_AT_100K ? 'met' : 'MISSED'}; API Gateway is ${fmt(apiShare * 100)} % of it`);
  // What this design pays before any DynamoDB request: every message through API Gateway and a
  // Lambda invocation, every minute connected. Nothing the handlers do changes it; only the
  // heartbeat (bounded by the 10-minute idle timeout) or another WebSocket front door would.
  const floor = at100k.lines.filter((l) => l.service === 'API Gateway' || (l.service === 'Lambda' && l.price === 'lambdaRequests')).reduce((s, l) => s + l.perChargerUsd, 0);
  out(`  floor of this design at 100k: API Gateway messages and connection minutes + one Lambda request per message = ${usd(floor)} (${fmt((floor / TARGET_USD_AT_100K) * 100)} % of the target), leaving ${usd(Math.max(0, TARGET_USD_AT_100K - floor))} for DynamoDB, EventBridge, logs, storage and CloudFront, which cost ${usd(at100k.perChargerUsd - floor - at100k.fixed.reduce((s, l) => s + l.perChargerUsd, 0))} here`);
  out(`  AWS's Fargate-based OCPP guidance, ~${usd(AWS_GUIDANCE_USD_AT_500)} per charger-month at 500 chargers: this platform ${usd(at500.perChargerUsd)} at 500 (${fmt(AWS_GUIDANCE_USD_AT_500 / at500.perChargerUsd)}× less), fixed costs included`);

  // What moves the 100k figure: one change at a time.
  const variant = (label: string, change: { assumptions?: Partial<FleetAssumptions>; durationFactor?: number }) => {
    const r = costModel({ fleet: 100_000, assumptions: { ...assumptions, ...change.assumptions }, units: scaleDurations(units, change.durationFactor ?? 1), prices, fixed });
    return [label, usd(r.perChargerUsd), `${r.perChargerUsd >= at100k.perChargerUsd ? '+' : ''}${fmt(((r.perChargerUsd - at100k.perChargerUsd) / at100k.perChargerUsd) * 100)} %`];
  };
  out(heading('What moves the 100k figure'));
  out(
    table(
      ['change', 'per charger-month', 'vs base'],
      [
        ['base (as above)', usd(at100k.perChargerUsd), '0 %'],
        variant('heartbeat 300 s (the default before 540 s)', { assumptions: { heartbeatSeconds: 300 } }),
        variant('heartbeat 60 s', { assumptions: { heartbeatSeconds: 60 } }),
        // What pings would change, either way; neither is established (lib/ocpp/heartbeat.ts).
        variant('IF pings kept API Gateway connections open: heartbeat 3,600 s (not established)', { assumptions: { heartbeatSeconds: 3600 } }),
        variant('IF API Gateway billed pings: a charger ping every 60 s, ping + pong', { assumptions: { billedPingSeconds: 60 } }),
        variant('Lambda durations ×3 (512 MB arm64 CPU share, AWS round trips)', { durationFactor: 3 }),
        variant('no charging sessions', { assumptions: { sessionsPerDay: 0 } }),
        variant('meter readings every 60 s', { assumptions: { meterIntervalSeconds: 60 } }),
        variant('all chargers on OCPP 2.0.1', { assumptions: { share16: 0 } }),
        variant('Lambda system logs at WARN (no START/END/REPORT lines)', { assumptions: { platformLogBytesPerInvocation: 0 } }),
      ],
    ),
  );

  jobPagePolling(prices);

  out(heading(`Prices used (${PRICE_TABLE.region}, ${PRICE_TABLE.asOf}; check before quoting)`));
  out(
    table(
      ['price', 'unit', 'USD', 'source'],
      Object.entries(prices).map(([name, p]) => [
        name,
        p.unit,
        p.tiers.map((t) => (t.upTo === Infinity ? unitPrice(t.price, p.unit) : `${unitPrice(t.price, p.unit)} up to ${fmt(t.upTo)}`)).join('; then '),
        p.source,
      ]),
    ),
  );

  if (opts.json) {
    writeFileSync(resolve(opts.json), `${JSON.stringify({ prices: PRICE_TABLE, assumptions, units: units.source, fixed, results }, null, 2)}\n`);
    out(`\nWrote ${resolve(opts.json)}`);
  }
}

/** The job page's live updates (issue #14): polling with If-None-Match, per visible page-hour. */
function jobPagePolling(prices: typeof PRICE_TABLE.prices): void {
  const p = DEFAULT_POLL_ASSUMPTIONS;
  const c = pageHourCost(p, prices);
  out(heading('Job page: live updates per open page-hour'));
  out(
    [
      `the page polls GET /api/v1/public/jobs/{token} with If-None-Match every ${p.pollSeconds} s while its tab is visible (${fmt(c.requestsPerHour)} requests an hour) and not at all while hidden`,
      `a 14-charge-point job: ${fmt(p.readUnits)} read units per poll for 304 and 200 alike (the tag stands for the view, so the view is read); ${p.bytes304} B for a 304, ${fmt(p.bytes200)} B for a 200`,
      `Lambda ${p.lambdaMemoryMb} MB arm64, ${p.billedMs304} ms billed for a 304, ${p.billedMs200} ms for a 200 (assumed, warm); first-tier prices; the page's script and style are cached for a year and not counted`,
    ]
      .map((l) => `  - ${l}`)
      .join('\n'),
  );
  out(
    table(
      ['item (per million polls)', '304', '200'],
      [...c.lines.map((l) => [l.item, usd(l.per304Usd * 1e6), usd(l.per200Usd * 1e6)]), ['all', usd(c.per304Usd * 1e6), usd(c.per200Usd * 1e6)]],
    ),
  );
  out(
    table(
      ['open page-hour', 'USD'],
      [
        ['nothing changes (every poll 304)', usd(c.hourAll304Usd)],
        ['a busy install (1 poll in 10 is a 200)', usd(c.hourUsd(0.1))],
        ['everything changes (every poll 200)', usd(c.hourAll200Usd)],
        ['1,000 installers, 4 visible hours a day, 22 days (304s)', usd(c.hourAll304Usd * 1000 * 4 * 22)],
      ],
    ),
  );
}

let parsed: CostOptions | 'help';
try {
  parsed = parseCostArgs(process.argv.slice(2));
} catch (err) {
  console.error(`${(err as Error).message}\n\n${COST_USAGE}`);
  process.exit(64);
}
if (parsed === 'help') out(COST_USAGE);
else main(parsed);
