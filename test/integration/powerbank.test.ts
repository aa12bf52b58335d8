// Issue #19, "Enrolment": PowerBank through the local runtime with strict ocpp-rpc chargers that boot
// with a vendor and model. Zones from the location's postcode (both sides of the Great Belt,
// Bornholm) or its zone (Sweden); the Facility ID in single and bulk sign-up; who may sign up; an
// incompatible model; DK2's automatic enrolment and an opt-out that a region check respects; a
// location moved out of an eligible country.
import type { RPCClient } from 'ocpp-rpc';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LocalRuntime } from '../../local/runtime';
import { transactWrite } from '../../lib/aws/transact';
import { grantPutItem, memberPutItem } from '../../lib/db/locations';
import { listEnrolledInZone } from '../../lib/db/powerbank';
import type { Right } from '../../lib/domain/access';
import { createApiKey } from '../../lib/domain/operator-api-keys';
import { createProject, createSite, createTeam } from '../../lib/domain/operator-setup';
import { addStaffMember } from '../../lib/domain/operator-staff';
import { gs1CheckDigit } from '../../lib/domain/powerbank/zones';
import { aSignedInAccount, anEmail, apiClient, type SignedInAccount } from './support/api';
import { aConnectedClient, aRegisteredChargePoint } from './support/ocpp';
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

const TERMS = { accept_terms: true, terms_version: '2026-11' };
const gsrn = (n: number) => {
  const body = `735999${String(n).padStart(11, '0')}`;
  return `${body}${gs1CheckDigit(body)}`;
};
const badGsrn = (n: number) => {
  const good = gsrn(n);
  return `${good.slice(0, 17)}${(Number(good[17]) + 1) % 10}`;
};

/** The field a 400 names (problem+json `errors[0].field`) or a 404/422 names (`field`). */
const fieldOf = (body: { errors?: Array<{ field: string }>; field?: string }) => body.errors?.[0]?.field ?? body.field;

let hosts = 0;
/** Each account signs up from its own loopback address: the per-client sign-up limit sees a new client. */
const anAccount = (opts: { name?: string } = {}) => {
  hosts += 1;
  return aSignedInAccount(rt, { ...opts, from: `127.0.${60 + Math.floor(hosts / 250)}.${(hosts % 250) + 1}` });
};

interface Row {
  charge_point_id: string;
  zone: string | null;
  eligibility: 'eligible' | 'incompatible' | 'ineligible';
  reason: string | null;
  enrolment: { status: string; automatic: boolean; facility_id: string | null; suspended_reason?: string | null; terms: { version: string; accepted_by: string; accepted_at: string } | null };
}

let n = 0;
/** A team with an owner, and one location of it (country, postcode, zone set through PATCH by the owner). */
async function aTeam(owner?: SignedInAccount) {
  n += 1;
  const operatorId = rt.seed!.operatorId;
  const team = await createTeam(operatorId, { name: `PB team ${n}`, ownerEmail: anEmail('pbowner') });
  const o = owner ?? (await anAccount({ name: 'Olive Owner' }));
  await join(team.teamId, o, 'owner');
  return { teamId: team.teamId, owner: o };
}

async function join(teamId: string, account: SignedInAccount, role: 'owner' | 'admin' | 'member', rights: Right[] = []) {
  await transactWrite([memberPutItem({ teamId, operatorId: rt.seed!.operatorId, accountId: account.accountId, email: account.email, role, rights, createdAt: new Date().toISOString() })]);
}

async function aLocation(teamId: string, ownerToken: string, where: { country: string; postcode?: string; grid_region?: string }) {
  const operatorId = rt.seed!.operatorId;
  const site = await createSite(operatorId, { teamId, name: `Site ${n}`, address: '1 Strandvejen', country: 'GB' });
  const project = await createProject(operatorId, { teamId, siteId: site.siteId, jobNumber: `PB-${n}`, name: 'PowerBank site', description: '', instructions: '' });
  const patched = await api<{ zone: string | null; zone_reason: string | null }>('PATCH', `/api/v1/locations/${site.siteId}`, { token: ownerToken, body: where });
  expect(patched.status).toBe(200);
  return { locationId: site.siteId, projectId: project.projectId, zone: patched.body.zone, zoneReason: patched.body.zone_reason };
}

/** A charger registered at the location that connects and boots with this vendor and model. */
async function aCharger(projectId: string, vendor: string, model: string, protocol: 'ocpp1.6' | 'ocpp2.0.1' = 'ocpp1.6') {
  const reg = await aRegisteredChargePoint(rt, { protocol, projectId });
  const client = await aConnectedClient(rt, { identity: reg.identity, password: reg.provisioningPassword, protocol });
  clients.push(client);
  const boot = () =>
    client.call(
      'BootNotification',
      protocol === 'ocpp1.6' ? { chargePointVendor: vendor, chargePointModel: model, firmwareVersion: '1.0.0' } : { reason: 'PowerUp', chargingStation: { vendorName: vendor, model, firmwareVersion: '1.0.0' } },
    );
  await boot();
  await rt.drain();
  return { chargePointId: reg.chargePoint.chargePointId, boot };
}

async function rowsOf(locationId: string, token: string): Promise<Map<string, Row>> {
  const res = await api<{ charge_points: Row[] }>('GET', `/api/v1/locations/${locationId}/powerbank`, { token });
  expect(res.status).toBe(200);
  return new Map(res.body.charge_points.map((r) => [r.charge_point_id, r]));
}

describe('PowerBank enrolment', () => {
  it('derives Danish zones on both sides of the Great Belt and Bornholm, enrols compatible DK2 chargers automatically, never an incompatible one', async () => {
    const { teamId, owner } = await aTeam();
    const zealand = await aLocation(teamId, owner.token, { country: 'DK', postcode: '4000' }); // Roskilde
    const funen = await aLocation(teamId, owner.token, { country: 'DK', postcode: '5000' }); // Odense
    const bornholm = await aLocation(teamId, owner.token, { country: 'DK', postcode: '3700' }); // Rønne
    const special = await aLocation(teamId, owner.token, { country: 'DK', postcode: '0900' });
    expect([zealand.zone, funen.zone, bornholm.zone, special.zone]).toEqual(['DK2', 'DK1', 'DK2', null]);
    expect(special.zoneReason).toMatch(/street address/);

    const east = await aCharger(zealand.projectId, 'ABB', 'Terra AC W22-T-RD');
    const east201 = await aCharger(zealand.projectId, 'abb', 'TERRA-AC', 'ocpp2.0.1');
    const odd = await aCharger(zealand.projectId, 'NoName', 'Box 1');
    const west = await aCharger(funen.projectId, 'Zaptec', 'Go');
    const island = await aCharger(bornholm.projectId, 'Alfen', 'Eve Single Pro-line');

    const z = await rowsOf(zealand.locationId, owner.token);
    expect(z.get(east.chargePointId)).toMatchObject({ zone: 'DK2', eligibility: 'eligible', enrolment: { status: 'enrolled', automatic: true, terms: null } });
    expect(z.get(east201.chargePointId)).toMatchObject({ eligibility: 'eligible', enrolment: { status: 'enrolled' } });
    expect(z.get(odd.chargePointId)).toMatchObject({ eligibility: 'incompatible', reason: expect.stringMatching(/NoName Box 1 is not on the list/), enrolment: { status: 'not_enrolled' } });
    // DK1 is eligible but not enrolled automatically.
    expect((await rowsOf(funen.locationId, owner.token)).get(west.chargePointId)).toMatchObject({ zone: 'DK1', eligibility: 'eligible', enrolment: { status: 'not_enrolled' } });
    expect((await rowsOf(bornholm.locationId, owner.token)).get(island.chargePointId)).toMatchObject({ zone: 'DK2', enrolment: { status: 'enrolled', automatic: true } });

    // Signing up an incompatible model is refused with the reason; the operator's override makes it compatible.
    const refused = await api<{ detail: string; reason: string }>('PUT', `/api/v1/locations/${zealand.locationId}/powerbank/charge-points/${odd.chargePointId}`, { token: owner.token, body: { enrolled: true, ...TERMS } });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ reason: 'incompatible', detail: expect.stringMatching(/not on the list/) });
    const override = await api('PUT', '/api/v1/operator/powerbank/compatibility', { token: rt.seed!.operatorApiKey, body: { vendor: 'no-name', model: 'BOX 1', compatible: true } });
    expect(override.status).toBe(200);
    rt.bus.runSchedule('powerbank-region-check');
    await rt.drain();
    expect((await rowsOf(zealand.locationId, owner.token)).get(odd.chargePointId)).toMatchObject({ eligibility: 'eligible', enrolment: { status: 'enrolled', automatic: true } });

    // A model the operator marks incompatible: its enrolled chargers are suspended at the next check, with the reason.
    await api('PUT', '/api/v1/operator/powerbank/compatibility', { token: rt.seed!.operatorApiKey, body: { vendor: 'ABB', model: 'Terra AC', compatible: false } });
    rt.bus.runSchedule('powerbank-region-check');
    await rt.drain();
    const suspended = await rowsOf(zealand.locationId, owner.token);
    for (const cp of [east, east201]) {
      expect(suspended.get(cp.chargePointId)).toMatchObject({ eligibility: 'incompatible', enrolment: { status: 'suspended', suspended_reason: expect.stringMatching(/marked incompatible by the operator/) } });
    }
    await api('PUT', '/api/v1/operator/powerbank/compatibility', { token: rt.seed!.operatorApiKey, body: { vendor: 'ABB', model: 'Terra AC', compatible: true } });
    rt.bus.runSchedule('powerbank-region-check');
    await rt.drain();
    expect((await rowsOf(zealand.locationId, owner.token)).get(east.chargePointId)!.enrolment.status).toBe('enrolled');
  }, 120_000);

  it('respects an opt-out across region checks and reboots, and reports what each check changed', async () => {
    const hooks = await aWebhookReceiver(api, rt.seed!.operatorApiKey, ['powerbank.enrolled', 'powerbank.opted_out'], '/powerbank');
    const { teamId, owner } = await aTeam();
    const site = await aLocation(teamId, owner.token, { country: 'DK', postcode: '2100' });
    const kept = await aCharger(site.projectId, 'Easee', 'Charge');
    const leaving = await aCharger(site.projectId, 'Easee', 'Charge');
    expect((await rowsOf(site.locationId, owner.token)).get(leaving.chargePointId)!.enrolment.status).toBe('enrolled');

    // Opt-outs at once (the owner on several devices, an admin): all succeed, the record is opted out.
    const outs = await Promise.all([1, 2, 3, 4, 5, 6].map(() => api<Row>('PUT', `/api/v1/locations/${site.locationId}/powerbank/charge-points/${leaving.chargePointId}`, { token: owner.token, body: { enrolled: false } })));
    expect(outs.map((o) => [o.status, o.body.enrolment?.status])).toEqual(outs.map(() => [200, 'opted_out']));

    rt.bus.runSchedule('powerbank-region-check');
    await rt.drain();
    await leaving.boot();
    await rt.drain();
    const rows = await rowsOf(site.locationId, owner.token);
    expect(rows.get(leaving.chargePointId)!.enrolment.status).toBe('opted_out');
    expect(rows.get(kept.chargePointId)!.enrolment.status).toBe('enrolled');
    // What an activation reads: the zone's enrolled charge points, one Query of the sparse index; never an opted-out one.
    const inZone = async () => new Set((await listEnrolledInZone('DK2', rt.seed!.operatorId)).map((r) => r.chargePointId));
    expect((await inZone()).has(kept.chargePointId)).toBe(true);
    expect((await inZone()).has(leaving.chargePointId)).toBe(false);

    // The webhooks: each automatic enrolment once, the opt-out once (however many asked for it).
    const events = () => hooks.received.map((d) => JSON.parse(d.body) as { type: string; data: { charge_point_id: string; automatic?: boolean; zone: string | null } }).filter((e) => [kept.chargePointId, leaving.chargePointId].includes(e.data.charge_point_id));
    await vi.waitFor(() => expect(events().length).toBeGreaterThanOrEqual(3), { timeout: 15_000, interval: 200 });
    expect(events().map((e) => [e.type, e.data.charge_point_id, e.data.zone]).sort()).toEqual(
      [
        ['powerbank.enrolled', kept.chargePointId, 'DK2'],
        ['powerbank.enrolled', leaving.chargePointId, 'DK2'],
        ['powerbank.opted_out', leaving.chargePointId, 'DK2'],
      ].sort(),
    );
    await hooks.close();

    // A misspelt field alone changes nothing, so it is a 400, not a silent 200.
    const typo = await api<{ errors: Array<{ message: string }> }>('PATCH', `/api/v1/locations/${site.locationId}`, { token: owner.token, body: { adress: '1 Elm Road' } });
    expect(typo.status).toBe(400);
    expect(typo.body.errors[0]!.message).toMatch(/at least one of address/);

    // A location moved out of an eligible country: its enrolled charger is suspended with the reason.
    const moved = await api<{ zone: string | null; region_check: { changes: Array<{ charge_point_id: string; from: string; to: string; reason: string }> } }>('PATCH', `/api/v1/locations/${site.locationId}`, {
      token: owner.token,
      body: { country: 'DE', postcode: '10115' },
    });
    expect(moved.status).toBe(200);
    expect(moved.body.zone).toBeNull();
    expect(moved.body.region_check.changes).toEqual([{ charge_point_id: kept.chargePointId, location_id: site.locationId, from: 'enrolled', to: 'suspended', zone: null, reason: expect.stringMatching(/not DE/) }]);
    const after = await rowsOf(site.locationId, owner.token);
    expect(after.get(kept.chargePointId)).toMatchObject({ eligibility: 'ineligible', enrolment: { status: 'suspended' } });
    expect(after.get(leaving.chargePointId)!.enrolment.status).toBe('opted_out');
    expect((await inZone()).has(kept.chargePointId)).toBe(false); // suspended: out of the index too

    // The operator reads the reports: the location change and the DK2 enrolments are there.
    const reports = await api<{ reports: Array<{ trigger: string; checked: number; changes: Array<{ charge_point_id: string; to: string }> }> }>('GET', '/api/v1/operator/powerbank/region-checks', { token: rt.seed!.operatorApiKey });
    expect(reports.status).toBe(200);
    expect(reports.body.reports.some((r) => r.trigger === 'location_changed' && r.changes.some((c) => c.charge_point_id === kept.chargePointId && c.to === 'suspended'))).toBe(true);
    expect(reports.body.reports.some((r) => r.trigger === 'charger_changed' && r.changes.some((c) => c.charge_point_id === kept.chargePointId && c.to === 'enrolled'))).toBe(true);
    // A charger's check looks at that charger only, not at its whole location (the second charger's
    // registration once re-read the first: quadratic on a large site).
    const chargerChecks = reports.body.reports.filter((r) => r.trigger === 'charger_changed');
    expect(chargerChecks.length).toBeGreaterThanOrEqual(2);
    expect(chargerChecks.map((r) => r.checked)).toEqual(chargerChecks.map(() => 1));
    expect(reports.body.reports.some((r) => r.trigger === 'schedule')).toBe(true);
  }, 120_000);

  it('needs a Facility ID for Swedish charge points, in single and bulk sign-up, and refuses a bad check digit naming the field', async () => {
    const { teamId, owner } = await aTeam();
    const unzoned = await aLocation(teamId, owner.token, { country: 'SE', postcode: '111 20' });
    expect(unzoned.zoneReason).toMatch(/set the bidding zone/);
    const site = await aLocation(teamId, owner.token, { country: 'SE', grid_region: 'SE3' });
    expect(site.zone).toBe('SE3');
    const a = await aCharger(site.projectId, 'Zaptec', 'Pro');
    const b = await aCharger(site.projectId, 'Zaptec', 'Pro');
    const c = await aCharger(site.projectId, 'Zaptec', 'Pro');
    const path = (cp: string) => `/api/v1/locations/${site.locationId}/powerbank/charge-points/${cp}`;

    // Single: no terms, no Facility ID, a bad check digit: refused, naming the field.
    const noTerms = await api('PUT', path(a.chargePointId), { token: owner.token, body: { enrolled: true, facility_id: gsrn(1) } });
    expect([noTerms.status, fieldOf(noTerms.body)]).toEqual([400, 'accept_terms']);
    const without = await api('PUT', path(a.chargePointId), { token: owner.token, body: { enrolled: true, ...TERMS } });
    expect([without.status, fieldOf(without.body)]).toEqual([400, 'facility_id']);
    const bad = await api<{ errors: Array<{ field: string; message: string }> }>('PUT', path(a.chargePointId), { token: owner.token, body: { enrolled: true, ...TERMS, facility_id: badGsrn(1) } });
    expect([bad.status, fieldOf(bad.body), bad.body.errors[0]!.message]).toEqual([400, 'facility_id', expect.stringMatching(/check digit/)]);
    const single = await api<Row>('PUT', path(a.chargePointId), { token: owner.token, body: { enrolled: true, ...TERMS, facility_id: gsrn(1) } });
    expect(single.status).toBe(200);
    expect(single.body.enrolment).toMatchObject({ status: 'enrolled', facility_id: gsrn(1), automatic: false, terms: { version: '2026-11', accepted_by: expect.stringContaining(owner.email), accepted_at: expect.any(String) } });

    // Bulk: b has no Facility ID, so nothing is enrolled and b and c are listed.
    const bulk = (body: Record<string, unknown>) => api<{ missing_facility_ids?: string[]; field?: string; errors?: Array<{ field: string }>; enrolled?: string[]; already_enrolled?: string[] }>('POST', `/api/v1/teams/${teamId}/powerbank/sign-up`, { token: owner.token, body: { ...TERMS, ...body } });
    const missing = await bulk({ facility_ids: { [c.chargePointId]: gsrn(3) } });
    expect(missing.status).toBe(422);
    expect(missing.body.missing_facility_ids).toEqual([b.chargePointId]);
    expect((await rowsOf(site.locationId, owner.token)).get(c.chargePointId)!.enrolment.status).toBe('not_enrolled');
    const badBulk = await bulk({ facility_ids: { [b.chargePointId]: badGsrn(2), [c.chargePointId]: gsrn(3) } });
    expect([badBulk.status, fieldOf(badBulk.body)]).toEqual([400, `facility_ids.${b.chargePointId}`]);
    expect((await bulk({ facility_ids: { [b.chargePointId]: gsrn(2), [c.chargePointId]: gsrn(3) }, accept_terms: false })).status).toBe(400);
    const ok = await bulk({ facility_ids: { [b.chargePointId]: gsrn(2), [c.chargePointId]: gsrn(3) } });
    expect(ok.status).toBe(200);
    expect(new Set(ok.body.enrolled)).toEqual(new Set([b.chargePointId, c.chargePointId]));
    expect(ok.body.already_enrolled).toEqual([a.chargePointId]);
    // The daily check keeps them (their zone and Facility IDs hold).
    rt.bus.runSchedule('powerbank-region-check');
    await rt.drain();
    const rows = await rowsOf(site.locationId, owner.token);
    expect([a, b, c].map((x) => rows.get(x.chargePointId)!.enrolment.status)).toEqual(['enrolled', 'enrolled', 'enrolled']);
  }, 120_000);

  it('lets owners, team admins with the right and operator admins/managers sign up; refuses everyone else (403 naming the action, 404 outside reach)', async () => {
    const { teamId, owner } = await aTeam();
    const site = await aLocation(teamId, owner.token, { country: 'GB', postcode: 'BA1 1LT' });
    const ni = await aLocation(teamId, owner.token, { country: 'GB', postcode: 'BT1 5GS' });
    expect([site.zone, ni.zone]).toEqual(['GB', 'SEM']);
    const cp = await aCharger(site.projectId, 'Wallbox', 'Pulsar Plus');
    expect((await rowsOf(site.locationId, owner.token)).get(cp.chargePointId)!.enrolment.status).toBe('not_enrolled'); // GB: no automatic enrolment

    const adminWithRight = await anAccount();
    await join(teamId, adminWithRight, 'admin', ['configure_charge_points']);
    const admin = await anAccount();
    await join(teamId, admin, 'admin');
    const member = await anAccount();
    await join(teamId, member, 'member');
    const installer = await anAccount();
    await transactWrite([grantPutItem({ siteId: site.locationId, operatorId: rt.seed!.operatorId, accountId: installer.accountId, email: installer.email, sensitiveData: false, createdAt: new Date().toISOString() })]);
    const stranger = await anAccount();
    const other = await aTeam();

    const toggle = (token: string, enrolled: boolean) => api<{ action?: string }>('PUT', `/api/v1/locations/${site.locationId}/powerbank/charge-points/${cp.chargePointId}`, { token, body: { enrolled, ...TERMS } });
    for (const [who, token] of [
      ['owner', owner.token],
      ['admin with configure_charge_points', adminWithRight.token],
    ] as const) {
      const res = await toggle(token, true);
      expect(res.status, who).toBe(200);
      expect((await toggle(token, false)).status, who).toBe(200);
    }
    for (const [who, token] of [
      ['admin without the right', admin.token],
      ['member', member.token],
      ['location installer', installer.token],
    ] as const) {
      const res = await toggle(token, true);
      expect([res.status, res.body.action], who).toEqual([403, 'location:powerbank']);
      expect((await api('GET', `/api/v1/locations/${site.locationId}/powerbank`, { token })).status, `${who} reads`).toBe(200);
    }
    expect((await toggle(stranger.token, true)).status).toBe(404);
    // A charge point of another location, through a location the caller owns: outside reach.
    const elsewhere = await aLocation(other.teamId, other.owner.token, { country: 'GB', postcode: 'SW1A 1AA' });
    expect((await api('PUT', `/api/v1/locations/${elsewhere.locationId}/powerbank/charge-points/${cp.chargePointId}`, { token: other.owner.token, body: { enrolled: true, ...TERMS } })).status).toBe(404);
    // Bulk within the team: members and admins without the right are refused; outsiders do not find the team.
    const teamBulk = (token: string) => api<{ action?: string }>('POST', `/api/v1/teams/${teamId}/powerbank/sign-up`, { token, body: TERMS });
    expect([(await teamBulk(member.token)).status, (await teamBulk(admin.token)).body.action]).toEqual([403, 'location:powerbank']);
    expect((await teamBulk(installer.token)).status).toBe(404);
    expect((await teamBulk(adminWithRight.token)).status).toBe(200);

    // The operator side: admins and managers (staff tokens) may; a read-only key reads only.
    const opAdmin = await anAccount();
    await addStaffMember(rt.seed!.operatorId, opAdmin.accountId, 'admin');
    const opManager = await anAccount();
    await addStaffMember(rt.seed!.operatorId, opManager.accountId, 'manager');
    const readOnly = (await createApiKey(rt.seed!.operatorId, { name: 'pb read only', scopes: ['read_only'] })).apiKey;
    const opToggle = (token: string, enrolled: boolean) => api<Row & { action?: string }>('PUT', `/api/v1/operator/powerbank/charge-points/${cp.chargePointId}`, { token, body: { enrolled, ...TERMS } });
    for (const token of [opAdmin.token, opManager.token]) {
      expect((await opToggle(token, false)).status).toBe(200);
      const signed = await opToggle(token, true);
      expect(signed.status).toBe(200);
      expect(signed.body.enrolment.terms!.accepted_by).toMatch(/staff/);
    }
    expect((await opToggle(readOnly, false)).body.action).toBe('powerbank:write');
    const preview = await api<{ charge_points: Row[] }>('GET', `/api/v1/operator/powerbank/charge-points?team_id=${teamId}`, { token: readOnly });
    expect(preview.status).toBe(200);
    expect(preview.body.charge_points.map((r) => r.charge_point_id)).toEqual([cp.chargePointId]);
    const opBulk = await api<{ already_enrolled: string[] }>('POST', '/api/v1/operator/powerbank/sign-up', { token: opManager.token, body: { team_id: teamId, ...TERMS } });
    expect([opBulk.status, opBulk.body.already_enrolled]).toEqual([200, [cp.chargePointId]]);
    expect(fieldOf((await api('POST', '/api/v1/operator/powerbank/sign-up', { token: opManager.token, body: { team_id: 'team_nope', ...TERMS } })).body)).toBe('team_id');
  }, 120_000);
});
