// The cost model per charger-month: messages a charger sends in a month (stated assumptions) ×
// the work each message costs (counted by the bench: DynamoDB units, events published, Lambda time,
// frame and log bytes) × the prices (bench/lib/prices.ts). Pure arithmetic, unit-tested in
// test/unit/bench/cost-model.test.ts.
import { HEARTBEAT_INTERVAL_SECONDS } from '../../lib/ocpp/heartbeat';
import type { Price, PriceName, Tier } from './prices';

/** Cost of `quantity` units under cumulative tiers (quantity is fleet-wide and monthly). */
export function tieredCost(quantity: number, tiers: readonly Tier[]): number {
  if (!(quantity > 0)) return 0;
  let cost = 0;
  let from = 0;
  for (const tier of tiers) {
    if (quantity <= from) break;
    const inTier = Math.min(quantity, tier.upTo) - from;
    cost += inTier * tier.price;
    from = tier.upTo;
  }
  return cost;
}

/** The measured work of one invocation (one OCPP message, connect, disconnect or delivered event). */
export interface UnitCost {
  /** Mean billed Lambda duration (each invocation rounded up to 1 ms). */
  readonly billedMs: number;
  readonly readUnits: number;
  /** Write units including index writes. */
  readonly writeUnits: number;
  readonly writeUnitsGsi: number;
  readonly dynamoRequests: number;
  /** Events published, by detail-type. */
  readonly events: Readonly<Record<string, number>>;
  /** Frame bytes in (charger → CSMS) and out (the route response). */
  readonly bytesIn: number;
  readonly bytesOut: number;
  /** Application log bytes (the platform's START/END/REPORT lines are added by the model). */
  readonly logBytes: number;
  /** Items put and their mean size (approximate: JSON length), for storage. */
  readonly itemsPut: number;
  readonly itemBytes: number;
}

export interface UnitCosts {
  /** Where the figures come from (a bench result file and its date, or the documented defaults). */
  readonly source: string;
  /** By message type key `ocpp1.6 Heartbeat`, `ocpp2.0.1 TransactionEvent(Started)`… */
  readonly messages: Readonly<Record<string, UnitCost>>;
  /** $connect and $disconnect by version key (`ocpp1.6`). */
  readonly connect: Readonly<Record<string, UnitCost>>;
  readonly disconnect: Readonly<Record<string, UnitCost>>;
  /** Event targets (the webhook fan-out) per delivered event, by detail-type. */
  readonly eventTargets: Readonly<Record<string, UnitCost>>;
}

export interface FleetAssumptions {
  readonly heartbeatSeconds: number;
  readonly daysPerMonth: number;
  readonly connectorsPerCharger: number;
  /** API Gateway closes every WebSocket after 2 h; the charger reconnects. */
  readonly connectionHours: number;
  /** After each reconnect the charger reports each connector's status. */
  readonly statusPerReconnect: number;
  readonly rebootsPerMonth: number;
  readonly sessionsPerDay: number;
  readonly sessionMinutes: number;
  /** MeterValueSampleInterval (1.6) / SampledDataTxUpdatedInterval (2.0.1) during a session. */
  readonly meterIntervalSeconds: number;
  /** Status changes per session: 1.6 Preparing, Charging, Finishing, Available; 2.0.1 Occupied, Available. */
  readonly statusPerSession: Readonly<Record<'ocpp1.6' | 'ocpp2.0.1', number>>;
  /** Share of the fleet on OCPP 1.6 (the rest on 2.0.1). */
  readonly share16: number;
  /** Configured Lambda memory (infra/constructs/app-function.ts). */
  readonly lambdaMemoryMb: number;
  /** START, END and REPORT lines Lambda writes per invocation. */
  readonly platformLogBytesPerInvocation: number;
  /** DynamoDB's per-item storage overhead. */
  readonly itemOverheadBytes: number;
  /** WebSocket framing + TLS record overhead per frame on the wire (CloudFront transfer). */
  readonly wireOverheadBytesPerFrame: number;
  /** Months an item stays (the log's TTL is 30 days: one month of items is stored at any time). */
  readonly retentionMonths: number;
  /**
   * Interval of the charger's WebSocket pings (1.6 WebSocketPingInterval, 2.0.1
   * OCPPCommCtrlr.WebSocketPingInterval) IF API Gateway metered each ping and its pong as messages;
   * 0: not metered. AWS's pricing counts "messages sent and received" and says nothing of control
   * frames, which API Gateway answers itself without invoking a route (lib/ocpp/heartbeat.ts), so the
   * model's default is 0 and `npm run cost` shows what metering would add.
   */
  readonly billedPingSeconds: number;
}

export const DEFAULT_ASSUMPTIONS: FleetAssumptions = {
  // What BootNotification asks for (lib/ocpp/heartbeat.ts, which says why 540 s).
  heartbeatSeconds: HEARTBEAT_INTERVAL_SECONDS,
  daysPerMonth: 30,
  connectorsPerCharger: 2,
  connectionHours: 2,
  statusPerReconnect: 2,
  rebootsPerMonth: 1,
  sessionsPerDay: 2,
  sessionMinutes: 60,
  meterIntervalSeconds: 300,
  statusPerSession: { 'ocpp1.6': 4, 'ocpp2.0.1': 2 },
  share16: 0.5,
  lambdaMemoryMb: 512,
  platformLogBytesPerInvocation: 300,
  itemOverheadBytes: 100,
  wireOverheadBytesPerFrame: 40,
  retentionMonths: 1,
  billedPingSeconds: 0,
};

/** Logical message kinds and the message type that carries each one, per version. */
export const KIND_LABELS = {
  heartbeat: { 'ocpp1.6': 'Heartbeat', 'ocpp2.0.1': 'Heartbeat' },
  status: { 'ocpp1.6': 'StatusNotification', 'ocpp2.0.1': 'StatusNotification' },
  boot: { 'ocpp1.6': 'BootNotification', 'ocpp2.0.1': 'BootNotification' },
  sessionStart: { 'ocpp1.6': 'StartTransaction', 'ocpp2.0.1': 'TransactionEvent(Started)' },
  meter: { 'ocpp1.6': 'MeterValues', 'ocpp2.0.1': 'TransactionEvent(Updated)' },
  sessionStop: { 'ocpp1.6': 'StopTransaction', 'ocpp2.0.1': 'TransactionEvent(Ended)' },
} as const;
export type MessageKind = keyof typeof KIND_LABELS;
export const VERSIONS = ['ocpp1.6', 'ocpp2.0.1'] as const;
export type Version = (typeof VERSIONS)[number];

export interface MonthlyCounts {
  /** OCPP CALLs per charger-month by kind, for one version. */
  readonly calls: Readonly<Record<MessageKind, number>>;
  readonly connects: number;
  readonly connectionMinutes: number;
}

/** What one charger of `version` sends in a month under the assumptions. */
export function monthlyCounts(a: FleetAssumptions, version: Version): MonthlyCounts {
  const seconds = a.daysPerMonth * 86_400;
  const reconnects = (a.daysPerMonth * 24) / a.connectionHours;
  const sessions = a.sessionsPerDay * a.daysPerMonth;
  const metersPerSession = Math.floor((a.sessionMinutes * 60) / a.meterIntervalSeconds);
  return {
    calls: {
      heartbeat: seconds / a.heartbeatSeconds,
      status: reconnects * a.statusPerReconnect + a.rebootsPerMonth * a.connectorsPerCharger + sessions * a.statusPerSession[version],
      boot: a.rebootsPerMonth,
      sessionStart: sessions,
      meter: sessions * metersPerSession,
      sessionStop: sessions,
    },
    connects: reconnects,
    connectionMinutes: seconds / 60,
  };
}

export interface CostLine {
  readonly service: string;
  readonly item: string;
  readonly price: PriceName;
  /** Billable units per charger-month. */
  readonly quantityPerCharger: number;
  readonly fleetUsd: number;
  readonly perChargerUsd: number;
}

export interface CostResult {
  readonly fleet: number;
  readonly lines: readonly CostLine[];
  readonly fixed: readonly CostLine[];
  readonly perChargerUsd: number;
  readonly fleetUsd: number;
  /** OCPP CALLs per charger-month (fleet-weighted). */
  readonly callsPerCharger: number;
}

export interface FixedCosts {
  readonly alarms: number;
  readonly dashboards: number;
  readonly secrets: number;
}

type Prices = Readonly<Record<PriceName, Price>>;

const ZERO: UnitCost = { billedMs: 0, readUnits: 0, writeUnits: 0, writeUnitsGsi: 0, dynamoRequests: 0, events: {}, bytesIn: 0, bytesOut: 0, logBytes: 0, itemsPut: 0, itemBytes: 0 };
const GB = 1024 ** 3;

/** Mean of the measured event-target costs, for a detail-type that was not measured itself. */
function meanTarget(targets: Readonly<Record<string, UnitCost>>): UnitCost {
  const all = Object.values(targets);
  if (!all.length) return ZERO;
  const avg = (f: (u: UnitCost) => number) => all.reduce((s, u) => s + f(u), 0) / all.length;
  return {
    billedMs: avg((u) => u.billedMs),
    readUnits: avg((u) => u.readUnits),
    writeUnits: avg((u) => u.writeUnits),
    writeUnitsGsi: avg((u) => u.writeUnitsGsi),
    dynamoRequests: avg((u) => u.dynamoRequests),
    events: {},
    bytesIn: 0,
    bytesOut: 0,
    logBytes: avg((u) => u.logBytes),
    itemsPut: avg((u) => u.itemsPut),
    itemBytes: avg((u) => u.itemBytes),
  };
}

/** Per charger-month totals of every metered quantity. */
export interface Usage {
  calls: number;
  apiMessages: number;
  connectionMinutes: number;
  connects: number;
  lambdaRequests: number;
  gbSeconds: number;
  readUnits: number;
  writeUnits: number;
  events: number;
  logBytes: number;
  storedBytes: number;
  bytesOut: number;
  bytesIn: number;
}

/** Adds `count` invocations of a unit to the usage; `frames` when it is an OCPP message (metered by API Gateway). */
function add(u: Usage, unit: UnitCost, count: number, a: FleetAssumptions, frames: boolean): void {
  if (!(count > 0)) return;
  u.lambdaRequests += count;
  u.gbSeconds += count * (unit.billedMs / 1000) * (a.lambdaMemoryMb / 1024);
  u.readUnits += count * unit.readUnits;
  u.writeUnits += count * unit.writeUnits;
  u.logBytes += count * (unit.logBytes + a.platformLogBytesPerInvocation);
  const itemBytes = unit.itemsPut * (unit.itemBytes + a.itemOverheadBytes) + (unit.writeUnitsGsi > 0 ? unit.itemBytes + a.itemOverheadBytes : 0);
  u.storedBytes += count * itemBytes * a.retentionMonths;
  for (const n of Object.values(unit.events)) u.events += count * n;
  if (frames) {
    u.calls += count;
    // A CALL and its CALLRESULT: one message each way, each 32 KB counting as one.
    u.apiMessages += count * (Math.max(1, Math.ceil(unit.bytesIn / 32_768)) + Math.max(1, Math.ceil(unit.bytesOut / 32_768)));
    u.bytesIn += count * (unit.bytesIn + a.wireOverheadBytesPerFrame);
    u.bytesOut += count * (unit.bytesOut + a.wireOverheadBytesPerFrame);
  }
}

/** Usage per charger-month, weighted over the fleet's protocol mix. Missing measurements count as zero (and are listed). */
export function usagePerCharger(a: FleetAssumptions, units: UnitCosts): { usage: Usage; missing: string[] } {
  const usage: Usage = { calls: 0, apiMessages: 0, connectionMinutes: 0, connects: 0, lambdaRequests: 0, gbSeconds: 0, readUnits: 0, writeUnits: 0, events: 0, logBytes: 0, storedBytes: 0, bytesOut: 0, bytesIn: 0 };
  const missing: string[] = [];
  const fallbackTarget = meanTarget(units.eventTargets);
  const downstream = (unit: UnitCost, count: number) => {
    for (const [type, n] of Object.entries(unit.events)) add(usage, units.eventTargets[type] ?? fallbackTarget, count * n, a, false);
  };
  for (const version of VERSIONS) {
    const weight = version === 'ocpp1.6' ? a.share16 : 1 - a.share16;
    if (weight <= 0) continue;
    const counts = monthlyCounts(a, version);
    for (const kind of Object.keys(KIND_LABELS) as MessageKind[]) {
      const key = `${version} ${KIND_LABELS[kind][version]}`;
      const unit = units.messages[key];
      if (!unit) missing.push(key);
      const n = counts.calls[kind] * weight;
      add(usage, unit ?? ZERO, n, a, true);
      if (unit) downstream(unit, n);
    }
    for (const [book, label] of [
      [units.connect, '$connect'],
      [units.disconnect, '$disconnect'],
    ] as const) {
      const unit = book[version];
      if (!unit) missing.push(`${version} ${label}`);
      add(usage, unit ?? ZERO, counts.connects * weight, a, false);
      if (unit) downstream(unit, counts.connects * weight);
    }
    usage.connects += counts.connects * weight;
    usage.connectionMinutes += counts.connectionMinutes * weight;
  }
  // Ping in, pong out: two messages, only if control frames were metered (see billedPingSeconds).
  if (a.billedPingSeconds > 0) usage.apiMessages += 2 * ((a.daysPerMonth * 86_400) / a.billedPingSeconds);
  return { usage, missing };
}

/** The monthly bill of a fleet, line by line, and per charger. */
export function costModel(opts: { fleet: number; assumptions: FleetAssumptions; units: UnitCosts; prices: Prices; fixed: FixedCosts }): CostResult & { missing: string[] } {
  const { fleet, prices } = opts;
  const { usage, missing } = usagePerCharger(opts.assumptions, opts.units);
  const line = (service: string, item: string, price: PriceName, quantityPerCharger: number): CostLine => {
    const fleetUsd = tieredCost(quantityPerCharger * fleet, prices[price].tiers);
    return { service, item, price, quantityPerCharger, fleetUsd, perChargerUsd: fleetUsd / fleet };
  };
  const lines = [
    line('API Gateway', 'WebSocket messages (in + out)', 'apiGatewayMessages', usage.apiMessages),
    line('API Gateway', 'connection minutes', 'apiGatewayConnectionMinutes', usage.connectionMinutes),
    line('Lambda', 'requests', 'lambdaRequests', usage.lambdaRequests),
    line('Lambda', 'duration (GB-s, arm64)', 'lambdaGbSecondsArm', usage.gbSeconds),
    line('DynamoDB', 'write request units', 'dynamoDbWriteUnits', usage.writeUnits),
    line('DynamoDB', 'read request units', 'dynamoDbReadUnits', usage.readUnits),
    line('DynamoDB', 'storage (GB-month, log retention)', 'dynamoDbStorage', usage.storedBytes / GB),
    line('EventBridge', 'events published', 'eventBridgeEvents', usage.events),
    line('CloudWatch Logs', 'ingestion (GB)', 'cloudWatchLogsIngest', usage.logBytes / GB),
    line('CloudFront', 'data out to chargers (GB)', 'cloudFrontDataOut', usage.bytesOut / GB),
    line('CloudFront', 'data to origin (GB)', 'cloudFrontDataToOrigin', usage.bytesIn / GB),
    line('CloudFront', 'upgrade requests', 'cloudFrontRequests', usage.connects),
    line('CloudFront', 'function invocations (path rewrite)', 'cloudFrontFunctions', usage.connects),
  ];
  const fixedLine = (item: string, price: PriceName, count: number): CostLine => {
    const fleetUsd = tieredCost(count, prices[price].tiers);
    return { service: 'Fixed', item, price, quantityPerCharger: count / fleet, fleetUsd, perChargerUsd: fleetUsd / fleet };
  };
  const fixed = [
    fixedLine(`${opts.fixed.alarms} alarms`, 'cloudWatchAlarm', opts.fixed.alarms),
    fixedLine(`${opts.fixed.dashboards} dashboard`, 'cloudWatchDashboard', opts.fixed.dashboards),
    fixedLine(`${opts.fixed.secrets} secrets`, 'secretsManagerSecret', opts.fixed.secrets),
  ];
  const fleetUsd = [...lines, ...fixed].reduce((s, l) => s + l.fleetUsd, 0);
  return { fleet, lines, fixed, fleetUsd, perChargerUsd: fleetUsd / fleet, callsPerCharger: usage.calls, missing };
}
