// Commissioning says only what happened: no "BootNotification triggered" when nothing was sent (issue #14).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { advanceCommissioning, startCommissioning } from '../../lib/domain/commissioning';
import type { LocalRuntime } from '../../local/runtime';
import { aConnectedClient, aRegisteredChargePoint } from './support/ocpp';
import { startTestRuntime } from './support/runtime';

let rt: LocalRuntime;
beforeAll(async () => {
  rt = await startTestRuntime();
});
afterAll(async () => rt?.stop());

const detailsOf = async (chargePointId: string) =>
  Object.fromEntries(((await advanceCommissioning(chargePointId)).commissioning?.checks ?? []).map((c) => [c.name, c.detail]));

describe('commissioning check texts', () => {
  it('does not claim a triggered BootNotification or Heartbeat for a charge point that is not connected', async () => {
    const cp = await aRegisteredChargePoint(rt, { protocol: 'ocpp1.6' });
    await startCommissioning(cp.chargePoint.chargePointId, 'test');
    const details = await detailsOf(cp.chargePoint.chargePointId);
    expect(details).toEqual({
      ocpp_connection: 'The charge point is not connected',
      firmware_version: 'No firmware version reported yet; the charge point is not connected',
      heartbeat: 'Waiting for a Heartbeat; the charge point is not connected',
    });
    expect(JSON.stringify(details)).not.toMatch(/trigger/i);
  });

  it('waits for a BootNotification from a connected charger that has not sent one, without claiming it was triggered', async () => {
    const cp = await aRegisteredChargePoint(rt, { protocol: 'ocpp1.6' });
    // A strict client with no handlers: it answers every TriggerMessage with a CALLERROR (NotImplemented).
    const client = await aConnectedClient(rt, { identity: cp.identity, password: cp.provisioningPassword, protocol: 'ocpp1.6' });
    try {
      await startCommissioning(cp.chargePoint.chargePointId, 'test');
      const details = await detailsOf(cp.chargePoint.chargePointId);
      expect(details.firmware_version).toBe('No firmware version reported yet; waiting for a BootNotification');
      expect(details.heartbeat).toBe('Waiting for a Heartbeat');
    } finally {
      await client.close({ force: true });
    }
  });
});
