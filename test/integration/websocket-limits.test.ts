// The local gateway keeps API Gateway's two WebSocket limits (local/ws-gateway.ts), shortened here:
// a connection with no message either way is closed (pings do not count, as on API Gateway by every
// report), one that exchanges messages is not, and every connection is closed at the maximum
// duration, with its $disconnect. A deployment's own heartbeat interval reaches the BootNotification answer. `npm run idle-check` (scripts/idle-check.ts) asks the question of
// any deployment; here it runs against the local gateway.
import type { RPCClient } from 'ocpp-rpc';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LocalRuntime } from '../../local/runtime';
import { getChargePoint } from '../../lib/db/charge-points';
import { idleCheck } from '../../scripts/idle-check';
import { aCommissionedChargePoint, aConnectedClient, BOOT } from './support/ocpp';
import { startTestRuntime } from './support/runtime';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

const IDLE_MS = 800;
const MAX_MS = 4_000;
let rt: LocalRuntime;

beforeAll(async () => {
  // A deployment that chose a longer heartbeat (heartbeatSeconds, after its own idle check).
  rt = await startTestRuntime({ websocketLimits: { idleTimeoutMs: IDLE_MS, maxConnectionMs: MAX_MS }, env: { HEARTBEAT_INTERVAL_SECONDS: '900' } });
});
afterAll(async () => {
  await rt?.stop();
});

describe("API Gateway's WebSocket limits in the local gateway", () => {
  it('closes a connection that only pings once it has been idle for the timeout (idle-check says so), with 1001', async () => {
    const cp = await aCommissionedChargePoint(rt, { protocol: 'ocpp1.6' });
    const lines: string[] = [];
    const r = await idleCheck({ ocpp: rt.ocppUrl, identity: cp.identity, password: cp.provisioningPassword, pingMs: 150, durationMs: 3_000, onEvent: (l) => lines.push(l) });
    expect(r.closed).toBe(true);
    expect(r.code).toBe(1001);
    // Pinged and answered (the gateway answers pings itself) several times before the close, and yet closed.
    expect(r.pings).toBeGreaterThanOrEqual(3);
    expect(r.pongs).toBeGreaterThanOrEqual(3);
    expect(r.closedAfterMs).toBeGreaterThanOrEqual(IDLE_MS);
    expect(r.closedAfterMs).toBeLessThan(MAX_MS);
    expect(lines.some((l) => l.includes('closed by the platform: 1001'))).toBe(true);
    // $disconnect ran: the charge point is no longer shown connected.
    await rt.drain();
    await vi.waitFor(async () => expect((await getChargePoint(cp.chargePoint.chargePointId, true))?.connection).toBeUndefined(), { timeout: 5_000 });
  });

  it('keeps a connection whose charger sends messages (heartbeats), then closes it at the maximum duration', async () => {
    const cp = await aCommissionedChargePoint(rt, { protocol: 'ocpp2.0.1' });
    // Taken before the handshake: the gateway starts the connection's clock when it accepts it, a
    // moment before the client sees it open (CI once measured 3,996 ms from the client's side).
    const openedAt = Date.now();
    const client: RPCClient = await aConnectedClient(rt, { identity: cp.identity, password: cp.provisioningPassword, protocol: 'ocpp2.0.1' });
    const closed = new Promise<{ code: number; at: number }>((resolve) => client.once('close', ({ code }: { code: number }) => resolve({ code, at: Date.now() })));
    const boot = (await client.call('BootNotification', BOOT['ocpp2.0.1'])) as { status: string; interval: number };
    expect(boot).toMatchObject({ status: 'Accepted', interval: 900 });
    let beats = 0;
    const timer = setInterval(() => {
      beats += 1;
      client.call('Heartbeat', {}).catch(() => undefined);
    }, IDLE_MS / 4);
    const { code, at } = await closed;
    clearInterval(timer);
    // Open well past the idle timeout thanks to the messages, closed at the maximum duration.
    expect(at - openedAt).toBeGreaterThanOrEqual(MAX_MS);
    expect(beats).toBeGreaterThan((MAX_MS / IDLE_MS) * 2);
    expect(code).toBe(1001);
    await rt.drain();
    await vi.waitFor(async () => expect((await getChargePoint(cp.chargePoint.chargePointId, true))?.connection).toBeUndefined(), { timeout: 5_000 });
  });

  it('measures the limits on the monotonic clock: a wall clock that jumps (a test moving Date 15 days on, NTP) closes nothing', async () => {
    const cp = await aCommissionedChargePoint(rt, { protocol: 'ocpp1.6' });
    const client: RPCClient = await aConnectedClient(rt, { identity: cp.identity, password: cp.provisioningPassword, protocol: 'ocpp1.6' });
    let closed = false;
    client.once('close', () => (closed = true));
    await client.call('BootNotification', BOOT['ocpp1.6']);
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 15 * 86_400_000, shouldAdvanceTime: true });
    try {
      // Messages keep it from idling; several sweeps pass after the jump.
      for (let i = 0; i < 6; i += 1) {
        await client.call('Heartbeat', {});
        await new Promise((r) => setTimeout(r, IDLE_MS / 8));
      }
      expect(closed).toBe(false);
    } finally {
      vi.useRealTimers();
      await client.close({ force: true });
    }
  });
});
