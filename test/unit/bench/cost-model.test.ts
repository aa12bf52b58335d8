// Cost model arithmetic (bench/lib/cost-model.ts): tiers, monthly message counts, line items.
import { describe, expect, it } from 'vitest';
import { costModel, DEFAULT_ASSUMPTIONS, monthlyCounts, tieredCost, usagePerCharger, type UnitCost, type UnitCosts } from '../../../bench/lib/cost-model';
import { PRICE_TABLE } from '../../../bench/lib/prices';

const prices = PRICE_TABLE.prices;
const noFixed = { alarms: 0, dashboards: 0, secrets: 0 };

function aUnit(overrides: Partial<UnitCost> = {}): UnitCost {
  return { billedMs: 10, readUnits: 1, writeUnits: 1, writeUnitsGsi: 0, dynamoRequests: 2, events: {}, bytesIn: 60, bytesOut: 80, logBytes: 0, itemsPut: 1, itemBytes: 400, ...overrides };
}

/** Every message type of both versions costs the same unit; connects and disconnects cost nothing. */
function uniformUnits(unit: UnitCost, extra: Partial<UnitCosts> = {}): UnitCosts {
  const labels = ['Heartbeat', 'StatusNotification', 'BootNotification', 'StartTransaction', 'MeterValues', 'StopTransaction', 'TransactionEvent(Started)', 'TransactionEvent(Updated)', 'TransactionEvent(Ended)'];
  const messages = Object.fromEntries(['ocpp1.6', 'ocpp2.0.1'].flatMap((v) => labels.map((l) => [`${v} ${l}`, unit])));
  const none = aUnit({ billedMs: 0, readUnits: 0, writeUnits: 0, dynamoRequests: 0, bytesIn: 0, bytesOut: 0, itemsPut: 0 });
  return { source: 'test', messages, connect: { 'ocpp1.6': none, 'ocpp2.0.1': none }, disconnect: { 'ocpp1.6': none, 'ocpp2.0.1': none }, eventTargets: {}, ...extra };
}

describe('tieredCost', () => {
  const apiTiers = prices.apiGatewayMessages.tiers;

  it('prices a quantity inside the first tier at the first price', () => {
    expect(tieredCost(1_000_000, apiTiers)).toBeCloseTo(1.0, 10);
  });

  it('prices each part of a quantity that spans tiers at its own tier', () => {
    // 1e9 at $1.00/M + 0.5e9 at $0.80/M
    expect(tieredCost(1.5e9, apiTiers)).toBeCloseTo(1000 + 400, 6);
  });

  it('costs nothing for no usage', () => {
    expect(tieredCost(0, apiTiers)).toBe(0);
    expect(tieredCost(Number.NaN, apiTiers)).toBe(0);
  });

  it('walks all four CloudWatch Logs tiers', () => {
    const gb = 60 * 1024; // 10 TB at 0.50, 20 TB at 0.25, 20 TB at 0.10, 10 TB at 0.05
    expect(tieredCost(gb, prices.cloudWatchLogsIngest.tiers)).toBeCloseTo(10240 * 0.5 + 20480 * 0.25 + 20480 * 0.1 + 10240 * 0.05, 6);
  });
});

describe('monthlyCounts (30-day month, the default 540 s heartbeat)', () => {
  it('counts 4,800 heartbeats, 360 reconnects and 43,200 connection minutes', () => {
    const c = monthlyCounts(DEFAULT_ASSUMPTIONS, 'ocpp1.6');
    expect(c.calls.heartbeat).toBe(4800);
    expect(c.connects).toBe(360);
    expect(c.connectionMinutes).toBe(43_200);
  });

  it('counts status notifications from reconnects, reboots and sessions per version', () => {
    // 360 reconnects × 2 + 1 reboot × 2 connectors + 60 sessions × (4 on 1.6 | 2 on 2.0.1)
    expect(monthlyCounts(DEFAULT_ASSUMPTIONS, 'ocpp1.6').calls.status).toBe(720 + 2 + 240);
    expect(monthlyCounts(DEFAULT_ASSUMPTIONS, 'ocpp2.0.1').calls.status).toBe(720 + 2 + 120);
  });

  it('counts session messages: 60 starts and stops, 12 meter readings per hour-long session', () => {
    const c = monthlyCounts(DEFAULT_ASSUMPTIONS, 'ocpp2.0.1');
    expect(c.calls.sessionStart).toBe(60);
    expect(c.calls.sessionStop).toBe(60);
    expect(c.calls.meter).toBe(720);
  });

  it('halves the heartbeats when the interval doubles', () => {
    expect(monthlyCounts({ ...DEFAULT_ASSUMPTIONS, heartbeatSeconds: 600 }, 'ocpp1.6').calls.heartbeat).toBe(4320);
  });
});

describe('costModel', () => {
  // A 300 s heartbeat keeps the arithmetic below readable (8,640 a month).
  const onlyHeartbeats = { ...DEFAULT_ASSUMPTIONS, heartbeatSeconds: 300, sessionsPerDay: 0, rebootsPerMonth: 0, statusPerReconnect: 0, platformLogBytesPerInvocation: 0 };

  it('turns every CALL into two API Gateway messages and prices connection minutes', () => {
    const r = costModel({ fleet: 1000, assumptions: onlyHeartbeats, units: uniformUnits(aUnit()), prices, fixed: noFixed });
    const line = (item: string) => r.lines.find((l) => l.item.startsWith(item))!;
    expect(r.callsPerCharger).toBe(8640);
    expect(line('WebSocket messages').quantityPerCharger).toBe(2 * 8640);
    expect(line('WebSocket messages').perChargerUsd).toBeCloseTo((2 * 8640) / 1e6, 10);
    expect(line('connection minutes').perChargerUsd).toBeCloseTo(43_200 * 0.25e-6, 10);
  });

  it('counts no API Gateway message for WebSocket pings by default, and a ping and its pong if they were metered', () => {
    const units = uniformUnits(aUnit());
    const messages = (billedPingSeconds: number) => costModel({ fleet: 1000, assumptions: { ...onlyHeartbeats, billedPingSeconds }, units, prices, fixed: noFixed }).lines.find((l) => l.item.startsWith('WebSocket messages'))!;
    expect(DEFAULT_ASSUMPTIONS.billedPingSeconds).toBe(0);
    expect(messages(0).quantityPerCharger).toBe(2 * 8640);
    // A ping a minute: 43,200 pings and 43,200 pongs a month on top of the heartbeats, and nothing else.
    expect(messages(60).quantityPerCharger).toBe(2 * 8640 + 2 * 43_200);
    // Pings invoke nothing: the Lambda and DynamoDB lines do not move.
    const rest = (billedPingSeconds: number) => costModel({ fleet: 1000, assumptions: { ...onlyHeartbeats, billedPingSeconds }, units, prices, fixed: noFixed }).lines.filter((l) => !l.item.startsWith('WebSocket messages'));
    expect(rest(60)).toEqual(rest(0));
  });

  it('prices DynamoDB units and Lambda GB-seconds from the unit costs', () => {
    const r = costModel({ fleet: 1000, assumptions: onlyHeartbeats, units: uniformUnits(aUnit({ readUnits: 1, writeUnits: 2, billedMs: 10 })), prices, fixed: noFixed });
    const line = (item: string) => r.lines.find((l) => l.item.startsWith(item))!;
    expect(line('write request units').quantityPerCharger).toBe(8640 * 2);
    expect(line('write request units').perChargerUsd).toBeCloseTo(8640 * 2 * 0.625e-6, 12);
    expect(line('read request units').perChargerUsd).toBeCloseTo(8640 * 0.125e-6, 12);
    // 8,640 invocations × 10 ms × 0.5 GB
    expect(line('duration').quantityPerCharger).toBeCloseTo(8640 * 0.01 * 0.5, 9);
    expect(line('requests').quantityPerCharger).toBe(8640 + 2 * 360);
  });

  it('adds one event-target invocation (and its work) per published event', () => {
    const fanout = aUnit({ billedMs: 5, readUnits: 0.5, writeUnits: 0, itemsPut: 0 });
    const units = uniformUnits(aUnit({ events: { 'charge_point.status_changed': 1 } }), { eventTargets: { 'charge_point.status_changed': fanout } });
    const r = costModel({ fleet: 1000, assumptions: onlyHeartbeats, units, prices, fixed: noFixed });
    const line = (item: string) => r.lines.find((l) => l.item.startsWith(item))!;
    expect(line('events published').quantityPerCharger).toBe(8640);
    expect(line('requests').quantityPerCharger).toBe(8640 + 2 * 360 + 8640);
    expect(line('read request units').quantityPerCharger).toBeCloseTo(8640 + 8640 * 0.5, 9);
  });

  it('spreads fixed monthly costs over the fleet', () => {
    const fixed = { alarms: 10, dashboards: 1, secrets: 3 };
    const small = costModel({ fleet: 100, assumptions: onlyHeartbeats, units: uniformUnits(aUnit()), prices, fixed });
    const large = costModel({ fleet: 100_000, assumptions: onlyHeartbeats, units: uniformUnits(aUnit()), prices, fixed });
    const fixedTotal = 10 * 0.1 + 3 + 3 * 0.4;
    expect(small.fixed.reduce((s, l) => s + l.fleetUsd, 0)).toBeCloseTo(fixedTotal, 10);
    expect(small.fixed.reduce((s, l) => s + l.perChargerUsd, 0)).toBeCloseTo(fixedTotal / 100, 10);
    expect(large.perChargerUsd).toBeLessThan(small.perChargerUsd);
  });

  it('is cheaper per charger at 1M than at 1k once API Gateway messages pass the 1 billion tier', () => {
    const units = uniformUnits(aUnit());
    const at1k = costModel({ fleet: 1000, assumptions: DEFAULT_ASSUMPTIONS, units, prices, fixed: noFixed });
    const at1m = costModel({ fleet: 1_000_000, assumptions: DEFAULT_ASSUMPTIONS, units, prices, fixed: noFixed });
    const msgs = (r: typeof at1k) => r.lines.find((l) => l.item.startsWith('WebSocket messages'))!.perChargerUsd;
    expect(msgs(at1m)).toBeLessThan(msgs(at1k));
  });

  it('adds up its lines to the total', () => {
    const r = costModel({ fleet: 5000, assumptions: DEFAULT_ASSUMPTIONS, units: uniformUnits(aUnit()), prices, fixed: { alarms: 5, dashboards: 1, secrets: 3 } });
    const sum = [...r.lines, ...r.fixed].reduce((s, l) => s + l.fleetUsd, 0);
    expect(r.fleetUsd).toBeCloseTo(sum, 9);
    expect(r.perChargerUsd).toBeCloseTo(sum / 5000, 12);
  });

  it('lists the message types it has no measurement for, and counts them as zero', () => {
    const units: UnitCosts = { ...uniformUnits(aUnit()), messages: { 'ocpp1.6 Heartbeat': aUnit() } };
    const { missing } = usagePerCharger(DEFAULT_ASSUMPTIONS, units);
    expect(missing).toContain('ocpp2.0.1 Heartbeat');
    expect(missing).toContain('ocpp1.6 StatusNotification');
    expect(missing).not.toContain('ocpp1.6 Heartbeat');
  });

  it('stores the log items of a month, with an extra copy for items in an index', () => {
    const a = { ...onlyHeartbeats, itemOverheadBytes: 100 };
    const plain = usagePerCharger(a, uniformUnits(aUnit({ itemsPut: 1, itemBytes: 400 }))).usage.storedBytes;
    const indexed = usagePerCharger(a, uniformUnits(aUnit({ itemsPut: 1, itemBytes: 400, writeUnitsGsi: 1 }))).usage.storedBytes;
    expect(plain).toBe(8640 * 500);
    expect(indexed).toBe(8640 * 1000);
  });
});
