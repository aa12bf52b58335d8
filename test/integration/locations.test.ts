// Issue #16, "Done when": the whole location flow through the local runtime. An installer creates a
// location, adds a charger (which connects with a strict ocpp-rpc client and the password it was
// given), invites the owner by QR link, the owner signs up and accepts; the installer has full access
// until day 14 and only the chargers' connection status after (the clock is moved, not waited for),
// until the owner extends it; an installer the owner invites with consent sees sensitive data.
import { toString as qrSvg } from 'qrcode';
import type { RPCClient } from 'ocpp-rpc';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LocalRuntime } from '../../local/runtime';
import { aSignedInAccount, anEmail, apiClient, type SignedInAccount } from './support/api';
import { addStaffMember } from '../../lib/domain/operator-staff';
import { aConnectedClient, aSerial, behaveLikeACharger, BOOT } from './support/ocpp';
import { startTestRuntime } from './support/runtime';

let rt: LocalRuntime;
let api: ReturnType<typeof apiClient>;
let client: RPCClient | undefined;
let client2: RPCClient | undefined;

beforeAll(async () => {
  rt = await startTestRuntime();
  api = apiClient(rt);
});
afterEach(() => {
  vi.useRealTimers();
});
afterAll(async () => {
  await client?.close({ force: true }).catch(() => undefined);
  await client2?.close({ force: true }).catch(() => undefined);
  await rt?.stop();
});

const DAY = 86_400_000;

/** An account that installs for the seed operator (it has an assignment on one of its projects). */
async function anInstallerOfTheSeedOperator(): Promise<SignedInAccount> {
  const installer = await aSignedInAccount(rt, { name: 'Ina Installer' });
  await api('POST', `/api/v1/operator/projects/${rt.seed!.projectId}/installers`, { token: rt.seed!.operatorApiKey, body: { email: installer.email } });
  return installer;
}

interface LocationBody {
  location_id: string;
  view: 'full' | 'status';
  access: { roles: string[]; full_access_until: string | null; may_configure: boolean; sees_sensitive_data: boolean };
  charge_points: Array<Record<string, unknown>>;
}

async function mails(to: string, subject: RegExp) {
  await rt.drain();
  return rt.outbox.list({ to }).filter((m) => subject.test(m.subject));
}

describe('installer-made locations', () => {
  it('creates a location, hands it to the owner by QR link, keeps full access for 14 days, then only the status until the owner extends it', async () => {
    const installer = await anInstallerOfTheSeedOperator();

    // Someone who installs for no operator cannot create a location for one (the operator is out of reach).
    const stranger = await aSignedInAccount(rt);
    const refused = await api('POST', '/api/v1/locations', { token: stranger.token, body: { operator_id: rt.seed!.operatorId, name: 'Home', address: '1 Lane', country: 'GB' } });
    expect(refused.status).toBe(404);

    const created = await api<LocationBody>('POST', '/api/v1/locations', {
      token: installer.token,
      body: { operator_id: rt.seed!.operatorId, name: 'Garage at Rose Cottage', address: '3 Rose Lane, Bath', country: 'GB', customer_name: 'The Smiths' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ view: 'full', access: { roles: ['location_installer'], full_access_until: null, may_configure: true } });
    const location_id = created.body.location_id;
    expect((await api('GET', `/api/v1/locations/${location_id}`, { token: stranger.token })).status).toBe(404);

    // A charger through the same registration as the installer API: endpoint, password, commissioning.
    const serial = aSerial('LOC');
    const reg = await api<{ charge_point_id: string; charge_point_identity: string; provisioning_password: string; ocpp_endpoint: string; commissioning_status: string }>(
      'POST',
      `/api/v1/locations/${location_id}/charge-points`,
      { token: installer.token, body: { serial_number: serial, ocpp_protocol: 'ocpp1.6' } },
    );
    expect(reg.status).toBe(201);
    expect(reg.body.commissioning_status).toBe('pending');
    expect(reg.body.ocpp_endpoint).toBe(rt.ocppUrl);
    const charge_point_id = reg.body.charge_point_id;
    client = await aConnectedClient(rt, { identity: reg.body.charge_point_identity, password: reg.body.provisioning_password, protocol: 'ocpp1.6' });
    expect(await client.call('BootNotification', BOOT['ocpp1.6'])).toMatchObject({ status: expect.stringMatching(/Accepted|Pending/) });
    await rt.drain();

    // The owner invitation, shown as a QR code on the installer's phone: the image holds the mailed link.
    const ownerEmail = anEmail('owner');
    const invite = await api<{ url: string; qr_code: string; expires_at: string }>('POST', `/api/v1/locations/${location_id}/invitations`, {
      token: installer.token,
      body: { kind: 'team_owner', email: ownerEmail },
    });
    expect(invite.status).toBe(201);
    const [mail] = await mails(ownerEmail, /owner/);
    expect(mail!.text).toContain(invite.body.url);
    const qr = await fetch(`${rt.url}${invite.body.qr_code}`, { headers: { authorization: `Bearer ${installer.token}` } });
    expect(await qr.text()).toBe(await qrSvg(invite.body.url, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }));
    const token = invite.body.url.split('/invitations/')[1]!;

    // The owner signs up and accepts; the installer's full access now ends 14 days later.
    const owner = await aSignedInAccount(rt, { email: ownerEmail, name: 'Olive Owner' });
    const acceptedAt = Date.now();
    expect((await api('POST', `/api/v1/invitations/${token}/accept`, { token: owner.token })).status).toBe(200);
    const ownerView = await api<LocationBody>('GET', `/api/v1/locations/${location_id}`, { token: owner.token });
    expect(ownerView.body).toMatchObject({ view: 'full', access: { roles: ['team_owner'], may_configure: true, sees_sensitive_data: true } });
    const afterAccept = await api<LocationBody>('GET', `/api/v1/locations/${location_id}`, { token: installer.token });
    const until = Date.parse(afterAccept.body.access.full_access_until!);
    expect(until - acceptedAt).toBeGreaterThanOrEqual(14 * DAY - 5_000);
    expect(until - acceptedAt).toBeLessThanOrEqual(14 * DAY + 5_000);
    expect((await api<{ locations: Array<{ location_id: string; roles: string[] }> }>('GET', '/api/v1/locations', { token: owner.token })).body.locations).toEqual([
      expect.objectContaining({ location_id, roles: ['team_owner'] }),
    ]);

    // Day 13: still full access; the sweep warns the installer once.
    vi.useFakeTimers({ toFake: ['Date'], now: until - 1 * DAY });
    let installerToken = await installer.login();
    expect((await api<LocationBody>('GET', `/api/v1/locations/${location_id}`, { token: installerToken })).body.view).toBe('full');
    rt.bus.runSchedule('location-access-lapse');
    rt.bus.runSchedule('location-access-lapse');
    expect(await mails(installer.email, /ends in two days/)).toHaveLength(1);

    // Day 14 and a minute: read-only, the chargers' connection status and nothing else, decided on the
    // request itself (no sweep has run yet).
    vi.setSystemTime(until + 60_000);
    installerToken = await installer.login();
    const lapsed = await api<LocationBody>('GET', `/api/v1/locations/${location_id}`, { token: installerToken });
    expect(lapsed.status).toBe(200);
    expect(lapsed.body).toEqual({
      location_id,
      view: 'status',
      access: { roles: ['location_installer_lapsed'], full_access_until: afterAccept.body.access.full_access_until, may_configure: false, sees_sensitive_data: false },
      charge_points: [{ charge_point_id, serial_number: serial, connected: true, connected_at: expect.any(String), last_disconnected_at: null }],
    });
    const patchLapsed = await api<{ action: string }>('PATCH', `/api/v1/locations/${location_id}/charge-points/${charge_point_id}`, { token: installerToken, body: { connector_count: 2 } });
    expect(patchLapsed.status).toBe(403);
    expect(patchLapsed.body.action).toBe('location:configure');
    expect((await api('POST', `/api/v1/locations/${location_id}/charge-points`, { token: installerToken, body: { serial_number: aSerial('LOC'), ocpp_protocol: 'ocpp1.6' } })).status).toBe(403);
    expect((await api('POST', `/api/v1/locations/${location_id}/invitations`, { token: installerToken, body: { kind: 'team_owner', email: anEmail() } })).status).toBe(403);
    expect((await api<{ locations: Array<{ roles: string[] }> }>('GET', '/api/v1/locations', { token: installerToken })).body.locations).toEqual([
      expect.objectContaining({ location_id, roles: ['location_installer_lapsed'] }),
    ]);

    // The sweep records the lapse once and tells the installer.
    rt.bus.runSchedule('location-access-lapse');
    rt.bus.runSchedule('location-access-lapse');
    expect(await mails(installer.email, /has ended/)).toHaveLength(1);

    // Only the owner may extend; an extension indefinitely gives full access back at once.
    const ownerToken = await owner.login();
    expect((await api('PUT', `/api/v1/locations/${location_id}/installers/${installer.accountId}`, { token: installerToken, body: { full_access_until: null } })).status).toBe(403);
    const extended = await api<{ role: string; full_access_until: string | null; lapsed_at: string | null }>('PUT', `/api/v1/locations/${location_id}/installers/${installer.accountId}`, {
      token: ownerToken,
      body: { full_access_until: null },
    });
    expect(extended.status).toBe(200);
    expect(extended.body).toMatchObject({ role: 'location_installer', full_access_until: null, lapsed_at: null });
    expect((await api<LocationBody>('GET', `/api/v1/locations/${location_id}`, { token: installerToken })).body).toMatchObject({ view: 'full', access: { may_configure: true } });
    const patched = await api<{ provisioning_password: string; commissioning_status: string }>('PATCH', `/api/v1/locations/${location_id}/charge-points/${charge_point_id}`, { token: installerToken, body: { connector_count: 2 } });
    expect(patched.status).toBe(200);
    // Reconfiguring re-provisions: a new password, commissioning from the start.
    expect(patched.body.provisioning_password).not.toBe(reg.body.provisioning_password);
    expect(patched.body.commissioning_status).toBe('pending');
    // An extension has no end, so there is nothing left for the sweep to say.
    rt.bus.runSchedule('location-access-lapse');
    expect(await mails(installer.email, /ends in two days|has ended/)).toHaveLength(2);
  }, 120_000);

  it('lets the owner bring in an installer with consent to sensitive data, staying owner', async () => {
    const installer = await anInstallerOfTheSeedOperator();
    const created = await api<LocationBody>('POST', '/api/v1/locations', { token: installer.token, body: { operator_id: rt.seed!.operatorId, name: 'Barn', address: '9 Farm Road', country: 'GB' } });
    const location_id = created.body.location_id;
    const ownerEmail = anEmail('owner');
    const handover = await api<{ url: string }>('POST', `/api/v1/locations/${location_id}/invitations`, { token: installer.token, body: { kind: 'team_owner', email: ownerEmail } });
    const owner = await aSignedInAccount(rt, { email: ownerEmail });
    await api('POST', `/api/v1/invitations/${handover.body.url.split('/invitations/')[1]}/accept`, { token: owner.token });

    // Only the owner invites installers: the installer who made the location cannot.
    const helperEmail = anEmail('helper');
    expect((await api('POST', `/api/v1/locations/${location_id}/invitations`, { token: installer.token, body: { kind: 'location_installer', email: helperEmail, sensitive_data: true } })).status).toBe(403);
    const invite = await api<{ url: string }>('POST', `/api/v1/locations/${location_id}/invitations`, { token: owner.token, body: { kind: 'location_installer', email: helperEmail, sensitive_data: true } });
    expect(invite.status).toBe(201);
    const [mail] = await mails(helperEmail, /installer/);
    const helper = await aSignedInAccount(rt, { email: helperEmail });
    const accepted = await api<{ role: string; sensitive_data: boolean; full_access_until: string }>('POST', `/api/v1/invitations/${/\/invitations\/(\S+)/.exec(mail!.text!)![1]}/accept`, { token: helper.token });
    expect(accepted.body).toMatchObject({ role: 'location_installer', sensitive_data: true });

    // The helper configures (a charger) and sees sensitive data (its sessions); the creating
    // installer, without the owner's consent, sees the charger but not its sessions.
    expect((await api('POST', `/api/v1/locations/${location_id}/charge-points`, { token: helper.token, body: { serial_number: aSerial('LOC'), ocpp_protocol: 'ocpp2.0.1' } })).status).toBe(201);
    const helperView = await api<LocationBody>('GET', `/api/v1/locations/${location_id}`, { token: helper.token });
    expect(helperView.body).toMatchObject({ view: 'full', access: { roles: ['location_installer'], sees_sensitive_data: true } });
    expect(helperView.body.charge_points.map((c) => c.recent_sessions)).toEqual([[]]);
    const installerView = await api<LocationBody>('GET', `/api/v1/locations/${location_id}`, { token: installer.token });
    expect(installerView.body.access.sees_sensitive_data).toBe(false);
    expect(installerView.body.charge_points.map((c) => c.recent_sessions)).toEqual([null]);
    // The owner is still the owner.
    const ownerView = await api<LocationBody & { team: { team_id: string } }>('GET', `/api/v1/locations/${location_id}`, { token: owner.token });
    expect(ownerView.body.access.roles).toEqual(['team_owner']);

    // Team members: a member reads but may not manage the team; someone outside it does not see it at all.
    const team_id = ownerView.body.team.team_id;
    const memberEmail = anEmail('member');
    const memberInvite = await api<{ url: string }>('POST', `/api/v1/teams/${team_id}/members`, { token: owner.token, body: { email: memberEmail, role: 'member' } });
    expect(memberInvite.status).toBe(201);
    const member = await aSignedInAccount(rt, { email: memberEmail });
    expect((await api('POST', `/api/v1/invitations/${memberInvite.body.url.split('/invitations/')[1]}/accept`, { token: member.token })).status).toBe(200);
    expect((await api<{ members: Array<{ role: string }> }>('GET', `/api/v1/teams/${team_id}/members`, { token: member.token })).body.members.map((m) => m.role).sort()).toEqual(['member', 'owner']);
    expect((await api('PATCH', `/api/v1/teams/${team_id}/members/${member.accountId}`, { token: member.token, body: { role: 'admin', rights: [] } })).status).toBe(403);
    expect((await api('PATCH', `/api/v1/locations/${location_id}/charge-points/cp_x`, { token: member.token, body: { vendor: 'X' } })).status).toBe(404);
    expect((await api('GET', `/api/v1/teams/${team_id}/members`, { token: installer.token })).status).toBe(404);
    // Only an admin may configure charge points, and only the owner gives sensitive data.
    expect((await api('PATCH', `/api/v1/teams/${team_id}/members/${member.accountId}`, { token: owner.token, body: { role: 'member', rights: ['configure_charge_points'] } })).status).toBe(400);
    expect((await api('PATCH', `/api/v1/teams/${team_id}/members/${member.accountId}`, { token: owner.token, body: { role: 'admin', rights: ['configure_charge_points'] } })).status).toBe(200);
    expect((await api<LocationBody>('GET', `/api/v1/locations/${location_id}`, { token: member.token })).body.access).toMatchObject({ roles: ['team_admin'], may_configure: true, sees_sensitive_data: false });
    // Anyone may leave a team themselves; the last owner may not (a team keeps one).
    expect((await api('DELETE', `/api/v1/teams/${team_id}/members/${owner.accountId}`, { token: owner.token })).status).toBe(409);
    expect((await api('DELETE', `/api/v1/teams/${team_id}/members/${member.accountId}`, { token: member.token })).status).toBe(204);
    expect((await api('GET', `/api/v1/locations/${location_id}`, { token: member.token })).status).toBe(404);
  }, 60_000);

  it('lets operator staff with the role installer create locations, commission their chargers through the location until the lapse, and shows it all on the account', async () => {
    // No project assignment: staff role `installer` alone makes an account install for the operator.
    const installer = await aSignedInAccount(rt, { name: 'Sid Staff' });
    const body = { operator_id: rt.seed!.operatorId, name: 'Mill House', address: '2 Mill Lane', country: 'GB' };
    expect((await api('POST', '/api/v1/locations', { token: installer.token, body })).status).toBe(404);
    await addStaffMember(rt.seed!.operatorId, installer.accountId, 'installer');
    const created = await api<LocationBody & { name: string }>('POST', '/api/v1/locations', { token: installer.token, body });
    expect(created.status).toBe(201);
    const location_id = created.body.location_id;

    // A 2.0.1 charger added through the location, connected with a strict client, commissioned
    // through the location (the installer API would not reach it: no assignment).
    const reg = await api<{ charge_point_id: string; charge_point_identity: string; provisioning_password: string }>('POST', `/api/v1/locations/${location_id}/charge-points`, {
      token: installer.token,
      body: { serial_number: aSerial('LOCC'), ocpp_protocol: 'ocpp2.0.1' },
    });
    expect(reg.status).toBe(201);
    const charge_point_id = reg.body.charge_point_id;
    client2 = await aConnectedClient(rt, { identity: reg.body.charge_point_identity, password: reg.body.provisioning_password, protocol: 'ocpp2.0.1' });
    behaveLikeACharger(client2, 'ocpp2.0.1', {});
    await client2.call('BootNotification', BOOT['ocpp2.0.1']);
    const commissioning = `/api/v1/locations/${location_id}/charge-points/${charge_point_id}/commissioning`;
    expect((await api('POST', `/api/v1/installer/charge-points/${charge_point_id}/commissioning`, { token: installer.token })).status).toBe(404);
    const stranger = await aSignedInAccount(rt);
    expect((await api('POST', commissioning, { token: stranger.token })).status).toBe(404);
    const started = await api<{ status: string; charge_point_id: string }>('POST', commissioning, { token: installer.token });
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ charge_point_id, status: 'in_progress' });
    await vi.waitFor(async () => expect((await api<{ status: string }>('GET', commissioning, { token: installer.token })).body.status).toBe('completed'), { timeout: 20_000, interval: 250 });

    // The account: its role at the operator, its grant (no end yet), nothing pending.
    type AccountBody = {
      operator_roles: unknown[];
      teams: Array<{ team_id: string; role: string }>;
      location_grants: Array<{ location_id: string; lapsed: boolean; full_access_until: string | null }>;
      pending_invitations: Array<{ invitation_id: string; kind: string; what: Record<string, unknown> }>;
    };
    const mine = await api<AccountBody>('GET', '/api/v1/account', { token: installer.token });
    expect(mine.status).toBe(200);
    expect(mine.body).toMatchObject({
      operator_roles: [{ operator_id: rt.seed!.operatorId, name: expect.any(String), role: 'installer' }],
      teams: [],
      location_grants: [{ location_id, name: 'Mill House', full_access_until: null, lapsed: false, sensitive_data: false }],
      pending_invitations: [],
    });

    // The owner's invitation is listed on the owner's account (by its verified email) until accepted.
    const ownerEmail = anEmail('owner');
    const owner = await aSignedInAccount(rt, { email: ownerEmail });
    const invite = await api<{ invitation_id: string; url: string; expires_at: string }>('POST', `/api/v1/locations/${location_id}/invitations`, { token: installer.token, body: { kind: 'team_owner', email: ownerEmail } });
    const pending = await api<AccountBody>('GET', '/api/v1/account', { token: owner.token });
    expect(pending.body.pending_invitations).toEqual([
      {
        invitation_id: invite.body.invitation_id,
        kind: 'team_owner',
        expires_at: invite.body.expires_at,
        what: { operator: { operator_id: rt.seed!.operatorId, name: expect.any(String) }, team: { team_id: expect.any(String), name: 'Mill House' }, location: { location_id, name: 'Mill House' }, role: 'owner' },
      },
    ]);
    expect((await api('POST', `/api/v1/invitations/${invite.body.url.split('/invitations/')[1]}/accept`, { token: owner.token })).status).toBe(200);
    const owned = await api<AccountBody>('GET', '/api/v1/account', { token: owner.token });
    expect(owned.body).toMatchObject({ teams: [{ role: 'owner', rights: ['configure_charge_points', 'sensitive_data'] }], pending_invitations: [], location_grants: [], operator_roles: [] });

    // After day 14 the lapse refuses commissioning (and reading it) through the location, and the
    // account says the grant has lapsed.
    const until = Date.parse((await api<AccountBody>('GET', '/api/v1/account', { token: installer.token })).body.location_grants[0]!.full_access_until!);
    vi.useFakeTimers({ toFake: ['Date'], now: until + 60_000 });
    const lapsedToken = await installer.login();
    const refused = await api<{ action: string }>('POST', commissioning, { token: lapsedToken });
    expect(refused.status).toBe(403);
    expect(refused.body.action).toBe('location:configure');
    expect((await api<{ action: string }>('GET', commissioning, { token: lapsedToken })).body.action).toBe('location:read');
    expect((await api<AccountBody>('GET', '/api/v1/account', { token: lapsedToken })).body.location_grants).toEqual([expect.objectContaining({ location_id, lapsed: true })]);
  }, 120_000);
});
