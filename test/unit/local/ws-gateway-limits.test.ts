// How late the local gateway may close a connection past API Gateway's limits (local/ws-gateway.ts):
// with the real 10-minute idle timeout, within seconds, so a 12-minute `npm run idle-check` sees the
// close (a sweep every quarter period let a ping-only connection live 12.5 minutes).
import { describe, expect, it } from 'vitest';
import { API_GATEWAY_IDLE_TIMEOUT_MS, API_GATEWAY_MAX_CONNECTION_MS, limitSweepMs } from '../../../local/ws-gateway';

describe('limitSweepMs', () => {
  it('sweeps every 5 s with the real limits: a ping-only connection is closed within 10 min 5 s', () => {
    expect(API_GATEWAY_IDLE_TIMEOUT_MS).toBe(600_000);
    expect(API_GATEWAY_MAX_CONNECTION_MS).toBe(7_200_000);
    expect(limitSweepMs(API_GATEWAY_IDLE_TIMEOUT_MS, API_GATEWAY_MAX_CONNECTION_MS)).toBe(5_000);
    expect(API_GATEWAY_IDLE_TIMEOUT_MS + limitSweepMs(API_GATEWAY_IDLE_TIMEOUT_MS, API_GATEWAY_MAX_CONNECTION_MS)).toBeLessThan(12 * 60_000);
  });

  it('sweeps a tenth of the shorter limit when that is shorter (tests), never more often than every 50 ms', () => {
    expect(limitSweepMs(800, 4_000)).toBe(80);
    expect(limitSweepMs(10_000, 2_000)).toBe(200);
    expect(limitSweepMs(100, 100)).toBe(50);
  });
});
