// The heartbeat interval BootNotification answers ask for: 540 s unless the deployment chose
// another one in bounds (HEARTBEAT_INTERVAL_SECONDS, lib/ocpp/heartbeat.ts).
import { describe, expect, it } from 'vitest';
import { HEARTBEAT_INTERVAL_SECONDS, heartbeatIntervalSeconds } from '../../../lib/ocpp/heartbeat';

describe('heartbeatIntervalSeconds', () => {
  it('is 540 s by default: inside API Gateway\'s 10-minute idle timeout with a minute to spare', () => {
    expect(HEARTBEAT_INTERVAL_SECONDS).toBe(540);
    expect(heartbeatIntervalSeconds({})).toBe(540);
    expect(heartbeatIntervalSeconds({ HEARTBEAT_INTERVAL_SECONDS: '' })).toBe(540);
  });

  it("takes the deployment's whole number of seconds from 60 to 86400, and falls back to 540 s for anything else", () => {
    expect(heartbeatIntervalSeconds({ HEARTBEAT_INTERVAL_SECONDS: '3600' })).toBe(3600);
    expect(heartbeatIntervalSeconds({ HEARTBEAT_INTERVAL_SECONDS: '60' })).toBe(60);
    expect(heartbeatIntervalSeconds({ HEARTBEAT_INTERVAL_SECONDS: '86400' })).toBe(86400);
    for (const bad of ['59', '86401', '600.5', 'ten', '-1']) expect(heartbeatIntervalSeconds({ HEARTBEAT_INTERVAL_SECONDS: bad })).toBe(540);
  });
});
