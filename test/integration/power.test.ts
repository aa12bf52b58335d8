// Issue #18, "Done when": a location's power management through the local runtime. Strict ocpp-rpc
// charge points of both versions (they refuse any SetChargingProfile that breaks the official
// schemas) and a meter pushing readings to the ingestion route. What the chargers received is what
// is asserted: the planner's profiles, to the chargers whose limit changed and to no other.
import type { RPCClient } from 'ocpp-rpc';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LocalRuntime } from '../../local/runtime';
import { meterReading } from '../../scripts/lib/meter';
import { aSignedInAccount, apiClient, type SignedInAccount } from './support/api';
import { aConnectedClient, aSerial, behaveLikeACharger, BOOT, markCommissioned } from './support/ocpp';
import { startTestRuntime } from './support/runtime';

let rt: LocalRuntime;
let api: ReturnType<typeof apiClient>;
const clients: RPCClient[] = [];

beforeAll(async () => {
  rt = await startTestRuntime();
  api = apiClient(rt);
});
afterEach(() => {
  vi.useRealTimers();
});
afterAll(async () => {
  for (const c of clients) await c.close({ force: true }).catch(() => undefined);
  await rt?.stop();
});

type Version = 'ocpp1.6' | 'ocpp2.0.1';

interface PowerCharger {
  readonly chargePointId: string;
  readonly version: Version;
  readonly client: RPCClient;
  /** Every SetChargingProfile this charger received. */
  readonly profiles: Array<Record<string, unknown>>;
}

/** The limit of a received SetChargingProfile, with the checks both versions' profiles must pass. */
function limitOf(c: PowerCharger, payload: Record<string, unknown>): number {
  if (c.version === 'ocpp1.6') {
    const p = payload as { connectorId: number; csChargingProfiles: { chargingProfilePurpose: string; stackLevel: number; chargingSchedule: { chargingRateUnit: string; chargingSchedulePeriod: Array<{ limit: number }> } } };
    expect(p.connectorId).toBe(0);
    expect(p.csChargingProfiles).toMatchObject({ chargingProfilePurpose: 'ChargePointMaxProfile', stackLevel: 8, chargingSchedule: { chargingRateUnit: 'A' } });
    return p.csChargingProfiles.chargingSchedule.chargingSchedulePeriod[0]!.limit;
  }
  const p = payload as { evseId: number; chargingProfile: { chargingProfilePurpose: string; chargingProfileKind: string; stackLevel: number; chargingSchedule: Array<{ chargingRateUnit: string; chargingSchedulePeriod: Array<{ limit: number }> }> } };
  expect(p.evseId).toBe(0);
  expect(p.chargingProfile).toMatchObject({ chargingProfilePurpose: 'ChargingStationMaxProfile', chargingProfileKind: 'Absolute', stackLevel: 5 });
  expect(p.chargingProfile.chargingSchedule[0]!.chargingRateUnit).toBe('A');
  return p.chargingProfile.chargingSchedule[0]!.chargingSchedulePeriod[0]!.limit;
}

const limitsReceived = (c: PowerCharger) => c.profiles.map((p) => limitOf(c, p));

/** Answers what the planner asks: configuration, profiles (accepted, or refused), composite schedules. */
function obeyProfiles(client: RPCClient, version: Version, profiles: Array<Record<string, unknown>>, opts: { refuse?: boolean }) {
  behaveLikeACharger(client, version, {});
  let limit: number | undefined;
  client.handle('SetChargingProfile', async ({ params }) => {
    profiles.push(params as Record<string, unknown>);
    if (opts.refuse) return { status: 'Rejected' };
    const p = params as { csChargingProfiles?: { chargingSchedule: { chargingSchedulePeriod: Array<{ limit: number }> } }; chargingProfile?: { chargingSchedule: Array<{ chargingSchedulePeriod: Array<{ limit: number }> }> } };
    limit = p.csChargingProfiles?.chargingSchedule.chargingSchedulePeriod[0]!.limit ?? p.chargingProfile!.chargingSchedule[0]!.chargingSchedulePeriod[0]!.limit;
    return { status: 'Accepted' };
  });
  const period = () => [{ startPeriod: 0, limit: limit ?? 32 }];
  if (version === 'ocpp1.6') {
    client.handle('GetConfiguration', async () => ({
      configurationKey: [
        { key: 'ChargeProfileMaxStackLevel', readonly: true, value: '8' },
        { key: 'ChargingScheduleAllowedChargingRateUnit', readonly: true, value: 'Current,Power' },
        { key: 'ChargingScheduleMaxPeriods', readonly: true, value: '24' },
      ],
    }));
    client.handle('GetCompositeSchedule', async () => ({ status: 'Accepted', connectorId: 0, scheduleStart: new Date().toISOString(), chargingSchedule: { chargingRateUnit: 'A', chargingSchedulePeriod: period() } }));
  } else {
    const values: Record<string, string> = { ProfileStackLevel: '5', RateUnit: 'A,W', PeriodsPerSchedule: '24' };
    client.handle('GetVariables', async ({ params }) => ({
      getVariableResult: (params as { getVariableData: Array<{ component: { name: string }; variable: { name: string } }> }).getVariableData.map((d) => ({
        attributeStatus: 'Accepted',
        attributeValue: values[d.variable.name],
        component: d.component,
        variable: d.variable,
      })),
    }));
    client.handle('GetCompositeSchedule', async () => ({
      status: 'Accepted',
      schedule: { evseId: 0, duration: 60, scheduleStart: new Date().toISOString(), chargingRateUnit: 'A', chargingSchedulePeriod: period() },
    }));
  }
}

async function anInstallerOfTheSeedOperator(): Promise<SignedInAccount> {
  const installer = await aSignedInAccount(rt, { name: 'Pat Power' });
  await api('POST', `/api/v1/operator/projects/${rt.seed!.projectId}/installers`, { token: rt.seed!.operatorApiKey, body: { email: installer.email } });
  return installer;
}

async function aLocation(installer: SignedInAccount): Promise<string> {
  const created = await api<{ location_id: string }>('POST', '/api/v1/locations', { token: installer.token, body: { operator_id: rt.seed!.operatorId, name: 'Depot', address: '1 Yard Road', country: 'GB' } });
  expect(created.status).toBe(201);
  return created.body.location_id;
}

/** A charger added to the location, commissioned, connected and booted Accepted. */
async function aChargerAt(installer: SignedInAccount, locationId: string, version: Version, opts: { refuse?: boolean } = {}): Promise<PowerCharger> {
  const reg = await api<{ charge_point_id: string; charge_point_identity: string; provisioning_password: string }>('POST', `/api/v1/locations/${locationId}/charge-points`, {
    token: installer.token,
    body: { serial_number: aSerial('PWR'), ocpp_protocol: version },
  });
  expect(reg.status).toBe(201);
  await markCommissioned(reg.body.charge_point_id);
  const client = await aConnectedClient(rt, { identity: reg.body.charge_point_identity, password: reg.body.provisioning_password, protocol: version });
  clients.push(client);
  const profiles: Array<Record<string, unknown>> = [];
  obeyProfiles(client, version, profiles, opts);
  expect(await client.call('BootNotification', BOOT[version])).toMatchObject({ status: 'Accepted' });
  return { chargePointId: reg.body.charge_point_id, version, client, profiles };
}

let tx201 = 0;
async function aCarArrives(c: PowerCharger): Promise<void> {
  const timestamp = new Date().toISOString();
  if (c.version === 'ocpp1.6') {
    await c.client.call('StartTransaction', { connectorId: 1, idTag: 'POWER-CARD', meterStart: 0, timestamp });
  } else {
    tx201 += 1;
    await c.client.call('TransactionEvent', {
      eventType: 'Started',
      timestamp,
      triggerReason: 'Authorized',
      seqNo: 0,
      transactionInfo: { transactionId: `PWR-${process.pid}-${tx201}`, chargingState: 'Charging' },
      evse: { id: 1, connectorId: 1 },
      idToken: { idToken: 'POWER-CARD', type: 'ISO14443' },
    });
  }
  await rt.drain();
}

const SETTINGS = {
  fuse_a: 32,
  phases: 3,
  margin_a: 2,
  mode: 'dynamic',
  distribution: 'equal',
  static_charging_a: 20,
  meter_includes_chargers: false,
  meter_stale_after_s: 120,
};

interface AllocationBody {
  current: { source: string; budget_a_per_phase: number[]; sent_to: string[] } | null;
  charge_points: Array<{ charge_point_id: string; limit_a: number; reason: string; refuses_profiles: boolean; applied_limit_a: number | null }>;
  flagged: Array<{ charge_point_id: string; reason: string }>;
  history: Array<{ trigger: string }>;
}

describe('site power management', () => {
  let installer: SignedInAccount;
  let locationId: string;
  let chargers: PowerCharger[];
  let meter: { meter_id: string; secret: string; readings_url: string };

  beforeAll(async () => {
    installer = await anInstallerOfTheSeedOperator();
    locationId = await aLocation(installer);
    chargers = [await aChargerAt(installer, locationId, 'ocpp1.6'), await aChargerAt(installer, locationId, 'ocpp2.0.1'), await aChargerAt(installer, locationId, 'ocpp1.6')];
  }, 120_000);

  it('refuses settings that break the physics, naming the field', async () => {
    const margin = await api<{ errors: Array<{ field: string }> }>('PUT', `/api/v1/locations/${locationId}/power`, { token: installer.token, body: { ...SETTINGS, margin_a: 32 } });
    expect(margin.status).toBe(400);
    expect(margin.headers.get('content-type')).toMatch(/problem\+json/);
    expect(margin.body.errors.map((e) => e.field)).toEqual(['margin_a']);
    const reserve = await api<{ errors: Array<{ field: string }> }>('PUT', `/api/v1/locations/${locationId}/power`, { token: installer.token, body: { ...SETTINGS, static_charging_a: 31 } });
    expect(reserve.body.errors.map((e) => e.field)).toEqual(['static_charging_a']);
    const peak = await api<{ errors: Array<{ field: string }> }>('PUT', `/api/v1/locations/${locationId}/power`, { token: installer.token, body: { ...SETTINGS, mode: 'peak_shaving' } });
    expect(peak.body.errors.map((e) => e.field)).toEqual(['peak_limit_kw']);
    const single = await api<{ errors: Array<{ field: string }> }>('PUT', `/api/v1/locations/${locationId}/power/charge-points/${chargers[0]!.chargePointId}`, {
      token: installer.token,
      body: { max_a: 16, phases: 3, phase: 2 },
    });
    expect(single.body.errors.map((e) => e.field)).toEqual(['phase']);
  });

  it('takes settings and a meter whose secret is shown once; the first plan gives idle chargers 0 A', async () => {
    const put = await api<{ settings: { fuse_a: number; voltage_v: number; ramp_up_delay_s: number }; version: number }>('PUT', `/api/v1/locations/${locationId}/power`, { token: installer.token, body: SETTINGS });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ settings: { fuse_a: 32, voltage_v: 230, ramp_up_delay_s: 10 }, version: 1 });
    for (const c of chargers) {
      expect((await api('PUT', `/api/v1/locations/${locationId}/power/charge-points/${c.chargePointId}`, { token: installer.token, body: { max_a: 32, phases: 3 } })).status).toBe(200);
    }
    const created = await api<{ meter_id: string; secret: string; readings_url: string }>('POST', `/api/v1/locations/${locationId}/power/meters`, { token: installer.token, body: { name: 'Main meter' } });
    expect(created.status).toBe(201);
    meter = created.body;
    expect(meter.readings_url).toBe(`${rt.url}/api/v1/meters/${meter.meter_id}/readings`);
    const listed = await api<{ meters: Array<Record<string, unknown>> }>('GET', `/api/v1/locations/${locationId}/power/meters`, { token: installer.token });
    expect(listed.body.meters).toEqual([expect.objectContaining({ meter_id: meter.meter_id, stale: true, last_reading: null })]);
    expect(JSON.stringify(listed.body)).not.toContain(meter.secret);
    await rt.drain();
    for (const c of chargers) expect(limitsReceived(c)).toEqual([0]);
  });

  it('validates readings (secret, phases, clock skew, order) and refuses bad ones with the field', async () => {
    const post = (body: unknown, secret = meter.secret) => api<{ errors?: Array<{ field: string }> }>('POST', `/api/v1/meters/${meter.meter_id}/readings`, { token: secret, body });
    expect((await post(meterReading({ currentA: [0, 0, 0] }), 'not-the-secret')).status).toBe(401);
    expect((await api('POST', `/api/v1/meters/mtr_unknown/readings`, { token: meter.secret, body: meterReading({ currentA: [0, 0, 0] }) })).status).toBe(401);
    const twoPhases = await post(meterReading({ currentA: [1, 2] }));
    expect([twoPhases.status, twoPhases.body.errors?.map((e) => e.field)]).toEqual([400, ['current_a']]);
    const milliamps = await post(meterReading({ currentA: [12_000, 0, 0] }));
    expect([milliamps.status, milliamps.body.errors?.map((e) => e.field)]).toEqual([400, ['current_a.0']]);
    const ahead = await post(meterReading({ currentA: [0, 0, 0], at: new Date(Date.now() + 10 * 60_000) }));
    expect([ahead.status, ahead.body.errors?.map((e) => e.field)]).toEqual([400, ['at']]);
    const both = await post({ ...meterReading({ currentA: [0, 0, 0] }), power_w: 100 });
    expect([both.status, both.body.errors?.map((e) => e.field)]).toEqual([400, ['current_a']]);

    const accepted = await post(meterReading({ currentA: [0, 0, 0] }));
    expect(accepted.status).toBe(202);
    const older = await post(meterReading({ currentA: [0, 0, 0], at: new Date(Date.now() - 60_000) }));
    expect([older.status, older.body.errors?.map((e) => e.field)]).toEqual([400, ['at']]);
    await rt.drain();
    // Trusted now, and nothing charges: the limits did not change, so nothing was sent.
    for (const c of chargers) expect(limitsReceived(c)).toEqual([0]);
    const allocation = await api<AllocationBody>('GET', `/api/v1/locations/${locationId}/power/allocation`, { token: installer.token });
    expect(allocation.body.current).toMatchObject({ source: 'meter', budget_a_per_phase: [30, 30, 30] });
  });

  it('changes every charging charger’s profile within one replan when a car arrives at a full site', async () => {
    const [a, b, c] = chargers as [PowerCharger, PowerCharger, PowerCharger];
    await aCarArrives(a);
    expect(limitsReceived(a).at(-1)).toBe(30);
    await aCarArrives(b);
    expect([limitsReceived(a).at(-1), limitsReceived(b).at(-1)]).toEqual([15, 15]);

    for (const x of chargers) x.profiles.length = 0;
    await aCarArrives(c);
    // One replan (the session's start): each of the three got exactly one new profile, 10 A each.
    expect(chargers.map(limitsReceived)).toEqual([[10], [10], [10]]);
    const allocation = await api<AllocationBody>('GET', `/api/v1/locations/${locationId}/power/allocation`, { token: installer.token });
    expect(allocation.body.charge_points.map((x) => [x.limit_a, x.applied_limit_a, x.reason])).toEqual([
      [10, 10, 'charging'],
      [10, 10, 'charging'],
      [10, 10, 'charging'],
    ]);
    expect(allocation.body.current!.sent_to.sort()).toEqual(chargers.map((x) => x.chargePointId).sort());
  });

  it('sends nothing when a replan changes nothing', async () => {
    for (const x of chargers) x.profiles.length = 0;
    rt.bus.runSchedule('power-replan-every-minute');
    await rt.drain();
    expect(chargers.map((x) => x.profiles.length)).toEqual([0, 0, 0]);
    const allocation = await api<AllocationBody>('GET', `/api/v1/locations/${locationId}/power/allocation`, { token: installer.token });
    expect(allocation.body.history[0]!.trigger).toBe('every minute');
    expect(allocation.body.current!.sent_to).toEqual([]);
  });

  it('falls back to the static reserve when the meter goes stale, never to no limit', async () => {
    for (const x of chargers) x.profiles.length = 0;
    // The meter's last reading is now 200 s old (stale after 120 s): the clock moves, nothing waits.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 200_000, shouldAdvanceTime: true });
    rt.bus.runSchedule('power-replan-every-minute');
    await rt.drain();
    // 20 A per phase for three cars on three phases: equal shares in 0.5 A steps, the first to arrive gets the last step.
    expect(chargers.map(limitsReceived)).toEqual([[7], [6.5], [6.5]]);
    const token = await installer.login();
    const allocation = await api<AllocationBody>('GET', `/api/v1/locations/${locationId}/power/allocation`, { token });
    expect(allocation.body.current).toMatchObject({ source: 'stale_meter_fallback', budget_a_per_phase: [20, 20, 20] });
    const listed = await api<{ meters: Array<{ stale: boolean }> }>('GET', `/api/v1/locations/${locationId}/power/meters`, { token });
    expect(listed.body.meters[0]!.stale).toBe(true);
  });
});

describe('a charger that refuses profiles', () => {
  it('is flagged and counted at its full rating', async () => {
    const installer = await anInstallerOfTheSeedOperator();
    const locationId = await aLocation(installer);
    const refusing = await aChargerAt(installer, locationId, 'ocpp2.0.1', { refuse: true });
    const obeying = await aChargerAt(installer, locationId, 'ocpp1.6');
    await api('PUT', `/api/v1/locations/${locationId}/power/charge-points/${refusing.chargePointId}`, { token: installer.token, body: { max_a: 16, phases: 3 } });
    await api('PUT', `/api/v1/locations/${locationId}/power/charge-points/${obeying.chargePointId}`, { token: installer.token, body: { max_a: 32, phases: 3 } });
    expect((await api('PUT', `/api/v1/locations/${locationId}/power`, { token: installer.token, body: { ...SETTINGS, mode: 'static', static_charging_a: 30 } })).status).toBe(200);
    await rt.drain();
    expect(refusing.profiles).toHaveLength(1);

    await aCarArrives(obeying);
    // 30 A for charging, 16 A of it taken by the charger that cannot be limited.
    expect(limitsReceived(obeying).at(-1)).toBe(14);
    expect(refusing.profiles).toHaveLength(1);
    const allocation = await api<AllocationBody>('GET', `/api/v1/locations/${locationId}/power/allocation`, { token: installer.token });
    expect(allocation.body.flagged).toEqual([{ charge_point_id: refusing.chargePointId, since: expect.any(String), reason: 'SetChargingProfile: Rejected' }]);
    expect(allocation.body.charge_points.find((x) => x.charge_point_id === refusing.chargePointId)).toMatchObject({ limit_a: 16, reason: 'refuses profiles: counted at full rating', refuses_profiles: true });
  }, 60_000);
});
