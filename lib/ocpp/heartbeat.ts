// The heartbeat interval this CSMS asks for in every BootNotification answer (OCPP 1.6 §4.2 / 2.0.1
// B01 `interval`; while Pending it is the wait before the next BootNotification).
//
// 540 s (9 min), chosen from two facts:
// - API Gateway closes a WebSocket after 10 minutes without a message (DESIGN.md §2.5). A WebSocket
//   ping from the charger (1.6 WebSocketPingInterval, 2.0.1 OCPPCommCtrlr.WebSocketPingInterval) is
//   a control frame: API Gateway answers it without invoking anything, but control frames are
//   reported not to reset its idle timer (docs/benchmarks.md), and many chargers disable pings.
//   So the heartbeat alone must keep an otherwise quiet connection open: at most 600 s, minus margin
//   for the charger's timer drift and the round trip. 60 s of margin covers both.
// - Every heartbeat costs the same fixed work whatever the interval: one Lambda invocation, one
//   PutItem (now the only DynamoDB request, see lib/ocpp/pipeline.ts), two API Gateway messages and
//   the log lines (bench/lib/cost-model.ts). On a quiet charger heartbeats are most of its messages,
//   so the cost scales with 1/interval: 300 s → 8,640 a month, 540 s → 4,800 (-44%).
// Shorter does not buy anything the platform uses: commissioning asks for a heartbeat with
// TriggerMessage instead of waiting for one, and connection loss is seen by $disconnect, not by a
// missed heartbeat. Longer than ~570 s risks the idle close, which costs a reconnect ($connect, its
// authorizer, StatusNotifications) — more than the heartbeats saved. docs/benchmarks.md has the figures.
export const HEARTBEAT_INTERVAL_SECONDS = 540;
