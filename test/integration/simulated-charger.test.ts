// The simulator (scripts/lib/charger.ts, `npm run simulate`) plays a whole charge in both OCPP
// versions: a remote start is accepted and followed by a start with a meter reading, periodic
// readings, and a remote stop ends it, so the platform records a metered, ended session. The
// README's billed-session walkthrough relies on it (its test runs the 1.6 path through curl).
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LocalRuntime } from '../../local/runtime';
import { SimulatedCharger } from '../../scripts/lib/charger';
import { activeSessionItems } from '../../lib/db/sessions';
import { readCapabilities } from '../../lib/domain/power/capabilities';
import { callChargePoint } from '../../lib/ocpp/commands';
import { apiClient } from './support/api';
import { aCommissionedChargePoint } from './support/ocpp';
import { startTestRuntime } from './support/runtime';

let rt: LocalRuntime;
let api: ReturnType<typeof apiClient>;
const chargers: SimulatedCharger[] = [];

beforeAll(async () => {
  rt = await startTestRuntime();
  api = apiClient(rt);
});
afterAll(async () => {
  for (const c of chargers) await c.close();
  await rt?.stop();
});

interface SessionBody {
  status: string;
  start_source: string;
  energy_wh: number | null;
  energy_estimated: boolean;
  meter_start_wh: number | null;
}

describe.each(['ocpp1.6', 'ocpp2.0.1'] as const)('%s', (protocol) => {
  it('answers a remote start Accepted, meters the charge and ends it on a remote stop', async () => {
    const reg = await aCommissionedChargePoint(rt, { protocol, connectorCount: 1 });
    const lines: string[] = [];
    const charger = new SimulatedCharger({
      url: rt.ocppUrl,
      identity: reg.identity,
      password: reg.provisioningPassword,
      protocol,
      connectors: 1,
      meterIntervalMs: 200,
      energyPerIntervalWh: 100,
      log: (l) => lines.push(l),
    });
    chargers.push(charger);
    await charger.connect();
    await charger.waitForBoot('Accepted', 5000);
    const key = rt.seed!.operatorApiKey;
    const id = reg.chargePoint.chargePointId;
    const sessions = async () => (await api<{ sessions: SessionBody[] }>('GET', `/api/v1/operator/charge-points/${id}/sessions`, { token: key })).body.sessions;

    const started = await api('POST', `/api/v1/operator/charge-points/${id}/actions`, { token: key, body: { action: 'start', id_token: 'SIM-CARD-1', payment_method: 'free' } });
    expect(started.body, lines.join('\n')).toMatchObject({ outcome: 'accepted' });
    await vi.waitFor(async () => expect((await sessions())[0]?.energy_wh ?? 0).toBeGreaterThanOrEqual(300), { timeout: 10_000, interval: 100 });

    const stopped = await api('POST', `/api/v1/operator/charge-points/${id}/actions`, { token: key, body: { action: 'stop' } });
    expect(stopped.body, lines.join('\n')).toMatchObject({ outcome: 'accepted' });
    await vi.waitFor(async () => expect((await sessions())[0]?.status).toBe('ended'), { timeout: 10_000, interval: 100 });

    const [ended] = await sessions();
    // A start reading came with the start (1.6 meterStart, 2.0.1 Started's meterValue), so the energy is measured, not estimated.
    expect(ended).toMatchObject({ status: 'ended', start_source: 'remote', meter_start_wh: 0, energy_estimated: false });
    expect(ended!.energy_wh! % 100).toBe(0);
    expect(ended!.energy_wh).toBeGreaterThanOrEqual(300);
    expect(lines.join('\n')).toMatch(protocol === 'ocpp1.6' ? /StopTransaction\(transaction \d+, meterStop \d+ Wh, Remote\)/ : /TransactionEvent Ended\(.+, \d+ Wh, Remote\)/);
  }, 60_000);

  it('reports its smart-charging configuration as a charger does, unknown keys and variables as unknown', async () => {
    const reg = await aCommissionedChargePoint(rt, { protocol, connectorCount: 1 });
    const charger = new SimulatedCharger({ url: rt.ocppUrl, identity: reg.identity, password: reg.provisioningPassword, protocol, connectors: 1, log: () => undefined });
    chargers.push(charger);
    await charger.connect();
    await charger.waitForBoot('Accepted', 5000);
    // What power management and PowerBank read before their first profile.
    expect(await readCapabilities(reg.identity, protocol, 'simulator test', 10_000)).toMatchObject({ maxStackLevel: 3, units: ['A'], maxPeriods: 24 });
    const answer =
      protocol === 'ocpp1.6'
        ? await callChargePoint(reg.identity, 'GetConfiguration', { key: ['ChargeProfileMaxStackLevel', 'NoSuchKey'] })
        : await callChargePoint(reg.identity, 'GetVariables', { getVariableData: [{ component: { name: 'SmartChargingCtrlr' }, variable: { name: 'ProfileStackLevel' } }, { component: { name: 'SmartChargingCtrlr' }, variable: { name: 'NoSuchVariable' } }, { component: { name: 'NoSuchCtrlr' }, variable: { name: 'Enabled' } }] });
    expect(answer.response).toEqual(
      protocol === 'ocpp1.6'
        ? { configurationKey: [{ key: 'ChargeProfileMaxStackLevel', readonly: true, value: '3' }], unknownKey: ['NoSuchKey'] }
        : {
            getVariableResult: [
              { attributeStatus: 'Accepted', attributeValue: '3', component: { name: 'SmartChargingCtrlr' }, variable: { name: 'ProfileStackLevel' } },
              { attributeStatus: 'UnknownVariable', component: { name: 'SmartChargingCtrlr' }, variable: { name: 'NoSuchVariable' } },
              { attributeStatus: 'UnknownComponent', component: { name: 'NoSuchCtrlr' }, variable: { name: 'Enabled' } },
            ],
          },
    );
  }, 60_000);

  it('with a car drawing 16 A, obeys a charging limit and reports the current it then draws per phase', async () => {
    const reg = await aCommissionedChargePoint(rt, { protocol, connectorCount: 1 });
    const lines: string[] = [];
    const charger = new SimulatedCharger({ url: rt.ocppUrl, identity: reg.identity, password: reg.provisioningPassword, protocol, connectors: 1, meterIntervalMs: 200, carCurrentA: 16, log: (l) => lines.push(l) });
    chargers.push(charger);
    await charger.connect();
    await charger.waitForBoot('Accepted', 5000);
    const key = rt.seed!.operatorApiKey;
    const id = reg.chargePoint.chargePointId;
    const drawn = async () => (await activeSessionItems(reg.identity))[0]?.measured?.currentA;
    const started = await api('POST', `/api/v1/operator/charge-points/${id}/actions`, { token: key, body: { action: 'start', id_token: 'SIM-CARD-2', payment_method: 'free' } });
    expect(started.body, lines.join('\n')).toMatchObject({ outcome: 'accepted' });
    await vi.waitFor(async () => expect(await drawn()).toEqual({ L1: 16, L2: 16, L3: 16 }), { timeout: 10_000, interval: 100 });

    // A station-wide limit of 10 A (what power management sends), then its clear.
    const period = { startPeriod: 0, limit: 10, numberPhases: 3 };
    const payload =
      protocol === 'ocpp1.6'
        ? { connectorId: 0, csChargingProfiles: { chargingProfileId: 77, stackLevel: 0, chargingProfilePurpose: 'ChargePointMaxProfile', chargingProfileKind: 'Absolute', chargingSchedule: { chargingRateUnit: 'A', chargingSchedulePeriod: [period] } } }
        : { evseId: 0, chargingProfile: { id: 77, stackLevel: 0, chargingProfilePurpose: 'ChargingStationMaxProfile', chargingProfileKind: 'Absolute', chargingSchedule: [{ id: 1, chargingRateUnit: 'A', chargingSchedulePeriod: [period] }] } };
    const set = await api('POST', `/api/v1/operator/charge-points/${id}/commands`, { token: key, body: { action: 'SetChargingProfile', payload } });
    expect(set.body, lines.join('\n')).toMatchObject({ outcome: 'accepted' });
    await vi.waitFor(async () => expect(await drawn()).toEqual({ L1: 10, L2: 10, L3: 10 }), { timeout: 10_000, interval: 100 });
    const clear = await api('POST', `/api/v1/operator/charge-points/${id}/commands`, { token: key, body: { action: 'ClearChargingProfile', payload: protocol === 'ocpp1.6' ? { id: 77 } : { chargingProfileId: 77 } } });
    expect(clear.body, lines.join('\n')).toMatchObject({ outcome: 'accepted' });
    await vi.waitFor(async () => expect(await drawn()).toEqual({ L1: 16, L2: 16, L3: 16 }), { timeout: 10_000, interval: 100 });
  }, 60_000);
});
