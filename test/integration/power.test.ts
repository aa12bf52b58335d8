// Issue #18, "Done when": a location's power management through the local runtime. Strict ocpp-rpc
// charge points of both versions (they refuse any SetChargingProfile that breaks the official
// schemas) and a meter pushing readings to the ingestion route. What the chargers received is what
// is asserted: the planner's profiles, to the chargers whose limit changed and to no other.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { RPCClient } from 'ocpp-rpc';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LocalRuntime } from '../../local/runtime';
import { MEASUREMENT_FRESH_MS, PEAK_BLOCK_MS } from '../../lib/domain/power/allocator';
import { SimulatedCharger } from '../../scripts/lib/charger';
import { meterReading } from '../../scripts/lib/meter';
import { aSignedInAccount, apiClient, type SignedInAccount } from './support/api';
import { aConnectedClient, aSerial, behaveLikeACharger, BOOT, markCommissioned } from './support/ocpp';
import { startTestRuntime } from './support/runtime';

let rt: LocalRuntime;
let api: ReturnType<typeof apiClient>;
const clients: RPCClient[] = [];
const simulated: SimulatedCharger[] = [];

beforeAll(async () => {
  rt = await startTestRuntime();
  api = apiClient(rt);
});
afterEach(() => {
  vi.useRealTimers();
});
afterAll(async () => {
  for (const c of clients) await c.close({ force: true }).catch(() => undefined);
  for (const c of simulated) await c.close().catch(() => undefined);
  await rt?.stop();
});

type Version = 'ocpp1.6' | 'ocpp2.0.1';

interface PowerCharger {
  readonly chargePointId: string;
  readonly identity: string;
  readonly password: string;
  readonly version: Version;
  readonly client: RPCClient;
  /** Every SetChargingProfile this charger received. */
  readonly profiles: Array<Record<string, unknown>>;
  /** Its configuration reads (GetConfiguration / GetVariables), in order. */
  readonly asked: string[];
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
interface ChargerBehaviour {
  /** Answer SetChargingProfile Rejected. */
  readonly refuse?: boolean;
  /** The charging rate units its configuration allows: 1.6 `ChargingScheduleAllowedChargingRateUnit`, 2.0.1 `SmartChargingCtrlr.RateUnit`. @default both */
  readonly units?: string;
  /** How it answers GetCompositeSchedule: with the schedule it obeys, Accepted without one, or Rejected. @default 'schedule' */
  readonly composite?: 'schedule' | 'none' | 'rejected';
  /** 2.0.1: it knows none of the SmartChargingCtrlr variables (UnknownVariable), as the repository's simulator. */
  readonly unknownVariables?: boolean;
}

function obeyProfiles(client: RPCClient, version: Version, profiles: Array<Record<string, unknown>>, opts: ChargerBehaviour, asked: string[] = []) {
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
    client.handle('GetConfiguration', async () => {
      asked.push('GetConfiguration');
      return {
      configurationKey: [
        { key: 'ChargeProfileMaxStackLevel', readonly: true, value: '8' },
        { key: 'ChargingScheduleAllowedChargingRateUnit', readonly: true, value: opts.units ?? 'Current,Power' },
        { key: 'ChargingScheduleMaxPeriods', readonly: true, value: '24' },
        ],
      };
    });
    client.handle('GetCompositeSchedule', async ({ params }) => {
      if (opts.composite === 'rejected') return { status: 'Rejected' };
      if (opts.composite === 'none') return { status: 'Accepted' };
      const unit = (params as { chargingRateUnit?: string }).chargingRateUnit ?? 'A';
      return { status: 'Accepted', connectorId: 0, scheduleStart: new Date().toISOString(), chargingSchedule: { chargingRateUnit: unit, chargingSchedulePeriod: period() } };
    });
  } else {
    const values: Record<string, string> = { ProfileStackLevel: '5', RateUnit: opts.units ?? 'A,W', PeriodsPerSchedule: '24' };
    client.handle('GetVariables', async ({ params }) => {
      asked.push('GetVariables');
      return {
        getVariableResult: (params as { getVariableData: Array<{ component: { name: string }; variable: { name: string } }> }).getVariableData.map((d) =>
          opts.unknownVariables
            ? { attributeStatus: 'UnknownVariable', component: d.component, variable: d.variable }
            : { attributeStatus: 'Accepted', attributeValue: values[d.variable.name], component: d.component, variable: d.variable },
        ),
      };
    });
    client.handle('GetCompositeSchedule', async ({ params }) => {
      if (opts.composite === 'rejected') return { status: 'Rejected' };
      if (opts.composite === 'none') return { status: 'Accepted' };
      const unit = (params as { chargingRateUnit?: string }).chargingRateUnit ?? 'A';
      return { status: 'Accepted', schedule: { evseId: 0, duration: 60, scheduleStart: new Date().toISOString(), chargingRateUnit: unit, chargingSchedulePeriod: period() } };
    });
  }
}

let installers = 0;
async function anInstallerOfTheSeedOperator(): Promise<SignedInAccount> {
  // Each from its own loopback address: the sign-ups of this file stay within the per-client limits.
  installers += 1;
  const installer = await aSignedInAccount(rt, { name: 'Pat Power', from: `127.0.1.${installers}` });
  await api('POST', `/api/v1/operator/projects/${rt.seed!.projectId}/installers`, { token: rt.seed!.operatorApiKey, body: { email: installer.email } });
  return installer;
}

async function aLocation(installer: SignedInAccount): Promise<string> {
  const created = await api<{ location_id: string }>('POST', '/api/v1/locations', { token: installer.token, body: { operator_id: rt.seed!.operatorId, name: 'Depot', address: '1 Yard Road', country: 'GB' } });
  expect(created.status).toBe(201);
  return created.body.location_id;
}

/** A charger added to the location, commissioned, connected and booted Accepted. */
async function aChargerAt(installer: SignedInAccount, locationId: string, version: Version, opts: ChargerBehaviour = {}): Promise<PowerCharger> {
  const reg = await api<{ charge_point_id: string; charge_point_identity: string; provisioning_password: string }>('POST', `/api/v1/locations/${locationId}/charge-points`, {
    token: installer.token,
    body: { serial_number: aSerial('PWR'), ocpp_protocol: version },
  });
  expect(reg.status).toBe(201);
  await markCommissioned(reg.body.charge_point_id);
  const client = await aConnectedClient(rt, { identity: reg.body.charge_point_identity, password: reg.body.provisioning_password, protocol: version });
  clients.push(client);
  const profiles: Array<Record<string, unknown>> = [];
  const asked: string[] = [];
  obeyProfiles(client, version, profiles, opts, asked);
  expect(await client.call('BootNotification', BOOT[version])).toMatchObject({ status: 'Accepted' });
  return { chargePointId: reg.body.charge_point_id, identity: reg.body.charge_point_identity, password: reg.body.provisioning_password, version, client, profiles, asked };
}

let tx201 = 0;
/** A car starts charging; answers the transaction's id. */
async function aCarArrives(c: PowerCharger): Promise<string> {
  const timestamp = new Date().toISOString();
  let transactionId: string;
  if (c.version === 'ocpp1.6') {
    transactionId = String(((await c.client.call('StartTransaction', { connectorId: 1, idTag: 'POWER-CARD', meterStart: 0, timestamp })) as { transactionId: number }).transactionId);
  } else {
    tx201 += 1;
    transactionId = `PWR-${process.pid}-${tx201}`;
    await c.client.call('TransactionEvent', {
      eventType: 'Started',
      timestamp,
      triggerReason: 'Authorized',
      seqNo: 0,
      transactionInfo: { transactionId, chargingState: 'Charging' },
      evse: { id: 1, connectorId: 1 },
      idToken: { idToken: 'POWER-CARD', type: 'ISO14443' },
    });
  }
  await rt.drain();
  return transactionId;
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
  charge_points: Array<{ charge_point_id: string; limit_a: number; reason: string; refuses_profiles: boolean; applied_limit_a: number | null; applied_verified: boolean | null }>;
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
    // Two phases do not exist: the answer says which values do.
    const two = await api<{ errors: Array<{ field: string; message: string }> }>('PUT', `/api/v1/locations/${locationId}/power`, { token: installer.token, body: { ...SETTINGS, phases: 2 } });
    expect([two.status, two.body.errors]).toEqual([400, [{ field: 'phases', message: 'must be one of 1, 3' }]]);
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
    // The secret is checked first: without it a malformed reading, or none, answers 401 too, so a
    // caller without the secret learns nothing of the rules (it answered 400 before, found probing).
    for (const body of [{ current_a: 'lots' }, {}, undefined]) {
      const refused = await api('POST', `/api/v1/meters/${meter.meter_id}/readings`, { token: 'not-the-secret', ...(body !== undefined ? { body } : {}) });
      expect([refused.status, refused.headers.get('www-authenticate')]).toEqual([401, 'Bearer']);
    }
    expect((await api('POST', `/api/v1/meters/${'x'.repeat(300)}/readings`, { token: 'not-the-secret', body: {} })).status).toBe(401);
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

// --- The modes and triggers through the planner (what the allocator's property tests cannot show) ---

interface Meter {
  readonly meter_id: string;
  readonly secret: string;
  readonly readings_url: string;
}

async function aMeterAt(installer: SignedInAccount, locationId: string, measures: 'grid' | 'solar' = 'grid'): Promise<Meter> {
  const created = await api<Meter>('POST', `/api/v1/locations/${locationId}/power/meters`, { token: installer.token, body: { name: `${measures} meter`, measures } });
  expect(created.status).toBe(201);
  return created.body;
}

/** A reading at the (possibly fake) clock's now, then every replan it asked for. */
async function aReading(m: Meter, currentA: number[]): Promise<void> {
  const sent = await api('POST', `/api/v1/meters/${m.meter_id}/readings`, { token: m.secret, body: meterReading({ currentA }) });
  expect(sent.status, JSON.stringify(sent.body)).toBe(202);
  await rt.drain();
}

/** A location with power settings and its chargers (3-phase, 32 A), the first plan applied. */
async function aPoweredLocation(settings: Record<string, unknown>, kinds: Array<{ version: Version } & ChargerBehaviour>) {
  const installer = await anInstallerOfTheSeedOperator();
  const locationId = await aLocation(installer);
  const chargers: PowerCharger[] = [];
  for (const k of kinds) chargers.push(await aChargerAt(installer, locationId, k.version, k));
  for (const c of chargers) {
    expect((await api('PUT', `/api/v1/locations/${locationId}/power/charge-points/${c.chargePointId}`, { token: installer.token, body: { max_a: 32, phases: 3 } })).status).toBe(200);
  }
  expect((await api('PUT', `/api/v1/locations/${locationId}/power`, { token: installer.token, body: { ...SETTINGS, ...settings } })).status).toBe(200);
  await rt.drain();
  // The faked clock moves at most minutes: the token (an hour) stays valid.
  const allocation = async () => (await api<AllocationBody & { current: { total_a: number | null } | null }>('GET', `/api/v1/locations/${locationId}/power/allocation`, { token: installer.token })).body;
  return { installer, locationId, chargers, allocation };
}

/** Moves the faked clock (Date only) on; readings, plans and the ramp-up delay see it, nothing waits. */
function later(ms: number): void {
  vi.setSystemTime(Date.now() + ms);
}

describe('solar modes through the planner', () => {
  it('solar: the charging car follows the export and pauses below 6 A × phases; solar_plus_min keeps it at 6 A', async () => {
    const { installer, locationId, chargers, allocation } = await aPoweredLocation({ mode: 'solar' }, [{ version: 'ocpp1.6' }]);
    const car = chargers[0]!;
    const meter = await aMeterAt(installer, locationId);
    await aCarArrives(car);
    // No reading yet: the static reserve, never "no limit".
    expect(limitsReceived(car)).toEqual([0, 20]);
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });

    // 10 A exported on each phase: 30 A over the three phases, all for the car.
    await aReading(meter, [-10, -10, -10]);
    expect(limitsReceived(car).at(-1)).toBe(10);
    // 4 A × 3 = 12 A of export is below the 18 A a three-phase car needs: paused with a 0 A profile.
    later(1000);
    await aReading(meter, [-4, -4, -4]);
    expect(limitsReceived(car).at(-1)).toBe(0);
    expect((await allocation()).charge_points[0]).toMatchObject({ limit_a: 0, reason: 'paused: below 6 A', applied_limit_a: 0 });
    // More sun, after the ramp-up delay (10 s) since the pause: it follows the export up.
    later(15_000);
    await aReading(meter, [-15, -15, -15]);
    expect(limitsReceived(car).at(-1)).toBe(15);
    expect((await allocation()).current).toMatchObject({ source: 'meter', total_a: 45 });

    car.profiles.length = 0;
    expect((await api('PUT', `/api/v1/locations/${locationId}/power`, { token: installer.token, body: { ...SETTINGS, mode: 'solar_plus_min' } })).status).toBe(200);
    await rt.drain();
    expect(limitsReceived(car)).toEqual([]);
    later(1000);
    await aReading(meter, [-4, -4, -4]);
    expect(limitsReceived(car)).toEqual([6]);
    // Importing now (after the ramp-up delay, so the reason is the budget's): the car keeps its
    // minimum from the grid, and nothing new is sent.
    later(15_000);
    await aReading(meter, [5, 5, 5]);
    expect(limitsReceived(car)).toEqual([6]);
    expect((await allocation()).charge_points[0]).toMatchObject({ limit_a: 6, reason: 'charging', applied_limit_a: 6 });
  }, 90_000);
});

describe('peak shaving through the planner', () => {
  it('gives the car what the energy left in the quarter-hour allows, counting what the block imported so far', async () => {
    // 11.5 kW over 15 minutes: 10 350 000 W·s for the block.
    const { installer, locationId, chargers, allocation } = await aPoweredLocation({ mode: 'peak_shaving', peak_limit_kw: 11.5 }, [{ version: 'ocpp1.6' }]);
    const car = chargers[0]!;
    const meter = await aMeterAt(installer, locationId);
    const blockStart = (Math.floor(Date.now() / PEAK_BLOCK_MS) + 1) * PEAK_BLOCK_MS;
    vi.useFakeTimers({ toFake: ['Date'], now: blockStart });
    await aCarArrives(car);
    expect(limitsReceived(car).at(-1)).toBe(20);

    // At the block's start the building draws 10 A × 3 × 230 V = 6.9 kW: 11.5 kW − 6.9 kW = 4.6 kW
    // = 20 A over the phases for the car: 6.5 A per phase (6.67 on the 0.5 A grid).
    await aReading(meter, [10, 10, 10]);
    expect(limitsReceived(car).at(-1)).toBe(6.5);

    // Five minutes on (a reading a minute: a gap longer than the meter's stale time, 120 s, is not
    // counted), the building has imported 6 900 W × 300 s = 2 070 000 W·s by the meter's readings, and
    // the car, which this meter does not see (meter_includes_chargers false), 6.5 A × 3 × 230 V × 300 s
    // = 1 345 500 W·s. Now the building drops to 5 A a phase: the 600 s left may average
    // (10 350 000 − 3 415 500) / 600 = 11 557.5 W = 50.25 A, 15 A of it the building's: 35.25 A for
    // the car, 11.5 A a phase on the 0.5 A grid. (Leaving out the car's energy would give 15 A, and
    // the block would end over its limit; leaving out all of it, 20 A.)
    for (let minute = 1; minute <= 4; minute++) {
      later(60_000);
      await aReading(meter, [10, 10, 10]);
    }
    later(60_000);
    await aReading(meter, [5, 5, 5]);
    expect(limitsReceived(car).at(-1)).toBe(11.5);
    const now = await allocation();
    expect(now.current!.total_a).toBeCloseTo(35.25, 6);
    expect(now.charge_points[0]).toMatchObject({ limit_a: 11.5, applied_limit_a: 11.5 });
  }, 90_000);
});

describe('the readings rate limit', () => {
  it('refuses a meter’s 61st reading in a minute with 429 and Retry-After; another meter is unaffected', async () => {
    const installer = await anInstallerOfTheSeedOperator();
    const locationId = await aLocation(installer);
    const busy = await aMeterAt(installer, locationId);
    const other = await aMeterAt(installer, locationId);
    // One second into a fixed one-minute window, held there: all 61 fall in it.
    const windowStart = (Math.floor(Date.now() / 60_000) + 1) * 60_000;
    vi.useFakeTimers({ toFake: ['Date'], now: windowStart + 1000 });
    const post = (m: Meter) => api<{ status?: number; retry_after_seconds?: number }>('POST', `/api/v1/meters/${m.meter_id}/readings`, { token: m.secret, body: meterReading({ currentA: [1, 1, 1] }) });
    for (let i = 0; i < 60; i++) expect((await post(busy)).status).toBe(202);
    const refused = await post(busy);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toMatch(/problem\+json/);
    expect(refused.headers.get('retry-after')).toBe('59');
    expect((await post(other)).status).toBe(202);
    // The next window takes it again.
    later(60_000);
    expect((await post(busy)).status).toBe(202);
  }, 120_000);
});

describe('a charger that allows only W', () => {
  it('gets its profile in W: the limit × voltage × phases', async () => {
    const { chargers, allocation } = await aPoweredLocation({ mode: 'static', static_charging_a: 20 }, [
      { version: 'ocpp1.6', units: 'Power' },
      { version: 'ocpp2.0.1', units: 'W' },
    ]);
    const [a, b] = chargers as [PowerCharger, PowerCharger];
    await aCarArrives(a);
    await aCarArrives(b);
    const schedule16 = (p: Record<string, unknown>) => (p as { csChargingProfiles: { stackLevel: number; chargingSchedule: unknown } }).csChargingProfiles;
    const schedule201 = (p: Record<string, unknown>) => (p as { chargingProfile: { stackLevel: number; chargingSchedule: unknown[] } }).chargingProfile;
    // Idle 0 W; then 20 A alone (20 × 230 × 3 = 13 800 W); then 10 A each (6 900 W).
    expect(a.profiles.map(schedule16)).toEqual(
      [0, 13_800, 6900].map((limit) =>
        expect.objectContaining({ stackLevel: 8, chargingSchedule: expect.objectContaining({ chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit, numberPhases: 3 }] }) }),
      ),
    );
    expect(b.profiles.map(schedule201)).toEqual(
      [0, 6900].map((limit) =>
        expect.objectContaining({ stackLevel: 5, chargingSchedule: [expect.objectContaining({ chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit, numberPhases: 3 }] })] }),
      ),
    );
    const now = await allocation();
    // Their composite schedules (in W, as asked) confirm the limits.
    expect(now.charge_points.map((x) => [x.limit_a, x.applied_limit_a, x.applied_verified])).toEqual([
      [10, 10, true],
      [10, 10, true],
    ]);
    expect(now.flagged).toEqual([]);
  }, 90_000);
});

describe('a charger’s status change', () => {
  it('replans its location (the rule on charge_point.status_changed), once the charger connects marked as power-managed', async () => {
    const { chargers, allocation } = await aPoweredLocation({ mode: 'dynamic' }, [{ version: 'ocpp1.6' }, { version: 'ocpp2.0.1' }]);
    const connected = chargers as [PowerCharger, PowerCharger];
    let before = (await allocation()).history.length;
    // Connected before the first plan marked them: their status events do not say power_managed, so
    // the planner's rule is not invoked (the minute's replan covers them until they reconnect).
    await connected[0].client.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Preparing', timestamp: new Date().toISOString() });
    await rt.drain();
    expect((await allocation()).history.length).toBe(before);
    // They reconnect (API Gateway closes every connection within 2 hours): $connect carries the mark.
    const [a, b] = await Promise.all(
      connected.map(async (c) => {
        const client = await aConnectedClient(rt, { identity: c.identity, password: c.password, protocol: c.version });
        clients.push(client);
        obeyProfiles(client, c.version, c.profiles, {}, c.asked);
        return { ...c, client };
      }),
    );
    await rt.drain();
    before = (await allocation()).history.length;
    // No meter has spoken: the first plan already used the static reserve. A status changes nothing
    // else, so the replan is seen in the history it writes.
    await a!.client.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Finishing', timestamp: new Date().toISOString() });
    await rt.drain();
    let now = await allocation();
    expect(now.history.length).toBe(before + 1);
    expect(now.history[0]!.trigger).toBe('charge_point.status_changed');
    await b!.client.call('StatusNotification', { timestamp: new Date().toISOString(), connectorStatus: 'Occupied', evseId: 1, connectorId: 1 });
    await rt.drain();
    now = await allocation();
    expect(now.history.map((h) => h.trigger).slice(0, 2)).toEqual(['charge_point.status_changed', 'charge_point.status_changed']);
  }, 90_000);
});

/** What `npm run simulate-meter` runs: `tsx scripts/simulate-meter.ts`. */
const TSX = join(process.cwd(), 'node_modules', '.bin', 'tsx');

describe('npm run simulate-meter', () => {
  it('sends --count readings to a created meter and exits 0; the meters list shows the last one', async () => {
    const installer = await anInstallerOfTheSeedOperator();
    const locationId = await aLocation(installer);
    const meter = await aMeterAt(installer, locationId);
    const run = promisify(execFile);
    const { stdout } = await run(TSX, ['scripts/simulate-meter.ts', '--url', meter.readings_url, '--secret', meter.secret, '--count', '2', '--interval', '1'], {
      cwd: process.cwd(),
      timeout: 60_000,
    });
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    const listed = await api<{ meters: Array<{ meter_id: string; last_reading: { current_a: number[] } | null }> }>('GET', `/api/v1/locations/${locationId}/power/meters`, { token: installer.token });
    const last = listed.body.meters[0]!.last_reading;
    expect(last?.current_a).toHaveLength(3);
    // What it printed last is what the server holds.
    expect(lines[1]).toContain(last!.current_a.map((a) => `${a} A`).join(' / '));
  }, 90_000);

  it('exits 1 when a reading is refused', async () => {
    const installer = await anInstallerOfTheSeedOperator();
    const locationId = await aLocation(installer);
    const meter = await aMeterAt(installer, locationId);
    const run = promisify(execFile);
    const failed = await run(TSX, ['scripts/simulate-meter.ts', '--url', meter.readings_url, '--secret', 'not-the-secret', '--count', '1'], { cwd: process.cwd(), timeout: 60_000 }).catch(
      (err: { code?: number; stderr?: string }) => err,
    );
    expect(failed).toMatchObject({ code: 1, stderr: expect.stringContaining('401') });
  }, 90_000);
});

describe('a charger that accepts profiles but cannot report a composite schedule', () => {
  it('is not flagged (it obeyed; its profile is unverified): Accepted without a schedule, Rejected, and the repository’s simulator', async () => {
    const { installer, locationId, chargers, allocation } = await aPoweredLocation({ mode: 'static', static_charging_a: 20 }, [
      { version: 'ocpp1.6', composite: 'none' },
      { version: 'ocpp2.0.1', composite: 'rejected' },
    ]);
    const sims: Array<{ chargePointId: string }> = [];
    for (const protocol of ['ocpp1.6', 'ocpp2.0.1'] as const) {
      const reg = await api<{ charge_point_id: string; charge_point_identity: string; provisioning_password: string }>('POST', `/api/v1/locations/${locationId}/charge-points`, {
        token: installer.token,
        body: { serial_number: aSerial('SIM'), ocpp_protocol: protocol },
      });
      await markCommissioned(reg.body.charge_point_id);
      const sim = new SimulatedCharger({ url: rt.ocppUrl, identity: reg.body.charge_point_identity, password: reg.body.provisioning_password, protocol, connectors: 1 });
      simulated.push(sim);
      await sim.connect();
      await sim.waitForBoot('Accepted', 10_000);
      sims.push({ chargePointId: reg.body.charge_point_id });
    }
    await rt.drain();
    await aCarArrives(chargers[0]!);
    await aCarArrives(chargers[1]!);
    for (const c of chargers) expect(limitsReceived(c).at(-1)).toBe(10);
    const now = await allocation();
    expect(now.flagged).toEqual([]);
    const applied = new Map(now.charge_points.map((x) => [x.charge_point_id, [x.applied_limit_a, x.applied_verified, x.refuses_profiles]]));
    // Applied, unverified, not refusing.
    expect([...chargers, ...sims].map((c) => applied.get(c.chargePointId))).toEqual([
      [10, false, false],
      [10, false, false],
      [0, false, false],
      [0, false, false],
    ]);
  }, 120_000);
});

describe('a 2.0.1 charger that knows none of the SmartChargingCtrlr variables', () => {
  it('is asked once; its profiles use the defaults (A, stack level 0) from then on', async () => {
    const { chargers, allocation } = await aPoweredLocation({ mode: 'static', static_charging_a: 20 }, [{ version: 'ocpp2.0.1', unknownVariables: true }]);
    const c = chargers[0]!;
    await aCarArrives(c);
    expect(c.profiles.map((p) => (p as { chargingProfile: { stackLevel: number; chargingSchedule: Array<{ chargingRateUnit: string; chargingSchedulePeriod: Array<{ limit: number }> }> } }).chargingProfile)).toEqual(
      [0, 20].map((limit) => expect.objectContaining({ stackLevel: 0, chargingSchedule: [expect.objectContaining({ chargingRateUnit: 'A', chargingSchedulePeriod: [expect.objectContaining({ limit })] })] })),
    );
    // UnknownVariable is an answer: the defaults are what it has, not a question to ask before every profile.
    expect(c.asked).toEqual(['GetVariables']);
    expect((await allocation()).flagged).toEqual([]);
  }, 90_000);
});

describe('a solar production meter beside the grid meter', () => {
  it('caps the solar mode at what the panels make now (its reading replans); it never raises what the grid meter allows', async () => {
    const { installer, locationId, chargers, allocation } = await aPoweredLocation({ mode: 'solar' }, [{ version: 'ocpp2.0.1' }]);
    const car = chargers[0]!;
    const grid = await aMeterAt(installer, locationId);
    const panels = await aMeterAt(installer, locationId, 'solar');
    await aCarArrives(car);
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now(), shouldAdvanceTime: true });
    // 10 A exported on each phase: 30 A for the car.
    await aReading(grid, [-10, -10, -10]);
    expect(limitsReceived(car).at(-1)).toBe(10);
    // A cloud: the panels make 24 A before the grid meter's next reading shows it. The car follows.
    later(1000);
    await aReading(panels, [-8, -8, -8]);
    expect(limitsReceived(car).at(-1)).toBe(8);
    expect((await allocation()).current).toMatchObject({ source: 'meter', total_a: 24 });
    // Sun again (after the ramp-up delay): the export decides again, the panels' 45 A do not raise it past the export.
    later(15_000);
    await aReading(panels, [-15, -15, -15]);
    expect(limitsReceived(car).at(-1)).toBe(10);
    expect((await allocation()).current).toMatchObject({ total_a: 30 });
  }, 90_000);
});

describe('a meter that sees the chargers (meter_includes_chargers)', () => {
  /** The car's draw as its charger reports it: 1.6 MeterValues, 2.0.1 TransactionEvent Updated. */
  async function itDraws(c: PowerCharger, transactionId: string, amps: number): Promise<void> {
    const timestamp = new Date().toISOString();
    const sampledValue = (['L1', 'L2', 'L3'] as const).map((phase) => ({ measurand: 'Current.Import', phase }));
    if (c.version === 'ocpp1.6') {
      await c.client.call('MeterValues', { connectorId: 1, transactionId: Number(transactionId), meterValue: [{ timestamp, sampledValue: sampledValue.map((v) => ({ ...v, value: String(amps), unit: 'A' })) }] });
    } else {
      await c.client.call('TransactionEvent', {
        eventType: 'Updated',
        timestamp,
        triggerReason: 'MeterValuePeriodic',
        seqNo: 1,
        transactionInfo: { transactionId },
        meterValue: [{ timestamp, sampledValue: sampledValue.map((v) => ({ ...v, value: amps, unitOfMeasure: { unit: 'A' } })) }],
      });
    }
    await rt.drain();
  }

  it("takes each charger's reported current off the reading (both versions): the limits no longer collapse as the cars draw", async () => {
    const { installer, locationId, chargers, allocation } = await aPoweredLocation({ meter_includes_chargers: true }, [{ version: 'ocpp1.6' }, { version: 'ocpp2.0.1' }]);
    const [a, b] = chargers as [PowerCharger, PowerCharger];
    const meter = await aMeterAt(installer, locationId);
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now(), shouldAdvanceTime: true });
    // The building draws 10 A per phase and nothing charges: 30 − 10 = 20 A left per phase.
    await aReading(meter, [10, 10, 10]);
    const txA = await aCarArrives(a);
    const txB = await aCarArrives(b);
    expect([limitsReceived(a).at(-1), limitsReceived(b).at(-1)]).toEqual([10, 10]);

    // Past the cars' response time, each draws its 10 A and says so; the meter sees the building's
    // 10 A plus their 20 A. Taken off, the building is still 10 A: the same limits, nothing sent.
    later(15_000);
    for (const x of chargers) x.profiles.length = 0;
    await itDraws(a, txA, 10);
    await itDraws(b, txB, 10);
    await aReading(meter, [30, 30, 30]);
    expect(chargers.map(limitsReceived)).toEqual([[], []]);
    const now = await allocation();
    expect(now.charge_points.map((x) => [x.limit_a, x.reason])).toEqual([
      [10, 'charging'],
      [10, 'charging'],
    ]);
    expect(now.current).toMatchObject({ source: 'meter', budget_a_per_phase: [20, 20, 20] });

    // A measurement far from the meter's reading is not trusted: the chargers' draw then counts as
    // building load (safe), and the limits fall as they did before chargers' currents were used.
    later(MEASUREMENT_FRESH_MS + 5_000);
    await aReading(meter, [33, 33, 33]);
    expect(chargers.map(limitsReceived)).toEqual([[0], [0]]);
    expect((await allocation()).current).toMatchObject({ budget_a_per_phase: [0, 0, 0] });
  }, 90_000);
});
