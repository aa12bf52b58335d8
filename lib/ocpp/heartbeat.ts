// The heartbeat interval this CSMS asks for in every BootNotification answer (OCPP 1.6 §4.2 / 2.0.1
// B01 `interval`; while Pending it is the wait before the next BootNotification).
//
// 540 s (9 min), chosen from two facts:
// - API Gateway closes a WebSocket after 10 minutes without a message (DESIGN.md §2.5; AWS's quota
//   table "Idle Connection Timeout: 10 minutes", not adjustable). OCPP-J allows WebSocket pings to
//   replace most Heartbeats (1.6 OCPP-J §5.3 and 2.0.1 part 4 §5.2: at least one Heartbeat a day
//   for the clock; 1.6 WebSocketPingInterval, 2.0.1 OCPPCommCtrlr.WebSocketPingInterval §8.4), but
//   only where pings count as activity. On API Gateway they do not, as far as can be established
//   (re-checked for issue #13): AWS's documents define neither "idle" nor what ping/pong do; API
//   Gateway answers control frames itself and never passes them to a route
//   (compiler-explorer/infra#2229); users report that it does not use
//   protocol pings for idleness and that only messages keep a connection open
//   (andyrichardson/subscriptionless#3, agentmuxai/agentmux#1953, hotsock.io "Keep Alive", which
//   sends a data message every 9.5 min); nobody reports pings keeping one open. Whether pings are
//   billed is not documented either (pricing: "messages sent and received", 32 KB increments). So
//   the Heartbeat alone must keep an otherwise quiet connection open: at most 600 s, minus margin
//   for the charger's timer drift and the round trip. 60 s of margin covers both. If a test on a
//   deployed stack ever shows pings resetting the idle timer without being billed (the API's
//   MessageCount metric), a 3,600 s heartbeat would be worth 31 % of the bill (`npm run cost`).
// - Every heartbeat costs the same fixed work whatever the interval: one Lambda invocation, one
//   PutItem (now the only DynamoDB request, see lib/ocpp/pipeline.ts), two API Gateway messages and
//   the log lines (bench/lib/cost-model.ts). On a quiet charger heartbeats are most of its messages,
//   so the cost scales with 1/interval: 300 s → 8,640 a month, 540 s → 4,800 (-44%).
// Shorter does not buy anything the platform uses: commissioning asks for a heartbeat with
// TriggerMessage instead of waiting for one, and connection loss is seen by $disconnect, not by a
// missed heartbeat. Longer than ~570 s risks the idle close, which costs a reconnect ($connect, its
// authorizer, StatusNotifications) — more than the heartbeats saved. docs/benchmarks.md has the figures.
//
// A deployment that has checked its own answer (`npm run idle-check` on the deployed OCPP URL, with
// its chargers' WebSocketPingInterval set) may ask for another interval: HEARTBEAT_INTERVAL_SECONDS
// (CDK context `heartbeatSeconds`, docs/deploy.md). The default stays 540 s.
export const HEARTBEAT_INTERVAL_SECONDS = 540;

/** OCPP-J asks for at least one Heartbeat a day (the clock); below a minute buys nothing (see above). */
export const HEARTBEAT_BOUNDS_SECONDS = { min: 60, max: 86_400 } as const;

/** The interval BootNotification answers give: HEARTBEAT_INTERVAL_SECONDS from the environment when set and in bounds, else 540 s. */
export function heartbeatIntervalSeconds(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.HEARTBEAT_INTERVAL_SECONDS;
  if (raw === undefined || raw === '') return HEARTBEAT_INTERVAL_SECONDS;
  const n = Number(raw);
  // The deploy refuses a bad value (infra/config.ts); a bad one set by hand falls back to the default.
  return Number.isInteger(n) && n >= HEARTBEAT_BOUNDS_SECONDS.min && n <= HEARTBEAT_BOUNDS_SECONDS.max ? n : HEARTBEAT_INTERVAL_SECONDS;
}
