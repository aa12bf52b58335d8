// Issue #19, "Activations": a flexibility activation through the local runtime, with strict ocpp-rpc
// chargers of both versions (they refuse any SetChargingProfile or ClearChargingProfile that breaks
// the official schemas). What the chargers received is what is asserted: a TxProfile on the running
// transaction of each charging enrolled charger, none to an opted-out or a non-charging one, and the
// profile cleared at the end.
import type { RPCClient } from 'ocpp-rpc';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LocalRuntime } from '../../local/runtime';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../../lib/aws/clients';
import { transactWrite } from '../../lib/aws/transact';
import { config } from '../../lib/config';
import { ENTITY } from '../../lib/db/keys';
import { memberPutItem } from '../../lib/db/locations';
import { getChargePoint } from '../../lib/db/charge-points';
import { readPowerState } from '../../lib/db/power';
import { getActivation, moveActivation } from '../../lib/db/powerbank-activations';
import { createApiKey } from '../../lib/domain/operator-api-keys';
import { createOperator, createProject, createSite, createTeam } from '../../lib/domain/operator-setup';
import { addStaffMember } from '../../lib/domain/operator-staff';
import { activationProfile, activationReport, POWERBANK_PROFILE_ID, tickActivations } from '../../lib/domain/powerbank/activations';
import { callChargePoint } from '../../lib/ocpp/commands';
import { aSignedInAccount, anEmail, apiClient, type SignedInAccount } from './support/api';
import { aConnectedClient, aRegisteredChargePoint, markCommissioned } from './support/ocpp';
import { startTestRuntime } from './support/runtime';
import { aWebhookReceiver } from './support/webhooks';

let rt: LocalRuntime;
let api: ReturnType<typeof apiClient>;
const clients: RPCClient[] = [];

beforeAll(async () => {
  rt = await startTestRuntime();
  api = apiClient(rt);
}, 60_000);
afterAll(async () => {
  for (const c of clients) await c.close({ force: true }).catch(() => undefined);
  await rt?.stop();
});

type Version = 'ocpp1.6' | 'ocpp2.0.1';
const ACTIVATIONS = '/api/v1/operator/powerbank/activations';
const fieldOf = (body: { errors?: Array<{ field: string }>; field?: string }) => body.field ?? body.errors?.[0]?.field;

let hosts = 0;
const anAccount = (opts: { name?: string } = {}) => {
  hosts += 1;
  return aSignedInAccount(rt, { ...opts, from: `127.0.${90 + Math.floor(hosts / 250)}.${(hosts % 250) + 1}` });
};

/** A team whose owner put one location in Zealand (DK2: compatible chargers are enrolled automatically) or elsewhere. */
async function aDk2Location(postcode = '4000'): Promise<{ projectId: string; locationId: string; owner: SignedInAccount; teamId: string }> {
  const operatorId = rt.seed!.operatorId;
  const team = await createTeam(operatorId, { name: 'PB activation team', ownerEmail: anEmail('pbact') });
  const owner = await anAccount({ name: 'Otto Owner' });
  await transactWrite([memberPutItem({ teamId: team.teamId, operatorId, accountId: owner.accountId, email: owner.email, role: 'owner', rights: [], createdAt: new Date().toISOString() })]);
  const site = await createSite(operatorId, { teamId: team.teamId, name: 'Roskilde depot', address: '1 Havnevej', country: 'DK' });
  const project = await createProject(operatorId, { teamId: team.teamId, siteId: site.siteId, jobNumber: 'PBA-1', name: 'Depot', description: '', instructions: '' });
  const patched = await api<{ zone: string }>('PATCH', `/api/v1/locations/${site.siteId}`, { token: owner.token, body: { country: 'DK', postcode } });
  expect(patched.body.zone).toBe(postcode < '5000' ? 'DK2' : 'DK1');
  return { projectId: project.projectId, locationId: site.siteId, owner, teamId: team.teamId };
}

interface Charger {
  readonly chargePointId: string;
  readonly identity: string;
  readonly version: Version;
  readonly client: RPCClient;
  readonly profiles: Array<Record<string, unknown>>;
  readonly clears: Array<Record<string, unknown>>;
  transactionId?: string;
  meterWh: number;
  seqNo: number;
}

/** A compatible charger (ABB Terra AC) at the location, commissioned, booted Accepted, obeying profiles. */
/** `refuse`: answers SetChargingProfile Rejected; `silent`: never answers it. */
async function aCharger(projectId: string, version: Version, behaviour: 'obey' | 'refuse' | 'silent' = 'obey', rateUnits?: string): Promise<Charger> {
  const reg = await aRegisteredChargePoint(rt, { protocol: version, projectId });
  await markCommissioned(reg.chargePoint.chargePointId);
  const client = await aConnectedClient(rt, { identity: reg.identity, password: reg.provisioningPassword, protocol: version });
  clients.push(client);
  const c: Charger = { chargePointId: reg.chargePoint.chargePointId, identity: reg.identity, version, client, profiles: [], clears: [], meterWh: 0, seqNo: 0 };
  // What the site's power planner asks too (only at a location with power settings): its
  // configuration (stack level 8 / 5), its max profile, and the composite schedule it obeys.
  let maxLimit = 32;
  client.handle('SetChargingProfile', async ({ params }) => {
    c.profiles.push(params as Record<string, unknown>);
    if (behaviour === 'refuse') return { status: 'Rejected' };
    if (behaviour === 'silent') return new Promise<never>(() => undefined);
    const p = params as { csChargingProfiles?: { chargingProfilePurpose: string; chargingSchedule: { chargingSchedulePeriod: Array<{ limit: number }> } }; chargingProfile?: { chargingProfilePurpose: string; chargingSchedule: Array<{ chargingSchedulePeriod: Array<{ limit: number }> }> } };
    const purpose = p.csChargingProfiles?.chargingProfilePurpose ?? p.chargingProfile!.chargingProfilePurpose;
    if (purpose !== 'TxProfile') maxLimit = p.csChargingProfiles?.chargingSchedule.chargingSchedulePeriod[0]!.limit ?? p.chargingProfile!.chargingSchedule[0]!.chargingSchedulePeriod[0]!.limit;
    return { status: 'Accepted' };
  });
  if (version === 'ocpp1.6') {
    client.handle('GetConfiguration', async () => ({
      configurationKey: [
        { key: 'ChargeProfileMaxStackLevel', readonly: true, value: '8' },
        { key: 'ChargingScheduleAllowedChargingRateUnit', readonly: true, value: rateUnits ?? 'Current,Power' },
        { key: 'ChargingScheduleMaxPeriods', readonly: true, value: '24' },
      ],
    }));
    client.handle('GetCompositeSchedule', async () => ({ status: 'Accepted', connectorId: 0, scheduleStart: new Date().toISOString(), chargingSchedule: { chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: maxLimit }] } }));
  } else {
    const values: Record<string, string> = { ProfileStackLevel: '5', RateUnit: rateUnits ?? 'A,W', PeriodsPerSchedule: '24' };
    client.handle('GetVariables', async ({ params }) => ({
      getVariableResult: (params as { getVariableData: Array<{ component: { name: string }; variable: { name: string } }> }).getVariableData.map((d) => ({ attributeStatus: 'Accepted', attributeValue: values[d.variable.name], component: d.component, variable: d.variable })),
    }));
    client.handle('GetCompositeSchedule', async () => ({ status: 'Accepted', schedule: { evseId: 0, duration: 60, scheduleStart: new Date().toISOString(), chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: maxLimit }] } }));
  }
  client.handle('ClearChargingProfile', async ({ params }) => {
    c.clears.push(params as Record<string, unknown>);
    return { status: 'Accepted' };
  });
  const boot = await client.call(
    'BootNotification',
    version === 'ocpp1.6' ? { chargePointVendor: 'ABB', chargePointModel: 'Terra AC W22-T-RD', firmwareVersion: '1.0.0' } : { reason: 'PowerUp', chargingStation: { vendorName: 'ABB', model: 'Terra AC', firmwareVersion: '1.0.0' } },
  );
  expect(boot).toMatchObject({ status: 'Accepted' });
  await rt.drain();
  return c;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Energy register readings that say the car draws `kw` over the interval [from, to]. */
async function meterReading(c: Charger, at: number) {
  if (c.version === 'ocpp1.6') {
    await c.client.call('MeterValues', { connectorId: 1, transactionId: Number(c.transactionId), meterValue: [{ timestamp: iso(at), sampledValue: [{ value: c.meterWh.toFixed(1), measurand: 'Energy.Active.Import.Register', unit: 'Wh' }] }] });
  } else {
    c.seqNo += 1;
    await c.client.call('TransactionEvent', {
      eventType: 'Updated',
      timestamp: iso(at),
      triggerReason: 'MeterValuePeriodic',
      seqNo: c.seqNo,
      transactionInfo: { transactionId: c.transactionId!, chargingState: 'Charging' },
      evse: { id: 1, connectorId: 1 },
      meterValue: [{ timestamp: iso(at), sampledValue: [{ value: c.meterWh, measurand: 'Energy.Active.Import.Register', unitOfMeasure: { unit: 'Wh' } }] }],
    });
  }
}

/** Draws `kw` for the minute before `until` (two register readings a minute apart). */
async function draws(c: Charger, kw: number, until: number) {
  await meterReading(c, until - 60_000);
  c.meterWh += (kw * 1000) / 60;
  await meterReading(c, until);
}

let tx = 0;
/** A car arrives: a session starts; `charging` false: the car does not draw (1.6 SuspendedEV, 2.0.1 chargingState SuspendedEV). */
async function aCarArrives(c: Charger, charging = true) {
  const started = Date.now() - 10 * 60_000;
  if (c.version === 'ocpp1.6') {
    await c.client.call('StatusNotification', { connectorId: 1, status: charging ? 'Charging' : 'SuspendedEV', errorCode: 'NoError', timestamp: iso(started) });
    const res = (await c.client.call('StartTransaction', { connectorId: 1, idTag: 'PB-CARD', meterStart: 0, timestamp: iso(started) })) as { transactionId: number };
    c.transactionId = String(res.transactionId);
  } else {
    tx += 1;
    c.transactionId = `PBA-${process.pid}-${tx}`;
    await c.client.call('TransactionEvent', {
      eventType: 'Started',
      timestamp: iso(started),
      triggerReason: 'Authorized',
      seqNo: 0,
      transactionInfo: { transactionId: c.transactionId, chargingState: charging ? 'Charging' : 'SuspendedEV' },
      evse: { id: 1, connectorId: 1 },
      idToken: { idToken: 'PB-CARD', type: 'ISO14443' },
    });
  }
  await rt.drain();
}

interface Report {
  activation_id: string;
  status: string;
  end: string;
  chargers: { enrolled: number; asked: number; accepted: number; refused: number; not_answered: number; waiting: number };
  requested_kw: number;
  planned_shed_kw: number;
  planned_shed_accepted_kw: number;
  shed_estimate: { method: string; chargers_measured: number; before_kw: number | null; during_kw: number | null; shed_kw: number | null };
  restore: { asked: number; accepted: number; refused: number; not_answered: number; not_sent: number } | null;
  charge_points: Array<{ charge_point_id: string; present_source: string; present_kw: number; limit_a: number; answer: string; response_ms: number | null; error: string | null; restore: string | null; restore_response_ms: number | null }>;
}

const report = async (id: string, token = rt.seed!.operatorApiKey) => api<Report>('GET', `${ACTIVATIONS}/${id}`, { token });

/** Every item of this file's table (its own table in DynamoDB Local: small). */
async function scanAll(): Promise<Array<Record<string, unknown>>> {
  const items: Array<Record<string, unknown>> = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await documentClient().send(new ScanCommand({ TableName: config().tableName, ...(start ? { ExclusiveStartKey: start } : {}) }));
    items.push(...((out.Items ?? []) as Array<Record<string, unknown>>));
    start = out.LastEvaluatedKey;
  } while (start);
  return items;
}

describe('PowerBank activations', () => {
  it('limits the charging enrolled chargers of both versions with a TxProfile, reports who accepted, refused or stayed silent, leaves opted-out and idle ones alone, and restores everyone at the end', async () => {
    const hooks = await aWebhookReceiver(api, rt.seed!.operatorApiKey, ['powerbank.activation_started', 'powerbank.activation_ended'], '/activations');
    const { projectId, locationId, owner } = await aDk2Location();
    const c16 = await aCharger(projectId, 'ocpp1.6');
    const c201 = await aCharger(projectId, 'ocpp2.0.1');
    const refuser = await aCharger(projectId, 'ocpp1.6', 'refuse');
    const silent = await aCharger(projectId, 'ocpp2.0.1', 'silent');
    const optedOut = await aCharger(projectId, 'ocpp2.0.1');
    const idle = await aCharger(projectId, 'ocpp1.6');
    const optOut = await api<{ enrolment: { status: string } }>('PUT', `/api/v1/locations/${locationId}/powerbank/charge-points/${optedOut.chargePointId}`, { token: owner.token, body: { enrolled: false } });
    expect(optOut.body.enrolment.status).toBe('opted_out');

    for (const c of [c16, c201, refuser, silent, optedOut]) await aCarArrives(c);
    await aCarArrives(idle, false);
    // 11 kW each over the last minute (three phases, 230 V: 15.9 A).
    const now = Date.now();
    for (const c of [c16, c201, refuser, silent, optedOut, idle]) await draws(c, 11, now - 1000);
    await rt.drain();

    const posted = await api<{ activation_id: string; status: string }>('POST', ACTIVATIONS, { token: rt.seed!.operatorApiKey, body: { external_id: `tso-${now}`, zone: 'DK2', direction: 'up', power_kw: 22, duration_s: 900 } });
    expect(posted.status).toBe(202);
    expect(posted.body.status).toBe('scheduled');
    await rt.drain();
    const id = posted.body.activation_id;
    await vi.waitFor(async () => expect((await report(id)).body.chargers).toMatchObject({ accepted: 2, refused: 1 }), { timeout: 20_000, interval: 100 });

    // Half of 44 kW shed from each in proportion: 5.5 kW left each, 7.9 A per phase (rounded down).
    const tx16 = c16.profiles[0] as { connectorId: number; csChargingProfiles: Record<string, unknown> & { chargingSchedule: { chargingRateUnit: string; chargingSchedulePeriod: Array<{ limit: number }> } } };
    expect(c16.profiles).toHaveLength(1);
    expect(tx16.connectorId).toBe(1);
    // The highest stack level each charger allows, read when it was enrolled (1.6 ChargeProfileMaxStackLevel 8, 2.0.1 ProfileStackLevel 5), not OCPP's default 0.
    expect(tx16.csChargingProfiles).toMatchObject({ chargingProfileId: POWERBANK_PROFILE_ID, transactionId: Number(c16.transactionId), chargingProfilePurpose: 'TxProfile', chargingProfileKind: 'Absolute', stackLevel: 8 });
    expect(tx16.csChargingProfiles.chargingSchedule).toMatchObject({ chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 7.9, numberPhases: 3 }] });
    const tx201 = c201.profiles[0] as { evseId: number; chargingProfile: Record<string, unknown> & { chargingSchedule: Array<{ chargingRateUnit: string; chargingSchedulePeriod: Array<{ limit: number }> }> } };
    expect(c201.profiles).toHaveLength(1);
    expect(tx201.evseId).toBe(1);
    expect(tx201.chargingProfile).toMatchObject({ id: POWERBANK_PROFILE_ID, transactionId: c201.transactionId, chargingProfilePurpose: 'TxProfile', chargingProfileKind: 'Absolute', stackLevel: 5 });
    expect(tx201.chargingProfile.chargingSchedule[0]).toMatchObject({ chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 7.9, numberPhases: 3 }] });
    // Opted out: not in the zone's index; idle (SuspendedEV): not charging. Neither hears anything.
    expect([optedOut.profiles, idle.profiles]).toEqual([[], []]);

    // The cars follow: 5.5 kW each over a minute after they accepted.
    const after = Date.now();
    for (const c of [c16, c201]) {
      c.meterWh += 1; // a reading a moment after the answer starts the interval after it
      await meterReading(c, after + 1000);
      c.meterWh += 5.5 * 1000 / 60;
      await meterReading(c, after + 61_000);
    }
    await rt.drain();
    const during = await report(id);
    expect(during.body).toMatchObject({ status: 'active', requested_kw: 22, chargers: { asked: 4, accepted: 2, refused: 1, waiting: 1, not_answered: 0 }, restore: null });
    expect(during.body.planned_shed_kw).toBeGreaterThanOrEqual(22);
    // The silent one is "not answered" once the answer timeout has passed.
    const later = await activationReport(rt.seed!.operatorId, id, Date.now() + 61_000);
    expect(later.chargers).toMatchObject({ accepted: 2, refused: 1, waiting: 0, not_answered: 1 });
    expect(later.charge_points.find((r) => r.charge_point_id === silent.chargePointId)).toMatchObject({ answer: 'not_answered', response_ms: null });
    expect(later.charge_points.find((r) => r.charge_point_id === refuser.chargePointId)).toMatchObject({ answer: 'refused', response_ms: expect.any(Number) });
    expect(during.body.shed_estimate.method).toMatch(/energy-register interval/);
    expect(during.body.shed_estimate.chargers_measured).toBe(2);
    expect(during.body.shed_estimate.shed_kw).toBeCloseTo(11, 0);
    for (const row of during.body.charge_points.filter((r) => [c16.chargePointId, c201.chargePointId].includes(r.charge_point_id))) {
      expect(row).toMatchObject({ present_source: 'meter', limit_a: 7.9, answer: 'accepted' });
      expect(row.response_ms).toEqual(expect.any(Number));
    }
    expect(during.body.charge_points.map((r) => r.charge_point_id).sort()).toEqual([c16, c201, refuser, silent].map((c) => c.chargePointId).sort());

    // The end: the minute's tick after the end clears the activation's profile (by its id) on both.
    expect(await tickActivations(Date.parse(during.body.end) + 1000)).toEqual({ started: 0, ended: 1 });
    // The silent one still holds its command slot (until its answer timeout): its clear is not sent, and its profile lapses at the end by its duration.
    await vi.waitFor(async () => expect((await report(id)).body.restore).toMatchObject({ asked: 4, accepted: 3, refused: 0, not_sent: 1 }), { timeout: 20_000, interval: 100 });
    expect(c16.clears).toEqual([{ id: POWERBANK_PROFILE_ID }]);
    expect(c201.clears).toEqual([{ chargingProfileId: POWERBANK_PROFILE_ID }]);
    expect([optedOut.clears, idle.clears]).toEqual([[], []]);
    expect([refuser.clears, silent.clears]).toEqual([[{ id: POWERBANK_PROFILE_ID }], []]);
    const ended = await report(id);
    expect(ended.body.status).toBe('ended');
    for (const row of ended.body.charge_points.filter((r) => r.charge_point_id !== silent.chargePointId)) expect([row.restore, typeof row.restore_response_ms]).toEqual(['accepted', 'number']);
    // The sessions ran on throughout: nobody was asked to stop.
    for (const c of [c16, c201]) expect(c.profiles).toHaveLength(1);

    // Webhooks: started (with what was asked) and ended (with how many were restored), once each.
    const events = () => hooks.received.map((d) => JSON.parse(d.body) as { type: string; data: Record<string, unknown> }).filter((e) => e.data.activation_id === id);
    await vi.waitFor(() => expect(events()).toHaveLength(2), { timeout: 15_000, interval: 200 });
    expect(events().map((e) => [e.type, e.data.chargers_asked ?? e.data.chargers_restored]).sort()).toEqual([
      ['powerbank.activation_ended', 4],
      ['powerbank.activation_started', 4],
    ]);
    expect(events().find((e) => e.type === 'powerbank.activation_started')!.data).toMatchObject({ zone: 'DK2', requested_kw: 22 });
    await hooks.close();

    // The activation's charger items are its sends' records: no command record besides them, and
    // the answered chargers' slots are free again. The charge point log still shows both frames.
    const table = await scanAll();
    expect(table.filter((i) => i.type === ENTITY.command && (i.activation as { activationId?: string } | undefined)?.activationId === id)).toEqual([]);
    expect(table.filter((i) => i.type === ENTITY.pendingCall && [c16.identity, c201.identity, refuser.identity].includes(String(i.pk).split('#').slice(1).join('#')))).toEqual([]);
    const logOf = (c: Charger) => table.filter((i) => i.type === ENTITY.logEntry && i.identity === c.identity && i.action === 'SetChargingProfile').map((i) => i.kind).sort();
    expect(logOf(c16)).toEqual(['call_out', 'result_in']);
    expect(logOf(silent)).toEqual(['call_out']);
  }, 180_000);

  it('layers under the site power planner: its stack level reused, its limit never exceeded, its own profile never cleared', async () => {
    // Odense (DK1): signed up by the operator with the terms; the location balances its power.
    const { projectId, locationId, owner, teamId } = await aDk2Location('5000');
    const c16 = await aCharger(projectId, 'ocpp1.6');
    const c201 = await aCharger(projectId, 'ocpp2.0.1');
    const signed = await api('POST', '/api/v1/operator/powerbank/sign-up', { token: rt.seed!.operatorApiKey, body: { team_id: teamId, accept_terms: true, terms_version: '2026-11' } });
    expect(signed.status).toBe(200);
    const settings = { fuse_a: 32, phases: 3, margin_a: 2, mode: 'dynamic', distribution: 'equal', static_charging_a: 20, meter_includes_chargers: false, meter_stale_after_s: 120, ramp_up_delay_s: 0 };
    expect((await api('PUT', `/api/v1/locations/${locationId}/power`, { token: owner.token, body: settings })).status).toBe(200);
    await rt.drain();
    for (const c of [c16, c201]) await aCarArrives(c);
    const now = Date.now();
    for (const c of [c16, c201]) await draws(c, 11, now - 1000);
    rt.bus.runSchedule('power-replan-every-minute');
    await rt.drain();
    const purposeOf = (p: Record<string, unknown>) => ((p.csChargingProfiles ?? p.chargingProfile) as { chargingProfilePurpose: string }).chargingProfilePurpose;
    const limitOf = (p: Record<string, unknown>) =>
      (p.csChargingProfiles as { chargingSchedule: { chargingSchedulePeriod: Array<{ limit: number }> } } | undefined)?.chargingSchedule.chargingSchedulePeriod[0]!.limit ??
      (p.chargingProfile as { chargingSchedule: Array<{ chargingSchedulePeriod: Array<{ limit: number }> }> }).chargingSchedule[0]!.chargingSchedulePeriod[0]!.limit;
    const plannerLimit = (c: Charger) => limitOf(c.profiles.filter((p) => purposeOf(p) !== 'TxProfile').at(-1)!);
    // The planner gives the two cars the budget between them (no meter: the static 20 A, 10 A each).
    expect([plannerLimit(c16), plannerLimit(c201)]).toEqual([10, 10]);

    const posted = await api<{ activation_id: string }>('POST', ACTIVATIONS, { token: rt.seed!.operatorApiKey, body: { external_id: `tso-planner-${now}`, zone: 'DK1', direction: 'up', share: 0.5, duration_s: 600 } });
    expect(posted.status).toBe(202);
    await rt.drain();
    const id = posted.body.activation_id;
    await vi.waitFor(async () => expect((await report(id)).body.chargers.accepted).toBe(2), { timeout: 20_000, interval: 100 });
    const txOf = (c: Charger) => c.profiles.filter((p) => purposeOf(p) === 'TxProfile');
    expect(txOf(c16).map((p) => (p.csChargingProfiles as { stackLevel: number }).stackLevel)).toEqual([8]);
    expect(txOf(c201).map((p) => (p.chargingProfile as { stackLevel: number }).stackLevel)).toEqual([5]);
    // The meter says 11 kW, but the planner allows 10 A (6.9 kW): present power is what it allows, so
    // half of it is 3.45 kW, 5.0 A: below 6 A, so the car pauses (0 A), under the planner's 10 A.
    const got = await report(id);
    expect(got.body.charge_points.map((r) => [r.present_source, r.limit_a])).toEqual([
      ['meter', 0],
      ['meter', 0],
    ]);
    for (const c of [c16, c201]) expect(limitOf(txOf(c)[0]!)).toBeLessThanOrEqual(plannerLimit(c));

    const plannerProfilesBefore = [c16, c201].map((c) => c.profiles.filter((p) => purposeOf(p) !== 'TxProfile').length);
    await tickActivations(Date.parse(got.body.end) + 1000);
    await vi.waitFor(async () => expect((await report(id)).body.restore).toMatchObject({ asked: 2, accepted: 2 }), { timeout: 20_000, interval: 100 });
    // Only the activation's profile (by its id) is cleared: the planner's max profile stays as it was.
    expect([c16.clears, c201.clears]).toEqual([[{ id: POWERBANK_PROFILE_ID }], [{ chargingProfileId: POWERBANK_PROFILE_ID }]]);
    expect([c16, c201].map((c) => c.profiles.filter((p) => purposeOf(p) !== 'TxProfile').length)).toEqual(plannerProfilesBefore);
  }, 180_000);

  it('takes over a start that stalled (its lease ran out), once, and ends it', async () => {
    const posted = await api<{ activation_id: string }>('POST', ACTIVATIONS, { token: rt.seed!.operatorApiKey, body: { external_id: `stall-${Date.now()}`, zone: 'SE4', direction: 'up', power_kw: 5, start: iso(Date.now() + 60_000), duration_s: 600 } });
    expect(posted.status).toBe(202);
    const id = posted.body.activation_id;
    // A start that crashed after claiming it: `starting`, nothing written after.
    const a = (await getActivation(rt.seed!.operatorId, id))!;
    const t0 = Date.parse(a.startAt);
    expect(await moveActivation(a, 'scheduled', { status: 'starting' }, iso(t0))).toBeDefined();
    // Within its lease: left alone; after it: taken over by one tick, not by a second one.
    expect(await tickActivations(t0 + 60_000)).toEqual({ started: 0, ended: 0 });
    expect((await report(id)).body.status).toBe('starting');
    const ticks = await Promise.all([tickActivations(t0 + 3 * 60_000), tickActivations(t0 + 3 * 60_000)]);
    expect(ticks.reduce((n, t) => n + t.started, 0)).toBe(1);
    expect((await report(id)).body).toMatchObject({ status: 'active', chargers: { asked: 0 } });
    expect(await tickActivations(t0 + 11 * 60_000)).toEqual({ started: 0, ended: 1 });
    expect((await report(id)).body.status).toBe('ended');
  });

  it('is idempotent by external id: the same body gives the same activation, another body 409', async () => {
    const start = iso(Date.now() + 86_400_000);
    const body = { external_id: `idem-${Date.now()}`, zone: 'DK1', direction: 'up', share: 0.5, start, duration_s: 600 };
    const first = await api<{ activation_id: string }>('POST', ACTIVATIONS, { token: rt.seed!.operatorApiKey, body });
    const again = await api<{ activation_id: string }>('POST', ACTIVATIONS, { token: rt.seed!.operatorApiKey, body: { duration_s: 600, share: 0.5, start, direction: 'up', zone: 'DK1', external_id: body.external_id } });
    expect([first.status, again.status]).toEqual([202, 202]);
    expect(again.body.activation_id).toBe(first.body.activation_id);
    const other = await api<{ field: string }>('POST', ACTIVATIONS, { token: rt.seed!.operatorApiKey, body: { ...body, share: 0.6 } });
    expect([other.status, other.body.field]).toEqual([409, 'external_id']);
    expect(other.headers.get('content-type')).toMatch(/problem\+json/);
    const listed = await api<{ activations: Array<{ activation_id: string; status: string }> }>('GET', ACTIVATIONS, { token: rt.seed!.operatorApiKey });
    expect(listed.body.activations.filter((a) => a.activation_id === first.body.activation_id)).toEqual([expect.objectContaining({ status: 'scheduled' })]);
  });

  it('refuses invalid activations with problem+json naming the field', async () => {
    const base = { external_id: `bad-${Date.now()}`, zone: 'SE3', direction: 'up', power_kw: 100, duration_s: 600 };
    const post = (body: Record<string, unknown>) => api<{ field?: string; errors?: Array<{ field: string }> }>('POST', ACTIVATIONS, { token: rt.seed!.operatorApiKey, body });
    const cases: Array<[Record<string, unknown>, number, string]> = [
      [{ ...base, direction: 'down' }, 422, 'direction'],
      [{ ...base, direction: 'sideways' }, 400, 'direction'],
      [{ ...base, zone: 'DE' }, 400, 'zone'],
      [{ ...base, power_kw: undefined }, 400, 'power_kw'],
      [{ ...base, share: 0.5 }, 400, 'share'],
      [{ ...base, power_kw: undefined, share: 1.5 }, 400, 'share'],
      [{ ...base, power_kw: -5 }, 400, 'power_kw'],
      [{ ...base, start: iso(Date.now() - 3_600_000) }, 400, 'start'],
      [{ ...base, start: iso(Date.now() + 30 * 86_400_000) }, 400, 'start'],
      [{ ...base, start: 'tomorrow' }, 400, 'start'],
      [{ ...base, duration_s: 5 }, 400, 'duration_s'],
      [{ ...base, duration_s: 86_400 }, 400, 'duration_s'],
      [{ ...base, external_id: '' }, 400, 'external_id'],
    ];
    for (const [body, status, field] of cases) {
      const res = await post(body);
      expect([res.status, fieldOf(res.body), res.headers.get('content-type')]).toEqual([status, field, expect.stringMatching(/problem\+json/)]);
    }
  });

  it('lets operator admins and managers activate, refuses other roles 403, and hides activations from other operators (404)', async () => {
    const admin = await anAccount();
    await addStaffMember(rt.seed!.operatorId, admin.accountId, 'admin');
    const manager = await anAccount();
    await addStaffMember(rt.seed!.operatorId, manager.accountId, 'manager');
    const installer = await anAccount();
    await addStaffMember(rt.seed!.operatorId, installer.accountId, 'installer');
    const readOnly = (await createApiKey(rt.seed!.operatorId, { name: 'pb activations read', scopes: ['read_only'] })).apiKey;
    const body = (n: string) => ({ external_id: `role-${n}-${Date.now()}`, zone: 'GB', direction: 'up', power_kw: 50, start: iso(Date.now() + 86_400_000), duration_s: 600 });

    const byAdmin = await api<{ activation_id: string; created_by: string }>('POST', ACTIVATIONS, { token: admin.token, body: body('admin') });
    expect(byAdmin.status).toBe(202);
    expect(byAdmin.body.created_by).toMatch(/staff/);
    expect((await api('POST', ACTIVATIONS, { token: manager.token, body: body('manager') })).status).toBe(202);
    for (const token of [installer.token, readOnly]) {
      const refused = await api<{ action?: string }>('POST', ACTIVATIONS, { token, body: body('no') });
      expect([refused.status, refused.body.action]).toEqual([403, 'powerbank:write']);
    }
    expect((await report(byAdmin.body.activation_id, readOnly)).status).toBe(200);
    expect((await report(byAdmin.body.activation_id, installer.token)).status).toBe(403);

    const other = await createOperator({ name: 'Other CPO', contactEmail: 'ops@other-pb.example' });
    const otherAdmin = await anAccount();
    await addStaffMember(other.operator.operatorId, otherAdmin.accountId, 'admin');
    const hidden = await report(byAdmin.body.activation_id, otherAdmin.token);
    expect(hidden.status).toBe(404);
    const theirs = await api<{ activations: Array<{ activation_id: string }> }>('GET', ACTIVATIONS, { token: otherAdmin.token });
    expect(theirs.body.activations.map((a) => a.activation_id)).not.toContain(byAdmin.body.activation_id);
  }, 60_000);

  it('asks the rest at once when one charger is busy with a command it has not answered, and reports that one as not sent, with its plan and why', async () => {
    const { projectId } = await aDk2Location('2100');
    const busy = await aCharger(projectId, 'ocpp1.6', 'silent');
    const fine = await aCharger(projectId, 'ocpp2.0.1');
    for (const c of [busy, fine]) await aCarArrives(c);
    const now = Date.now();
    for (const c of [busy, fine]) await draws(c, 11, now - 1000);
    await rt.drain();
    // A profile the busy charger never answers holds its one call slot (OCPP-J: one CALL at a time) for 30 s.
    const held = await callChargePoint(busy.identity, 'SetChargingProfile', activationProfile('ocpp1.6', { connectorId: 1, transactionId: busy.transactionId!, unit: 'A', value: 16, phases: 3 }, 0, iso(now), 600), { wait: false, timeoutMs: 30_000 });
    expect(held.status).toBe('sent');

    const posted = await api<{ activation_id: string }>('POST', ACTIVATIONS, { token: rt.seed!.operatorApiKey, body: { external_id: `tso-busy-${now}`, zone: 'DK2', direction: 'up', share: 0.5, duration_s: 600 } });
    expect(posted.status).toBe(202);
    await rt.drain();
    const id = posted.body.activation_id;
    // The other charger is asked (and answers) while the busy one waits its turn for the slot.
    await vi.waitFor(async () => expect((await report(id)).body.charge_points.find((r) => r.charge_point_id === fine.chargePointId)).toMatchObject({ answer: 'accepted' }), { timeout: 20_000, interval: 100 });
    expect(fine.profiles).toHaveLength(1);
    // After its 5 s wait for the slot: not sent, written whole (what it draws, the limit it would have got) with why.
    await vi.waitFor(async () => expect((await report(id)).body.charge_points.find((r) => r.charge_point_id === busy.chargePointId)).toMatchObject({ answer: 'not_sent' }), { timeout: 20_000, interval: 250 });
    const row = (await report(id)).body.charge_points.find((r) => r.charge_point_id === busy.chargePointId)!;
    expect(row).toMatchObject({ present_source: 'meter', present_kw: expect.any(Number), limit_a: expect.any(Number), response_ms: null });
    expect(row.limit_a).toBeLessThan(16);
    expect(row.error).toMatch(/busy with another command/);
    expect(busy.profiles).toHaveLength(1);
  }, 60_000);

  it('reports a charger whose connection vanished (410 at the send) as not connected, holding no slot and leaving no record', async () => {
    const { projectId } = await aDk2Location('2200');
    const gone = await aCharger(projectId, 'ocpp1.6');
    const fine = await aCharger(projectId, 'ocpp1.6');
    for (const c of [gone, fine]) await aCarArrives(c);
    const now = Date.now();
    for (const c of [gone, fine]) await draws(c, 11, now - 1000);
    await rt.drain();
    // The fault: API Gateway has dropped the socket but its $disconnect has not run yet, so the
    // charge point still looks connected and @connections answers 410 Gone.
    const connectionId = (await getChargePoint(gone.chargePointId, true))!.connection!.connectionId;
    (rt.gateway as unknown as { connections: Map<string, unknown> }).connections.delete(connectionId);

    const posted = await api<{ activation_id: string }>('POST', ACTIVATIONS, { token: rt.seed!.operatorApiKey, body: { external_id: `tso-gone-${now}`, zone: 'DK2', direction: 'up', share: 0.5, duration_s: 600 } });
    expect(posted.status).toBe(202);
    await rt.drain();
    const id = posted.body.activation_id;
    // (Other tests' chargers share the zone: only these two are looked at.)
    const rowOf = async (c: Charger) => (await report(id)).body.charge_points.find((r) => r.charge_point_id === c.chargePointId);
    await vi.waitFor(async () => expect(await rowOf(fine)).toMatchObject({ answer: 'accepted' }), { timeout: 20_000, interval: 100 });
    expect(await rowOf(gone)).toMatchObject({ answer: 'not_connected', response_ms: null });
    expect(gone.profiles).toEqual([]);
    const table = await scanAll();
    expect(table.filter((i) => i.type === ENTITY.pendingCall && i.pk === `CALL#${gone.identity}`)).toEqual([]);
    expect(table.filter((i) => i.type === ENTITY.command && (i.activation as { activationId?: string } | undefined)?.activationId === id)).toEqual([]);
  }, 60_000);

  it("reads an enrolled charger's profile capabilities when it is enrolled, so an activation sends a charger that takes only W a W limit", async () => {
    const { projectId } = await aDk2Location('4300');
    const wOnly = await aCharger(projectId, 'ocpp2.0.1', 'obey', 'W');
    const wOnly16 = await aCharger(projectId, 'ocpp1.6', 'obey', 'Power');
    await rt.drain();
    // Enrolled at its first boot (a compatible model in DK2), and asked at once what it takes.
    const state = await readPowerState((await getChargePoint(wOnly.chargePointId))!.siteId);
    expect(state.chargers.get(wOnly.chargePointId)?.capabilities).toMatchObject({ maxStackLevel: 5, units: ['W'] });
    expect(state.chargers.get(wOnly16.chargePointId)?.capabilities).toMatchObject({ maxStackLevel: 8, units: ['W'] });

    for (const c of [wOnly, wOnly16]) await aCarArrives(c);
    const now = Date.now();
    for (const c of [wOnly, wOnly16]) await draws(c, 11, now - 1000);
    const posted = await api<{ activation_id: string }>('POST', ACTIVATIONS, { token: rt.seed!.operatorApiKey, body: { external_id: `tso-w-${now}`, zone: 'DK2', direction: 'up', share: 0.5, duration_s: 600 } });
    expect(posted.status).toBe(202);
    await rt.drain();
    await vi.waitFor(() => expect([wOnly.profiles.length, wOnly16.profiles.length]).toEqual([1, 1]), { timeout: 20_000, interval: 100 });
    // Half of 11 kW: 7.9 A per phase at 230 V × 3, sent as W (the limit × voltage × phases, rounded down).
    const p201 = wOnly.profiles[0] as { chargingProfile: { stackLevel: number; chargingSchedule: Array<{ chargingRateUnit: string; chargingSchedulePeriod: Array<{ limit: number }> }> } };
    expect(p201.chargingProfile.stackLevel).toBe(5);
    expect(p201.chargingProfile.chargingSchedule[0]).toMatchObject({ chargingRateUnit: 'W', chargingSchedulePeriod: [{ limit: Math.floor(7.9 * 230 * 3) }] });
    const p16 = wOnly16.profiles[0] as { csChargingProfiles: { stackLevel: number; chargingSchedule: { chargingRateUnit: string; chargingSchedulePeriod: Array<{ limit: number }> } } };
    expect(p16.csChargingProfiles.stackLevel).toBe(8);
    expect(p16.csChargingProfiles.chargingSchedule).toMatchObject({ chargingRateUnit: 'W', chargingSchedulePeriod: [{ limit: Math.floor(7.9 * 230 * 3) }] });

    // The unit is swapped for another compatible model that takes A at stack level 3: its boot with the new model has it read again.
    const swapped: Record<string, string> = { ProfileStackLevel: '3', RateUnit: 'A', PeriodsPerSchedule: '12' };
    wOnly.client.handle('GetVariables', async ({ params }) => ({
      getVariableResult: (params as { getVariableData: Array<{ component: { name: string }; variable: { name: string } }> }).getVariableData.map((d) => ({ attributeStatus: 'Accepted', attributeValue: swapped[d.variable.name], component: d.component, variable: d.variable })),
    }));
    expect(await wOnly.client.call('BootNotification', { reason: 'PowerUp', chargingStation: { vendorName: 'Alfen', model: 'Eve Single Pro-line', firmwareVersion: '2.0.0' } })).toMatchObject({ status: 'Accepted' });
    await rt.drain();
    await vi.waitFor(async () => expect((await readPowerState((await getChargePoint(wOnly.chargePointId))!.siteId)).chargers.get(wOnly.chargePointId)?.capabilities).toMatchObject({ maxStackLevel: 3, units: ['A'], maxPeriods: 12 }), { timeout: 10_000, interval: 100 });
  }, 60_000);
});
