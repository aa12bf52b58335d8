// Issue #16, "Authorisation you can read": the role × route walk. One principal per role of the
// table (lib/domain/access.ts), plus an outsider of each kind, calls every route of the contract
// (lib/api/contract.ts). What each call must answer follows from the table alone:
//   - no credential, or the wrong kind (an API key where a person signs in): 401;
//   - operator routes: the route's action is checked before anything is read (httpHandler): 403 when
//     the caller's row lacks it, else 404 for another operator's resource, else success;
//   - person routes (installer, account, locations, teams): the use case first finds what the caller
//     reaches (a location through a membership or grant, a team through a membership, a project
//     through an assignment): 404 outside it, else 403 when the role there lacks the action, else
//     success;
//   - public routes: success for everyone.
// Every key of API needs a request builder here, so a new route without one fails the walk.
// Destructive routes get a fresh resource for each call that is expected to succeed, so the order
// of the calls does not matter.
import type { RPCClient } from 'ocpp-rpc';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LocalRuntime } from '../../local/runtime';
import { API } from '../../lib/api/contract';
import { transactWrite } from '../../lib/aws/transact';
import { memberPutItem } from '../../lib/db/locations';
import { listProjectsOfSite } from '../../lib/db/projects';
import { apiKeyActions, can, ROLES, type Role, type Right } from '../../lib/domain/access';
import { createInvitation } from '../../lib/domain/invitations';
import { createApiKey } from '../../lib/domain/operator-api-keys';
import { createOperator, createProject, createSite, createTeam } from '../../lib/domain/operator-setup';
import { acceptBackofficeRequest, putBackofficeRequest, type BackofficeConnection } from '../../lib/db/backoffice';
import { addStaffMember } from '../../lib/domain/operator-staff';
import { newId } from '../../lib/ids';
import { aSignedInAccount, anEmail, apiClient, apiClientFrom, type SignedInAccount } from './support/api';
import { aConnectedClient, aRegisteredChargePoint, aSerial, behaveLikeACharger, BOOT } from './support/ocpp';
import { startTestRuntime } from './support/runtime';
import { aSinkServer } from './support/webhooks';

const DAY = 86_400_000;
const PASSWORD = 'Correct-Horse-42';

/** Where a route's resource is, and so who reaches it. */
type Target =
  | 'public' // no resource: the token in the path (if any) is the credential
  | 'self' // the caller's own account, its own invitations, lists of what it reaches
  | 'own_operator' // the operator the caller acts for: its collections and new items in them
  | 'seed_operator' // an existing item of the seed operator
  | 'assigned_project' // an installer project assigned to the caller's email
  | 'installs_for' // the seed operator as the customer of an installer (it has an assignment there)
  | 'location' // the location, through a team membership or an installer grant
  | 'team'; // the location's team, through a membership only: a team sees only itself

interface Principal {
  readonly name: string;
  /** The row of the table this caller is. */
  readonly role: Role;
  readonly rights: readonly Right[];
  readonly credential: 'none' | 'key' | 'account';
  readonly scopes?: readonly string[];
  /** The operator the caller acts for on operator routes. */
  readonly operator?: 'seed' | 'other';
  readonly reaches: ReadonlySet<Target>;
  /** Source address: each caller is its own client for the per-client limits. */
  readonly from: string;
  token?: string;
  account?: SignedInAccount;
}

interface Req {
  readonly params?: Record<string, string>;
  readonly query?: string;
  readonly body?: unknown;
  /** A text/csv body instead of JSON. */
  readonly csv?: string;
  /** A device's own credential (a meter's secret) in place of the caller's token. */
  readonly headers?: Record<string, string>;
}

interface Walk {
  readonly target: Target;
  /** `succeeds`: this call is expected to succeed, so a destructive route gets a fresh resource. */
  readonly build: (p: Principal, succeeds: boolean) => Promise<Req> | Req;
  /** One call at a time (the calls change one shared thing: a charger's command slot, a delivery's attempt). */
  readonly oneAtATime?: boolean;
  /** Runs after every other route: it ends the callers' sessions (an email change revokes tokens). */
  readonly last?: boolean;
  /**
   * The resource is named in the body, not the path: outside the caller's reach it is answered like
   * an id that does not exist, a 400 naming this field (nothing tells it apart from a typo).
   */
  readonly bodyRef?: string;
}

let rt: LocalRuntime;
let receiver: Awaited<ReturnType<typeof aSinkServer>>;
let charger: RPCClient | undefined;

beforeAll(async () => {
  rt = await startTestRuntime();
  receiver = await aSinkServer();
});
afterAll(async () => {
  vi.useRealTimers();
  await charger?.close({ force: true }).catch(() => undefined);
  await rt?.stop();
  await receiver?.close();
});

let hosts = 0;
/** A loopback address of its own (Linux routes all of 127/8 to lo): the per-client limits see a new client. */
const aSource = () => {
  hosts += 1;
  return `127.0.${30 + Math.floor(hosts / 250)}.${(hosts % 250) + 1}`;
};
const anAccount = (opts: { email?: string; name?: string } = {}) => aSignedInAccount(rt, { ...opts, from: aSource() });

/** The role the caller has for an action: an API key by its scopes, anyone else by its row (with its rights). */
function may(p: Principal, auth: string, action: Parameters<typeof can>[1]): boolean {
  if (p.credential === 'key') return apiKeyActions(p.scopes ?? []).includes(action);
  // The installer API is open to every person account; what it reaches is its assignments (an
  // installer is an account with project assignments: docs/access.md), so there it acts as one.
  if (auth === 'installer') return can('installer', action);
  return can(p.role, action, p.rights);
}

function reaches(p: Principal, target: Target): boolean {
  if (target === 'public' || target === 'self') return true;
  if (target === 'own_operator') return p.operator !== undefined;
  if (target === 'seed_operator') return p.operator === 'seed';
  return p.reaches.has(target);
}

/** What the table says this caller gets from this route. */
function expected(route: keyof typeof API, walk: Walk, p: Principal): number {
  const c = API[route];
  if (c.auth === 'none') return c.status;
  if (p.credential === 'none') return 401;
  if (c.auth !== 'operator' && p.credential === 'key') return 401;
  const allowed = may(p, c.auth, c.action);
  const reached = reaches(p, walk.target);
  if (c.auth === 'operator') return !allowed ? 403 : !reached ? (walk.bodyRef ? 400 : 404) : c.status;
  return !reached ? 404 : !allowed ? 403 : c.status;
}

describe('the role × route table', () => {
  it('answers every route for every role as lib/domain/access.ts says', async () => {
    const seed = rt.seed!;
    const op = seed.operatorApiKey;
    const api = apiClient(rt);
    const hookUrl = () => receiver.url(`/hooks/${newId('h')}`);

    // --- Day 0: a location made by an installer and handed to its owner; an installer the owner
    // brought in, whose 14 days of full access will have run out by the time the walk starts.
    const creator = await anAccount({ name: 'Ina Installer' });
    await api('POST', `/api/v1/operator/projects/${seed.projectId}/installers`, { token: op, body: { email: creator.email } });
    const location_id = (
      await api<{ location_id: string }>('POST', '/api/v1/locations', { token: creator.token, body: { operator_id: seed.operatorId, name: 'Rose Cottage', address: '3 Rose Lane', country: 'GB' } })
    ).body.location_id;
    const ownerEmail = anEmail('owner');
    const handover = await api<{ url: string }>('POST', `/api/v1/locations/${location_id}/invitations`, { token: creator.token, body: { kind: 'team_owner', email: ownerEmail } });
    const tokenOf = (url: string) => url.split('/invitations/')[1]!;
    const owner = await anAccount({ email: ownerEmail, name: 'Olive Owner' });
    expect((await api('POST', `/api/v1/invitations/${tokenOf(handover.body.url)}/accept`, { token: owner.token })).status).toBe(200);
    /** An invitation from the owner, accepted by a new account. */
    const joining = async (path: string, body: Record<string, unknown>, ownerToken: string) => {
      const email = anEmail('joins');
      const invite = await api<{ url: string }>('POST', path, { token: ownerToken, body: { ...body, email } });
      expect(invite.status).toBe(201);
      const account = await anAccount({ email });
      expect((await api('POST', `/api/v1/invitations/${tokenOf(invite.body.url)}/accept`, { token: account.token })).status).toBe(200);
      return account;
    };
    const lapsing = await joining(`/api/v1/locations/${location_id}/invitations`, { kind: 'location_installer' }, owner.token);

    const installer = await anAccount({ name: 'Ivan Installer' });
    await api('POST', `/api/v1/operator/projects/${seed.projectId}/installers`, { token: op, body: { email: installer.email } });
    // The installer's handed-over job, whose charger stays connected for the operator's commands (on
    // day 0: the certificate store, like S3, refuses requests signed at a time far from its own).
    const subscription_id = (await api<{ id: string }>('POST', '/api/v1/operator/webhooks', { token: op, body: { url: hookUrl() } })).body.id;
    // A PowerBank activation of the seed operator, starting now (no charger in the zone is charging).
    // No `start`: the walk's clock moves, and the retries of the same body must stay the same request.
    const activationBody = { external_id: 'walk-activation', zone: 'DK2', direction: 'up', power_kw: 10, duration_s: 600 };
    const activation_id = (await api<{ activation_id: string }>('POST', '/api/v1/operator/powerbank/activations', { token: op, body: activationBody })).body.activation_id;
    const pausable = (await api<{ id: string }>('POST', '/api/v1/operator/webhooks', { token: op, body: { url: hookUrl() } })).body.id;
    const doneProject = (await api<{ project_id: string }>('POST', '/api/v1/operator/projects', { token: op, body: { job_number: 'WALK-1', name: 'Walk wallbox', site_id: seed.siteId } })).body.project_id;
    await api('POST', `/api/v1/operator/projects/${doneProject}/installers`, { token: op, body: { email: installer.email } });
    const reg = await api<{ charge_point_id: string; charge_point_identity: string; provisioning_password: string }>('POST', `/api/v1/installer/projects/${doneProject}/charge-points`, {
      token: installer.token,
      body: { serial_number: aSerial('WALK'), ocpp_protocol: 'ocpp1.6' },
    });
    const cp = reg.body.charge_point_id;
    charger = await aConnectedClient(rt, { identity: reg.body.charge_point_identity, password: reg.body.provisioning_password, protocol: 'ocpp1.6' });
    behaveLikeACharger(charger, 'ocpp1.6', {});
    charger.handle('UnlockConnector', async () => ({ status: 'Unlocked' }));
    await charger.call('BootNotification', BOOT['ocpp1.6']);
    await api('POST', `/api/v1/installer/charge-points/${cp}/commissioning`, { token: installer.token });
    await vi.waitFor(async () => expect((await api<{ status: string }>('GET', `/api/v1/installer/charge-points/${cp}/commissioning`, { token: installer.token })).body.status).toBe('completed'), {
      timeout: 20_000,
      interval: 250,
    });
    for (const item of ['meter_calibration', 'emergency_stop_tested', 'cable_management_inspected', 'enclosure_ip_rating_inspected', 'site_owner_briefed']) {
      await api('PUT', `/api/v1/installer/projects/${doneProject}/checklist/${item}`, { token: installer.token, body: { result: 'passed' } });
    }
    expect((await api('POST', `/api/v1/installer/projects/${doneProject}/handover`, { token: installer.token })).status).toBe(200);

    // --- Day 15: the walk happens here. Every token is made after the clock moved.
    // Only Date is faked, and it keeps running: deadlines (a remote action's 20 s) still pass.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 15 * DAY, shouldAdvanceTime: true });
    const ownerToken = await owner.login();
    const team_id = (await api<{ team: { team_id: string } }>('GET', `/api/v1/locations/${location_id}`, { token: ownerToken })).body.team.team_id;
    const fullInstaller = await joining(`/api/v1/locations/${location_id}/invitations`, { kind: 'location_installer' }, ownerToken);
    const grantTarget = await joining(`/api/v1/locations/${location_id}/invitations`, { kind: 'location_installer' }, ownerToken);
    const admin = await joining(`/api/v1/teams/${team_id}/members`, { role: 'admin' }, ownerToken);
    const configuringAdmin = await joining(`/api/v1/teams/${team_id}/members`, { role: 'admin', rights: ['configure_charge_points'] }, ownerToken);
    const member = await joining(`/api/v1/teams/${team_id}/members`, { role: 'member' }, ownerToken);
    const memberTarget = { teamId: team_id, operatorId: seed.operatorId, accountId: newId('acc'), email: anEmail('target'), role: 'member' as const, rights: [], createdAt: new Date().toISOString() };
    await transactWrite([memberPutItem(memberTarget)]);
    const [locationProject] = await listProjectsOfSite(location_id);

    const staffAdmin = await anAccount({ name: 'Ada Admin' });
    await addStaffMember(seed.operatorId, staffAdmin.accountId, 'admin');
    const staffManager = await anAccount({ name: 'Max Manager' });
    await addStaffMember(seed.operatorId, staffManager.accountId, 'manager');
    const staffTarget = await anAccount({ name: 'Tess Target' });
    await addStaffMember(seed.operatorId, staffTarget.accountId, 'manager');
    const readOnlyKey = (await createApiKey(seed.operatorId, { name: 'reporting', scopes: ['read_only'] })).apiKey;
    const scopes = ['projects:read', 'drivers:write', 'webhooks:read'];
    const scopedKey = (await createApiKey(seed.operatorId, { name: 'scoped', scopes })).apiKey;
    const other = await createOperator({ name: 'Other CPO', contactEmail: 'ops@other.example' });
    const otherAdmin = await anAccount({ name: 'Oscar Other' });
    await addStaffMember(other.operator.operatorId, otherAdmin.accountId, 'admin');
    const nobody = await anAccount({ name: 'Nora Nobody' });

    const started = (await charger.call('StartTransaction', { connectorId: 1, idTag: 'WALK-CARD', meterStart: 0, timestamp: new Date().toISOString() })) as { transactionId: number };
    await charger.call('StopTransaction', { transactionId: started.transactionId, meterStop: 1000, timestamp: new Date().toISOString() });
    const session_id = (await api<{ sessions: Array<{ session_id: string }> }>('GET', `/api/v1/operator/charge-points/${cp}/sessions`, { token: op })).body.sessions[0]!.session_id;
    const user_id = (await api<{ user_id: string }>('POST', '/api/v1/operator/drivers', { token: op, body: { name: 'Dana Driver' } })).body.user_id;
    const id_token = aSerial('TAG');
    await api('POST', `/api/v1/operator/drivers/${user_id}/id-tokens`, { token: op, body: { id_token } });
    const priceGroup = { name: 'Standard', currency: 'EUR', price_per_kwh_minor: 35, vat_rate_basis_points: 2100 };
    const price_group_id = (await api<{ price_group_id: string }>('POST', '/api/v1/operator/price-groups', { token: op, body: priceGroup })).body.price_group_id;
    await rt.drain();
    const delivery_id = (await api<{ deliveries: Array<{ id: string }> }>('GET', `/api/v1/operator/webhooks/${subscription_id}/deliveries`, { token: op })).body.deliveries[0]!.id;

    // A job on the public job page (issue #14), its charger given a serial and a password already.
    const aJobLink = async () => {
      const project = (await api<{ project_id: string }>('POST', '/api/v1/operator/projects', { token: op, body: { job_number: 'WALK-P', name: 'Walk job', site_id: seed.siteId } })).body.project_id;
      const planned = (await api<{ charge_point_id: string }>('POST', `/api/v1/operator/projects/${project}/charge-points`, { token: op, body: { connector_count: 1, ocpp_protocol: 'ocpp1.6' } })).body.charge_point_id;
      const link = (await api<{ link_id: string; url: string }>('POST', `/api/v1/operator/projects/${project}/public-links`, { token: op, body: {} })).body;
      return { project, planned, link_id: link.link_id, token: link.url.split('/jobs/')[1]! };
    };
    const job = await aJobLink();
    const jobCp = { token: job.token, charge_point_id: job.planned };
    expect((await api('PATCH', `/api/v1/public/jobs/${job.token}/charge-points/${job.planned}`, { body: { serial: aSerial('JOB') } })).status).toBe(200);
    expect((await api('POST', `/api/v1/public/jobs/${job.token}/charge-points/${job.planned}/password`)).status).toBe(200);

    // A team the callers are invited to (accepting is walked), and a pending invitation to preview.
    const joinable = await createTeam(seed.operatorId, { name: 'Walk team', ownerEmail: 'walk-team@example.com' });
    const anInvitationTo = (email: string, invitedBy: string) => createInvitation({ kind: 'team_member', email, operatorId: seed.operatorId, teamId: joinable.teamId, role: 'member', rights: [], invitedBy });
    const preview = await anInvitationTo(anEmail('preview'), owner.accountId);

    /** A fresh sign-up's mailed token (verification or reset), made from a client of its own. */
    const aMailedToken = async (kind: 'Verification' | 'Reset') => {
      const from = apiClientFrom(rt, aSource());
      const email = anEmail('fresh');
      await from('POST', '/api/v1/installer/signup', { body: { email, password: PASSWORD, name: 'Fay' } });
      if (kind === 'Reset') await from('POST', '/api/v1/installer/password-reset/request', { body: { email } });
      await rt.drain();
      const mail = rt.outbox.list({ to: email }).find((m) => new RegExp(`${kind} token`).test(m.text ?? ''))!;
      return new RegExp(`${kind} token: (\\S+)`).exec(mail.text!)![1]!;
    };

    // --- The callers.
    const none = new Set<Target>();
    const principals: Principal[] = [
      { name: 'operator_admin', role: 'operator_admin', rights: [], credential: 'account', operator: 'seed', reaches: none, from: aSource(), account: staffAdmin },
      { name: 'operator_manager', role: 'operator_manager', rights: [], credential: 'account', operator: 'seed', reaches: none, from: aSource(), account: staffManager },
      { name: 'api_key_full', role: 'api_key_full', rights: [], credential: 'key', scopes: ['full'], operator: 'seed', reaches: none, from: aSource(), token: op },
      { name: 'api_key_read_only', role: 'api_key_read_only', rights: [], credential: 'key', scopes: ['read_only'], operator: 'seed', reaches: none, from: aSource(), token: readOnlyKey },
      { name: `api key with scopes ${scopes.join(', ')}`, role: 'api_key_full', rights: [], credential: 'key', scopes, operator: 'seed', reaches: none, from: aSource(), token: scopedKey },
      { name: 'installer', role: 'installer', rights: [], credential: 'account', reaches: new Set(['assigned_project', 'installs_for']), from: aSource(), account: installer },
      { name: 'team_owner', role: 'team_owner', rights: ['configure_charge_points', 'sensitive_data'], credential: 'account', reaches: new Set(['location', 'team']), from: aSource(), account: owner },
      { name: 'team_admin', role: 'team_admin', rights: [], credential: 'account', reaches: new Set(['location', 'team']), from: aSource(), account: admin },
      { name: 'team_admin with configure_charge_points', role: 'team_admin', rights: ['configure_charge_points'], credential: 'account', reaches: new Set(['location', 'team']), from: aSource(), account: configuringAdmin },
      { name: 'team_member', role: 'team_member', rights: [], credential: 'account', reaches: new Set(['location', 'team']), from: aSource(), account: member },
      { name: 'location_installer', role: 'location_installer', rights: [], credential: 'account', reaches: new Set(['location']), from: aSource(), account: fullInstaller },
      { name: 'location_installer_lapsed', role: 'location_installer_lapsed', rights: [], credential: 'account', reaches: new Set(['location']), from: aSource(), account: lapsing },
      { name: 'anyone', role: 'anyone', rights: [], credential: 'none', reaches: none, from: aSource() },
      // Outsiders: another operator's key and admin, and an account in no team and with no assignment.
      { name: 'another operator’s API key', role: 'api_key_full', rights: [], credential: 'key', scopes: ['full'], operator: 'other', reaches: none, from: aSource(), token: other.apiKey },
      { name: 'another operator’s admin', role: 'operator_admin', rights: [], credential: 'account', operator: 'other', reaches: none, from: aSource(), account: otherAdmin },
      { name: 'an account in no team', role: 'installer', rights: [], credential: 'account', reaches: none, from: aSource(), account: nobody },
    ];
    // Every role of the table has a caller.
    expect(ROLES.filter((r) => !principals.some((p) => p.role === r))).toEqual([]);
    for (const p of principals) if (p.account) p.token = await p.account.login();
    // The lapse is the clock's: the invitation gave 14 days from day 0.
    const lapsed = principals.find((p) => p.role === 'location_installer_lapsed')!;
    expect((await api<{ access: { roles: string[] } }>('GET', `/api/v1/locations/${location_id}`, { token: lapsed.token! })).body.access.roles).toEqual(['location_installer_lapsed']);

    // Handing a location to an owner is installing it only while it waits for its first owner; after
    // that, only an owner makes owners (locationInvitationAction): not the installer in its 14 days.
    const lateHandover = await api<{ action: string }>('POST', `/api/v1/locations/${location_id}/invitations`, { token: principals.find((p) => p.role === 'location_installer')!.token!, body: { kind: 'team_owner', email: anEmail('owner') } });
    expect([lateHandover.status, lateHandover.body.action]).toEqual([403, 'team:own']);

    // --- Fresh resources for destructive calls.
    // One registration at a time: two at once on one project can cancel each other's transaction
    // (reported as a serial conflict), which is not what this test is about.
    let registering: Promise<unknown> = Promise.resolve();
    const freshCp = (projectId?: string) => {
      const next = registering.then(async () => (await aRegisteredChargePoint(rt, { protocol: 'ocpp1.6', ...(projectId ? { projectId } : {}) })).chargePoint.chargePointId);
      registering = next.catch(() => undefined);
      return next;
    };
    const sharedSeedCp = await freshCp();
    const sharedLocationCp = await freshCp(locationProject!.projectId);
    const freshSubscription = async () => (await api<{ id: string }>('POST', '/api/v1/operator/webhooks', { token: op, body: { url: hookUrl() } })).body.id;
    const freshKey = async () => (await createApiKey(seed.operatorId, { name: 'to go', scopes: ['read_only'] })).record.keyId;
    const range = () => `?from=${new Date(Date.now() - 3600_000).toISOString()}&to=${new Date(Date.now() + 60_000).toISOString()}`;
    const seedProject = { project_id: seed.projectId };
    const L = { location_id };
    const T = { team_id };
    // Site devices (issue #17): a charger of the seed operator's catalogue to read, and a fresh one
    // (with its PIN) for each add by serial + PIN that should succeed.
    const device = { pin: '482916', vendor: 'Volt Time', model: 'Source 2', ocpp_protocol: 'ocpp1.6', connectors: 1 };
    const aLoadedSerial = async () => {
      const serial = aSerial('DEV');
      expect((await api('PUT', `/api/v1/operator/devices/${serial}`, { token: op, body: device })).status).toBe(200);
      return serial;
    };
    const seedDevice = await aLoadedSerial();

    // Backoffice connections (issue #17 §3): the location's chargers ask another operator; chargers of
    // another operator's site ask the seed operator (so the seed operator's staff and keys walk the
    // operator side, and another operator's callers find nothing there).
    const otherOp = other.operator.operatorId;
    const otherTeam = await createTeam(otherOp, { name: 'Other team', ownerEmail: 'team@other.example' });
    const otherSite = await createSite(otherOp, { teamId: otherTeam.teamId, name: 'Other site', address: '1 Other Road', country: 'GB' });
    const otherProject = await createProject(otherOp, { teamId: otherTeam.teamId, siteId: otherSite.siteId, jobNumber: 'OTHER-1', name: 'Other job', description: '', instructions: '' });
    const aRequestToSeed = async (accepted: boolean) => {
      const chargePointId = await freshCp(otherProject.projectId);
      const at = new Date().toISOString();
      const request: BackofficeConnection = { chargePointId, operatorId: seed.operatorId, role: 'billing', status: 'pending', locationOperatorId: otherOp, siteId: otherSite.siteId, locationName: 'Other site', serialNumber: null, requestedBy: 'walk', requestedAt: at };
      expect(await putBackofficeRequest(request)).toBe(true);
      if (accepted) expect(await acceptBackofficeRequest(request, at, price_group_id)).toBe(true);
      return chargePointId;
    };
    const sharedPending = await aRequestToSeed(false);
    const sharedConnected = await aRequestToSeed(true);
    const askOther = { kind: 'operator', operator_id: otherOp, role: 'monitoring' };
    const aConnectedLocationCp = async () => {
      const charge_point_id = await freshCp(locationProject!.projectId);
      expect((await api('POST', `/api/v1/locations/${location_id}/charge-points/${charge_point_id}/backoffice`, { token: ownerToken, body: askOther })).status).toBe(200);
      return charge_point_id;
    };
    // Power management (issue #18): a meter of the location, made by its owner, for each call that should succeed.
    const freshMeter = async () => (await api<{ meter_id: string; secret: string }>('POST', `/api/v1/locations/${location_id}/power/meters`, { token: ownerToken, body: { name: 'Walk meter' } })).body;
    const sharedMeter = await freshMeter();
    const powerSettings = { fuse_a: 63, phases: 3, mode: 'dynamic', static_charging_a: 20 };
    // Charge cards of the location (issue #17): a shared card, and a fresh one for each removal that should succeed.
    const aCardId = async () =>
      (await api<{ card_id: string }>('POST', `/api/v1/locations/${location_id}/cards`, { token: ownerToken, body: { id_token: aSerial('WC').slice(0, 36), name: 'Walk card' } })).body.card_id;
    const sharedCard = await aCardId();
    const LCP = { ...L, charge_point_id: sharedLocationCp };

    const walks: Record<string, Walk> = {
      'GET /api/openapi.json': { target: 'public', build: () => ({}) },
      'POST /api/v1/installer/signup': { target: 'public', build: () => ({ body: { email: anEmail('signup'), password: PASSWORD, name: 'Sid' } }) },
      'POST /api/v1/installer/verify-email': { target: 'public', build: async () => ({ body: { token: await aMailedToken('Verification'), password: PASSWORD } }) },
      'POST /api/v1/installer/login': { target: 'public', build: () => ({ body: { email: creator.email, password: PASSWORD } }) },
      'POST /api/v1/installer/resend-verification': { target: 'public', build: () => ({ body: { email: anEmail('resend') } }) },
      'POST /api/v1/installer/password-reset/request': { target: 'public', build: () => ({ body: { email: anEmail('reset') } }) },
      'POST /api/v1/installer/password-reset': { target: 'public', build: async () => ({ body: { token: await aMailedToken('Reset'), password: PASSWORD } }) },
      'GET /api/v1/account': { target: 'self', build: () => ({}) },
      'PUT /api/v1/account/email': { target: 'self', build: () => ({ body: { email: anEmail('moving'), password: PASSWORD } }) },
      'POST /api/v1/account/email/verify': {
        target: 'self',
        last: true,
        build: async (p, succeeds) => {
          if (!succeeds) return { body: { token: 'x'.repeat(43) } };
          const to = anEmail('moved');
          expect((await apiClientFrom(rt, p.from)('PUT', '/api/v1/account/email', { token: p.token!, body: { email: to, password: PASSWORD } })).status).toBe(202);
          await rt.drain();
          return { body: { token: /Email change token: (\S+)/.exec(rt.outbox.list({ to }).find((m) => /Email change token/.test(m.text ?? ''))!.text!)![1]! } };
        },
      },
      'GET /api/v1/installer/projects': { target: 'self', build: () => ({}) },
      'GET /api/v1/installer/projects/{project_id}': { target: 'assigned_project', build: () => ({ params: seedProject }) },
      'POST /api/v1/installer/projects/{project_id}/charge-points': { target: 'assigned_project', build: () => ({ params: seedProject, body: { serial_number: aSerial('WALK'), ocpp_protocol: 'ocpp1.6' } }) },
      'PUT /api/v1/installer/projects/{project_id}/checklist/{item}': { target: 'assigned_project', build: () => ({ params: { ...seedProject, item: 'meter_calibration' }, body: { result: 'passed' } }) },
      'PUT /api/v1/installer/charge-points/{charge_point_id}/firmware-version': {
        target: 'assigned_project',
        build: async (_p, succeeds) => ({ params: { charge_point_id: succeeds ? await freshCp() : sharedSeedCp }, body: { version: '1.0.0', reason: 'label on the board' } }),
      },
      'POST /api/v1/installer/charge-points/{charge_point_id}/commissioning': { target: 'assigned_project', build: async (_p, succeeds) => ({ params: { charge_point_id: succeeds ? await freshCp() : sharedSeedCp } }) },
      'GET /api/v1/installer/charge-points/{charge_point_id}/commissioning': { target: 'assigned_project', build: () => ({ params: { charge_point_id: cp } }) },
      // Handing over a handed-over project answers its certificate again.
      'POST /api/v1/installer/projects/{project_id}/handover': { target: 'assigned_project', build: () => ({ params: { project_id: doneProject } }) },
      'GET /api/v1/installer/projects/{project_id}/handover': { target: 'assigned_project', build: () => ({ params: { project_id: doneProject } }) },
      'GET /api/v1/operator/projects/{project_id}/handover': { target: 'seed_operator', build: () => ({ params: { project_id: doneProject } }) },

      'POST /api/v1/operator/teams': { target: 'own_operator', build: () => ({ body: { name: 'Harbour Car Parks', owner_email: 'owner@harbour.example' } }) },
      'GET /api/v1/operator/teams': { target: 'own_operator', build: () => ({}) },
      'POST /api/v1/operator/sites': { target: 'seed_operator', bodyRef: 'team_id', build: () => ({ body: { team_id: seed.teamId, name: 'Quay', address: '1 Quay Street', country: 'GB' } }) },
      'GET /api/v1/operator/sites': { target: 'own_operator', build: () => ({}) },
      'POST /api/v1/operator/projects': { target: 'seed_operator', bodyRef: 'site_id', build: () => ({ body: { job_number: 'WALK-2', name: 'Another', site_id: seed.siteId } }) },
      'GET /api/v1/operator/projects': { target: 'own_operator', build: () => ({}) },
      'GET /api/v1/operator/projects/{project_id}': { target: 'seed_operator', build: () => ({ params: seedProject }) },
      'POST /api/v1/operator/projects/{project_id}/charge-points': { target: 'seed_operator', build: () => ({ params: seedProject, body: { connector_count: 1 } }) },
      'POST /api/v1/operator/projects/{project_id}/installers': { target: 'seed_operator', build: () => ({ params: seedProject, body: { email: anEmail('assigned') } }) },
      'DELETE /api/v1/operator/projects/{project_id}/installers/{email}': {
        target: 'seed_operator',
        build: async (_p, succeeds) => {
          const email = anEmail('unassigned');
          if (succeeds) await api('POST', `/api/v1/operator/projects/${seed.projectId}/installers`, { token: op, body: { email } });
          return { params: { ...seedProject, email } };
        },
      },
      'GET /api/v1/operator/charge-points/{charge_point_id}': { target: 'seed_operator', build: () => ({ params: { charge_point_id: cp } }) },
      'DELETE /api/v1/operator/charge-points/{charge_point_id}/serial': { target: 'seed_operator', build: async (_p, succeeds) => ({ params: { charge_point_id: succeeds ? await freshCp() : sharedSeedCp } }) },
      'GET /api/v1/operator/charge-points/{charge_point_id}/logs': { target: 'seed_operator', build: () => ({ params: { charge_point_id: cp }, query: '?limit=2' }) },
      'GET /api/v1/operator/charge-points/{charge_point_id}/sessions': { target: 'seed_operator', build: () => ({ params: { charge_point_id: cp } }) },
      'GET /api/v1/operator/teams/{team_id}/sessions': { target: 'seed_operator', build: () => ({ params: { team_id: seed.teamId } }) },
      'GET /api/v1/operator/drivers/{user_id}/sessions': { target: 'seed_operator', build: () => ({ params: { user_id } }) },
      'GET /api/v1/operator/sessions/{session_id}': { target: 'seed_operator', build: () => ({ params: { session_id } }) },
      'GET /api/v1/operator/charge-points/{charge_point_id}/logs/export': { target: 'seed_operator', build: () => ({ params: { charge_point_id: cp }, query: `${range()}&format=csv` }) },
      'GET /api/v1/operator/charge-points/{charge_point_id}/device-model': { target: 'seed_operator', build: () => ({ params: { charge_point_id: cp } }) },
      'POST /api/v1/operator/charge-points/{charge_point_id}/activate': { target: 'seed_operator', build: async (_p, succeeds) => ({ params: { charge_point_id: succeeds ? await freshCp() : sharedSeedCp } }) },
      'POST /api/v1/operator/charge-points/{charge_point_id}/actions': { target: 'seed_operator', oneAtATime: true, build: () => ({ params: { charge_point_id: cp }, body: { action: 'unlock' } }) },
      'POST /api/v1/operator/charge-points/{charge_point_id}/commands': {
        target: 'seed_operator',
        oneAtATime: true,
        build: () => ({ params: { charge_point_id: cp }, body: { action: 'TriggerMessage', payload: { requestedMessage: 'Heartbeat' } } }),
      },
      'POST /api/v1/operator/drivers': { target: 'own_operator', build: () => ({ body: { name: 'Walk Driver' } }) },
      'GET /api/v1/operator/drivers': { target: 'own_operator', build: () => ({ query: '?limit=10' }) },
      'GET /api/v1/operator/drivers/{user_id}': { target: 'seed_operator', build: () => ({ params: { user_id } }) },
      'PATCH /api/v1/operator/drivers/{user_id}': { target: 'seed_operator', build: () => ({ params: { user_id }, body: { email: 'dana@example.com' } }) },
      'POST /api/v1/operator/drivers/{user_id}/id-tokens': { target: 'seed_operator', build: () => ({ params: { user_id }, body: { id_token: aSerial('TAG') } }) },
      'GET /api/v1/operator/drivers/{user_id}/id-tokens': { target: 'seed_operator', build: () => ({ params: { user_id } }) },
      'PATCH /api/v1/operator/drivers/{user_id}/id-tokens/{id_token}': { target: 'seed_operator', build: () => ({ params: { user_id, id_token }, body: { status: 'blocked', expires_at: null } }) },
      'POST /api/v1/operator/price-groups': { target: 'own_operator', build: () => ({ body: priceGroup }) },
      'GET /api/v1/operator/price-groups': { target: 'own_operator', build: () => ({}) },
      'GET /api/v1/operator/price-groups/{price_group_id}': { target: 'seed_operator', build: () => ({ params: { price_group_id } }) },
      'PATCH /api/v1/operator/price-groups/{price_group_id}': { target: 'seed_operator', build: () => ({ params: { price_group_id }, body: { per_minute_minor: 2 } }) },
      'PUT /api/v1/operator/teams/{team_id}/price-group': { target: 'seed_operator', bodyRef: 'price_group_id', build: () => ({ params: { team_id: seed.teamId }, body: { price_group_id } }) },
      'PUT /api/v1/operator/charge-points/{charge_point_id}/price-group': { target: 'seed_operator', bodyRef: 'price_group_id', build: () => ({ params: { charge_point_id: cp }, body: { price_group_id } }) },
      'PUT /api/v1/operator/charge-points/{charge_point_id}/free-vend': { target: 'seed_operator', build: () => ({ params: { charge_point_id: cp }, body: { free_vend: false } }) },
      'POST /api/v1/operator/projects/{project_id}/public-links': { target: 'seed_operator', build: () => ({ params: seedProject, body: {} }) },
      'GET /api/v1/operator/projects/{project_id}/public-links': { target: 'seed_operator', build: () => ({ params: seedProject }) },
      'DELETE /api/v1/operator/projects/{project_id}/public-links/{link_id}': {
        target: 'seed_operator',
        build: async (_p, succeeds) => {
          if (!succeeds) return { params: { project_id: job.project, link_id: job.link_id } };
          const fresh = (await api<{ link_id: string }>('POST', `/api/v1/operator/projects/${job.project}/public-links`, { token: op, body: {} })).body.link_id;
          return { params: { project_id: job.project, link_id: fresh } };
        },
      },
      'GET /api/v1/operator/charge-points/{charge_point_id}/notes': { target: 'seed_operator', build: () => ({ params: { charge_point_id: cp } }) },
      'POST /api/v1/operator/charge-points/{charge_point_id}/notes': { target: 'seed_operator', build: () => ({ params: { charge_point_id: cp }, body: { text: 'Checked' } }) },

      // The public job page: one client per caller; the writes go one at a time (one charger's state).
      'GET /api/v1/public/jobs/{token}': { target: 'public', build: () => ({ params: { token: job.token } }) },
      'PATCH /api/v1/public/jobs/{token}/charge-points/{charge_point_id}': { target: 'public', oneAtATime: true, build: () => ({ params: jobCp, body: { connector_position: 'left' } }) },
      'POST /api/v1/public/jobs/{token}/charge-points/{charge_point_id}/password': { target: 'public', oneAtATime: true, build: () => ({ params: jobCp }) },
      'POST /api/v1/public/jobs/{token}/charge-points/{charge_point_id}/password/reveal': { target: 'public', oneAtATime: true, build: () => ({ params: jobCp }) },
      'POST /api/v1/public/jobs/{token}/charge-points/{charge_point_id}/actions': { target: 'public', oneAtATime: true, build: () => ({ params: jobCp, body: { action: 'reboot' } }) },
      'GET /api/v1/public/jobs/{token}/charge-points/{charge_point_id}/log': { target: 'public', build: () => ({ params: jobCp }) },
      'POST /api/v1/public/jobs/{token}/charge-points/{charge_point_id}/notes': { target: 'public', build: () => ({ params: jobCp, body: { text: 'Mounted left of the door' } }) },
      'POST /api/v1/public/jobs/{token}/complete': { target: 'public', build: async () => ({ params: { token: (await aJobLink()).token }, body: { activate_all: false } }) },

      'POST /api/v1/operator/webhooks': { target: 'own_operator', build: () => ({ body: { url: hookUrl() } }) },
      'GET /api/v1/operator/webhooks': { target: 'own_operator', build: () => ({}) },
      'GET /api/v1/operator/webhooks/{subscription_id}': { target: 'seed_operator', build: () => ({ params: { subscription_id } }) },
      'PATCH /api/v1/operator/webhooks/{subscription_id}': { target: 'seed_operator', build: () => ({ params: { subscription_id }, body: { description: 'Back office' } }) },
      'DELETE /api/v1/operator/webhooks/{subscription_id}': { target: 'seed_operator', build: async (_p, succeeds) => ({ params: { subscription_id: succeeds ? await freshSubscription() : subscription_id } }) },
      'POST /api/v1/operator/webhooks/{subscription_id}/pause': { target: 'seed_operator', build: () => ({ params: { subscription_id: pausable } }) },
      'POST /api/v1/operator/webhooks/{subscription_id}/resume': { target: 'seed_operator', build: () => ({ params: { subscription_id: pausable } }) },
      'POST /api/v1/operator/webhooks/{subscription_id}/rotate-secret': { target: 'seed_operator', build: async (_p, succeeds) => ({ params: { subscription_id: succeeds ? await freshSubscription() : subscription_id } }) },
      'GET /api/v1/operator/webhooks/{subscription_id}/deliveries': { target: 'seed_operator', build: () => ({ params: { subscription_id } }) },
      'GET /api/v1/operator/webhooks/{subscription_id}/deliveries/{delivery_id}': { target: 'seed_operator', build: () => ({ params: { subscription_id, delivery_id } }) },
      'POST /api/v1/operator/webhooks/{subscription_id}/deliveries/{delivery_id}/redeliver': { target: 'seed_operator', oneAtATime: true, build: () => ({ params: { subscription_id, delivery_id } }) },

      'POST /api/v1/operator/api-keys': { target: 'own_operator', build: () => ({ body: { name: 'reporting', scopes: ['read_only'] } }) },
      'GET /api/v1/operator/api-keys': { target: 'own_operator', build: () => ({}) },
      'DELETE /api/v1/operator/api-keys/{key_id}': { target: 'seed_operator', build: async () => ({ params: { key_id: await freshKey() } }) },
      'POST /api/v1/operator/api-keys/{key_id}/rotate': { target: 'seed_operator', build: async () => ({ params: { key_id: await freshKey() }, body: { overlap_seconds: 60 } }) },
      'POST /api/v1/operator/staff': { target: 'own_operator', build: () => ({ body: { email: anEmail('staff'), role: 'manager' } }) },
      'GET /api/v1/operator/staff': { target: 'own_operator', build: () => ({}) },
      'PATCH /api/v1/operator/staff/{account_id}': { target: 'seed_operator', build: () => ({ params: { account_id: staffTarget.accountId }, body: { role: 'manager' } }) },
      'DELETE /api/v1/operator/staff/{account_id}': {
        target: 'seed_operator',
        build: async (_p, succeeds) => {
          const account_id = succeeds ? newId('acc') : staffTarget.accountId;
          if (succeeds) await addStaffMember(seed.operatorId, account_id, 'manager');
          return { params: { account_id } };
        },
      },

      'GET /api/v1/invitations/{token}': { target: 'public', build: () => ({ params: { token: tokenOf(preview.url) } }) },
      // Each caller accepts an invitation addressed to itself (to a team of its own: nothing else changes).
      'POST /api/v1/invitations/{token}/accept': {
        target: 'self',
        build: async (p) => ({ params: { token: tokenOf((await anInvitationTo(p.account?.email ?? anEmail('nobody'), owner.accountId)).url) } }),
      },
      'POST /api/v1/locations': { target: 'installs_for', build: () => ({ body: { operator_id: seed.operatorId, name: 'Barn', address: '9 Farm Road', country: 'GB' } }) },
      'GET /api/v1/locations': { target: 'self', build: () => ({}) },
      'GET /api/v1/locations/{location_id}': { target: 'location', build: () => ({ params: L }) },
      'POST /api/v1/locations/{location_id}/charge-points': { target: 'location', oneAtATime: true, build: () => ({ params: L, body: { serial_number: aSerial('LOC'), ocpp_protocol: 'ocpp1.6' } }) },
      'PATCH /api/v1/locations/{location_id}/charge-points/{charge_point_id}': {
        target: 'location',
        build: async (_p, succeeds) => ({ params: { ...L, charge_point_id: succeeds ? await freshCp(locationProject!.projectId) : sharedLocationCp }, body: { vendor: 'Wallbox' } }),
      },
      'POST /api/v1/locations/{location_id}/invitations': { target: 'location', build: () => ({ params: L, body: { kind: 'team_member', email: anEmail('invited'), role: 'member' } }) },
      'PUT /api/v1/locations/{location_id}/installers/{account_id}': {
        target: 'location',
        build: () => ({ params: { ...L, account_id: grantTarget.accountId }, body: { full_access_until: new Date(Date.now() + 30 * DAY).toISOString() } }),
      },
      'GET /api/v1/locations/{location_id}/invitations': { target: 'location', build: () => ({ params: L }) },
      'POST /api/v1/locations/{location_id}/charge-points/{charge_point_id}/commissioning': {
        target: 'location',
        build: async (_p, succeeds) => ({ params: { ...L, charge_point_id: succeeds ? await freshCp(locationProject!.projectId) : sharedLocationCp } }),
      },
      'GET /api/v1/locations/{location_id}/charge-points/{charge_point_id}/commissioning': { target: 'location', build: () => ({ params: { ...L, charge_point_id: sharedLocationCp } }) },
      'GET /api/v1/locations/{location_id}/power': { target: 'location', build: () => ({ params: L }) },
      'PUT /api/v1/locations/{location_id}/power': { target: 'location', build: () => ({ params: L, body: powerSettings }) },
      'PUT /api/v1/locations/{location_id}/power/charge-points/{charge_point_id}': { target: 'location', build: () => ({ params: { ...L, charge_point_id: sharedLocationCp }, body: { max_a: 32, phases: 3 } }) },
      'POST /api/v1/locations/{location_id}/power/meters': { target: 'location', build: () => ({ params: L, body: { name: 'Garage meter' } }) },
      'GET /api/v1/locations/{location_id}/power/meters': { target: 'location', build: () => ({ params: L }) },
      'DELETE /api/v1/locations/{location_id}/power/meters/{meter_id}': {
        target: 'location',
        build: async (_p, succeeds) => ({ params: { ...L, meter_id: succeeds ? (await freshMeter()).meter_id : sharedMeter.meter_id } }),
      },
      // The meter's secret is the credential, whoever sends it: a meter of its own per caller (one reading each, no race on `at`).
      'POST /api/v1/meters/{meter_id}/readings': {
        target: 'public',
        build: async () => {
          const m = await freshMeter();
          return { params: { meter_id: m.meter_id }, body: { at: new Date().toISOString(), current_a: [1, 2, 3] }, headers: { authorization: `Bearer ${m.secret}` } };
        },
      },
      'GET /api/v1/locations/{location_id}/power/allocation': { target: 'location', build: () => ({ params: L }) },
      'GET /api/v1/locations/{location_id}/cards': { target: 'location', build: () => ({ params: L }) },
      'POST /api/v1/locations/{location_id}/cards': { target: 'location', build: () => ({ params: L, body: { id_token: aSerial('WC').slice(0, 36), name: 'Hall fob' } }) },
      'PATCH /api/v1/locations/{location_id}/cards/{card_id}': { target: 'location', build: () => ({ params: { ...L, card_id: sharedCard }, body: { name: 'Renamed fob' } }) },
      'DELETE /api/v1/locations/{location_id}/cards/{card_id}': { target: 'location', build: async (_p, succeeds) => ({ params: { ...L, card_id: succeeds ? await aCardId() : sharedCard } }) },
      'POST /api/v1/locations/{location_id}/charge-points/{charge_point_id}/card-learning': { target: 'location', build: () => ({ params: LCP, body: { duration_s: 60 } }) },
      'GET /api/v1/locations/{location_id}/charge-points/{charge_point_id}/card-learning': { target: 'location', build: () => ({ params: LCP }) },
      'DELETE /api/v1/locations/{location_id}/charge-points/{charge_point_id}/card-learning': { target: 'location', build: () => ({ params: LCP }) },
      'GET /api/v1/locations/{location_id}/charge-points/{charge_point_id}/local-list': { target: 'location', build: () => ({ params: LCP }) },
      // PowerBank (issue #19). The walk's location is in GB; opting out always succeeds for whoever may
      // change enrolment, whatever the charger's eligibility, so no call depends on another's order.
      'PATCH /api/v1/locations/{location_id}': { target: 'location', build: () => ({ params: L, body: { postcode: 'BA1 1LT' } }) },
      'GET /api/v1/locations/{location_id}/powerbank': { target: 'location', build: () => ({ params: L }) },
      'PUT /api/v1/locations/{location_id}/powerbank/charge-points/{charge_point_id}': { target: 'location', build: () => ({ params: { ...L, charge_point_id: sharedLocationCp }, body: { enrolled: false } }) },
      'POST /api/v1/teams/{team_id}/powerbank/sign-up': { target: 'team', build: () => ({ params: T, body: { accept_terms: true, terms_version: '2026-11' } }) },
      'GET /api/v1/operator/powerbank/charge-points': { target: 'own_operator', build: () => ({}) },
      'POST /api/v1/operator/powerbank/sign-up': { target: 'seed_operator', bodyRef: 'team_id', build: () => ({ body: { team_id: seed.teamId, accept_terms: true, terms_version: '2026-11' } }) },
      'PUT /api/v1/operator/powerbank/charge-points/{charge_point_id}': { target: 'seed_operator', build: () => ({ params: { charge_point_id: cp }, body: { enrolled: false } }) },
      'GET /api/v1/operator/powerbank/compatibility': { target: 'own_operator', build: () => ({}) },
      'PUT /api/v1/operator/powerbank/compatibility': { target: 'own_operator', build: () => ({ body: { vendor: 'Walk Vendor', model: 'W1', compatible: true } }) },
      'GET /api/v1/operator/powerbank/region-checks': { target: 'own_operator', build: () => ({}) },
      'POST /api/v1/operator/powerbank/activations': { target: 'own_operator', build: () => ({ body: activationBody }) },
      'GET /api/v1/operator/powerbank/activations': { target: 'own_operator', build: () => ({}) },
      'GET /api/v1/operator/powerbank/activations/{activation_id}': { target: 'seed_operator', build: () => ({ params: { activation_id } }) },
      // The caller's own invitation: its inviter may revoke it (a team owner may too: invitations.test.ts).
      'DELETE /api/v1/sent-invitations/{invitation_id}': {
        target: 'self',
        // A caller without an account is refused (401) before the id is looked at: no invitation is made for it.
        build: async (p) => ({ params: { invitation_id: p.account ? (await anInvitationTo(anEmail('revoked'), p.account.accountId)).invitation.invitationId : newId('inv') } }),
      },
      'PUT /api/v1/operator/devices/{serial}': { target: 'own_operator', build: () => ({ params: { serial: aSerial('DEV') }, body: device }) },
      'POST /api/v1/operator/devices/import': {
        target: 'own_operator',
        build: () => ({ csv: `serial,pin,vendor,model,ocpp_protocol,connectors\n${aSerial('DEV')},482916,Volt Time,Source 2,ocpp1.6,1\n` }),
      },
      'GET /api/v1/operator/devices': { target: 'own_operator', build: () => ({ query: '?limit=10' }) },
      'GET /api/v1/operator/devices/{serial}': { target: 'seed_operator', build: () => ({ params: { serial: seedDevice } }) },
      // One at a time: registrations on one project at once can cancel each other (see freshCp).
      'POST /api/v1/locations/{location_id}/charge-points/by-serial': {
        target: 'location',
        oneAtATime: true,
        build: async (_p, succeeds) => ({ params: L, body: { serial_number: succeeds ? await aLoadedSerial() : seedDevice, pin: device.pin } }),
      },
      // Only while the team has no owner: a fresh ownerless team for each call that should succeed.
      'POST /api/v1/operator/teams/{team_id}/owner-invitation': {
        target: 'seed_operator',
        build: async (_p, succeeds) => ({
          params: { team_id: succeeds ? (await createTeam(seed.operatorId, { name: 'Ownerless', ownerEmail: 'ownerless@example.com' })).teamId : joinable.teamId },
          body: { email: anEmail('new-owner') },
        }),
      },
      'GET /api/v1/teams/{team_id}/members': { target: 'team', build: () => ({ params: T }) },
      'POST /api/v1/teams/{team_id}/members': { target: 'team', build: () => ({ params: T, body: { email: anEmail('member'), role: 'member' } }) },
      'PATCH /api/v1/teams/{team_id}/members/{account_id}': { target: 'team', build: () => ({ params: { ...T, account_id: memberTarget.accountId }, body: { role: 'member', rights: [] } }) },
      'DELETE /api/v1/teams/{team_id}/members/{account_id}': {
        target: 'team',
        build: async (_p, succeeds) => {
          if (!succeeds) return { params: { ...T, account_id: memberTarget.accountId } };
          const leaving = { ...memberTarget, accountId: newId('acc'), email: anEmail('leaving') };
          await transactWrite([memberPutItem(leaving)]);
          return { params: { ...T, account_id: leaving.accountId } };
        },
      },
      'POST /api/v1/locations/{location_id}/charge-points/{charge_point_id}/backoffice': {
        target: 'location',
        build: async (_p, succeeds) => ({ params: { ...L, charge_point_id: succeeds ? await freshCp(locationProject!.projectId) : sharedLocationCp }, body: askOther }),
      },
      'GET /api/v1/locations/{location_id}/charge-points/{charge_point_id}/backoffice': { target: 'location', build: () => ({ params: { ...L, charge_point_id: sharedLocationCp } }) },
      'DELETE /api/v1/locations/{location_id}/charge-points/{charge_point_id}/backoffice': {
        target: 'location',
        build: async (_p, succeeds) => ({ params: { ...L, charge_point_id: succeeds ? await aConnectedLocationCp() : sharedLocationCp } }),
      },
      'GET /api/v1/operator/backoffice-connections': { target: 'own_operator', build: () => ({}) },
      'GET /api/v1/operator/backoffice-connections/{charge_point_id}': { target: 'seed_operator', build: () => ({ params: { charge_point_id: sharedConnected } }) },
      'POST /api/v1/operator/backoffice-connections/{charge_point_id}/accept': {
        target: 'seed_operator',
        build: async (_p, succeeds) => ({ params: { charge_point_id: succeeds ? await aRequestToSeed(false) : sharedPending }, body: { price_group_id } }),
      },
      'POST /api/v1/operator/backoffice-connections/{charge_point_id}/decline': {
        target: 'seed_operator',
        build: async (_p, succeeds) => ({ params: { charge_point_id: succeeds ? await aRequestToSeed(false) : sharedPending } }),
      },
      'GET /api/v1/operator/backoffice-connections/{charge_point_id}/sessions': { target: 'seed_operator', build: () => ({ params: { charge_point_id: sharedConnected } }) },
      // The caller's own invitation (anyone else's is absent: invitations.test.ts).
      'GET /api/v1/sent-invitations/{invitation_id}/qr.svg': {
        target: 'self',
        build: async (p) => ({ params: { invitation_id: p.account ? (await anInvitationTo(anEmail('qr'), p.account.accountId)).invitation.invitationId : newId('inv') } }),
      },
    };

    // A route without a walk fails here: the table is walked for every route there is.
    expect(Object.keys(API).filter((route) => !(route in walks))).toEqual([]);
    expect(Object.keys(walks).filter((route) => !(route in API))).toEqual([]);

    const wrong: string[] = [];
    const callOne = async (route: keyof typeof API, walk: Walk, p: Principal) => {
      const want = expected(route, walk, p);
      const req = await walk.build(p, want < 300);
      const [method, template] = route.split(' ') as [string, string];
      const path = template.replace(/\{([^}]+)\}/g, (_m, name: string) => encodeURIComponent(req.params?.[name] ?? ''));
      const res = await apiClientFrom(rt, p.from)(method, `${path}${req.query ?? ''}`, { ...(p.token ? { token: p.token } : {}), ...(req.body !== undefined ? { body: req.body } : {}), ...(req.csv !== undefined ? { csv: req.csv } : {}), ...(req.headers ? { headers: req.headers } : {}) });
      const body = res.body as { action?: string; detail?: string; errors?: Array<{ field: string }> };
      // A 403 names the route's action (problem+json `action`), so the caller knows what it lacks.
      const named =
        res.status !== want ||
        (want === 403 ? body.action === API[route].action : want === 400 ? (body.errors ?? []).some((e) => e.field === walk.bodyRef) : true);
      if (res.status !== want || !named) wrong.push(`${route} as ${p.name}: ${res.status}${body.action ? ` (${body.action})` : ''}, the table says ${want}${typeof body.detail === 'string' ? `: ${body.detail}` : ''}`);
    };
    const routes = Object.keys(API) as Array<keyof typeof API>;
    for (const route of [...routes.filter((r) => !walks[r]!.last), ...routes.filter((r) => walks[r]!.last)]) {
      const walk = walks[route]!;
      if (walk.oneAtATime) for (const p of principals) await callOne(route, walk, p);
      else await Promise.all(principals.map((p) => callOne(route, walk, p)));
    }
    expect(wrong).toEqual([]);
  }, 600_000);
});
