// Locations (issue #16, docs/access.md): a location is a site. An installer creates one for a private
// customer (a new team, the site, an installation project and the installer's grant), adds and
// reconfigures its chargers through the same registration as the installer API, and invites the
// customer as owner. Who may do what on a location is decided here, on every request, from the
// caller's membership of its team and grant on it, against the one role × action table
// (lib/domain/access.ts): outside reach → 404; reached but not allowed → 403.
//
// The lapse of an installer's full access is decided from the clock on every request (a grant past
// `fullAccessUntil` acts as `location_installer_lapsed`): the hourly sweep only warns and records
// (domain/location-lapse.ts), so a late sweep cannot extend anyone's access.
import { getChargePoint, listChargePointsOfProject, type ChargePoint } from '../db/charge-points';
import { getAccount } from '../db/accounts';
import { transactWrite } from '../aws/transact';
import { deleteTeamMember, getLocationGrant, getSiteById, getTeamMember, grantPutItem, grantSetUntilItem, listGrantsOfAccount, listMembershipsOfAccount, listTeamMembers, updateTeamMember, type LocationGrant, type TeamMember } from '../db/locations';
import { listPendingInvitationsOfLocation } from '../db/invitations';
import { getOperator, getStaffMember } from '../db/operators';
import { getProject, getProjectWithState, getSite, getTeam, listProjectIdsOfInstaller, listProjectsOfSite, listSites, type Project, type ProjectWithState, type Site } from '../db/projects';
import type { AccountPrincipal } from '../http/handler';
import { nowIso } from '../ids';
import { can, deny, ROLE_WORDS, type Action, type Right, type Role } from './access';
import { viewChargePoint } from './charge-point-view';
import { Conflict, NotFound, ValidationFailed } from './errors';
import { registerOnProject, type RegistrationBody } from './installer-projects';
import { createInvitation, invitationView, normaliseEmail, TEAM_ROLES } from './invitations';
import { commissionChargePoint, commissioningStatusOf } from './installer-projects';
import { deviceByPin } from './devices';
import { createProject, createSite, createTeam } from './operator-setup';
import { listChargePointSessions } from './sessions';

// --- Who reaches a location, as what ---------------------------------------------------------------

/** One way the caller reaches a location: a role and the rights it holds with it. */
export interface Holding {
  readonly role: Role;
  readonly rights: readonly Right[];
}

export interface LocationAccess {
  readonly site: Site;
  readonly holdings: readonly Holding[];
  readonly member?: TeamMember;
  readonly grant?: LocationGrant;
}


/** A grant acts as full or lapsed by the clock, now; never by what the sweep recorded. */
export function grantRole(grant: Pick<LocationGrant, 'fullAccessUntil'>, now: string = nowIso()): Role {
  return grant.fullAccessUntil !== undefined && grant.fullAccessUntil <= now ? 'location_installer_lapsed' : 'location_installer';
}

/** The caller's holdings on a location; a location they do not reach is absent (404). */
export async function locationAccess(who: AccountPrincipal, locationId: string): Promise<LocationAccess> {
  const site = await getSiteById(locationId);
  if (!site) throw new NotFound(`Location ${locationId} not found`);
  const [member, grant] = await Promise.all([getTeamMember(site.teamId, who.accountId), getLocationGrant(site.siteId, who.accountId)]);
  const holdings: Holding[] = [];
  if (member) holdings.push({ role: TEAM_ROLES[member.role], rights: member.rights });
  if (grant) holdings.push({ role: grantRole(grant), rights: grant.sensitiveData ? ['sensitive_data'] : [] });
  if (!holdings.length) throw new NotFound(`Location ${locationId} not found`);
  return { site, holdings, ...(member ? { member } : {}), ...(grant ? { grant } : {}) };
}

export const mayOn = (access: Pick<LocationAccess, 'holdings'>, action: Action) => access.holdings.some((h) => can(h.role, action, h.rights));

/** 403 unless one of the caller's holdings allows the action (named after the strongest holding). */
export function requireOn(access: Pick<LocationAccess, 'holdings'>, action: Action): void {
  if (!mayOn(access, action)) deny(action, ROLE_WORDS[access.holdings[0]!.role]);
}

// --- Creating a location ------------------------------------------------------------------------

/**
 * Whether an account installs for an operator, i.e. may create locations for it: it is the operator's
 * staff with the role `installer` (`OP#{operatorId}` / `STAFF#{accountId}`), or it has at least one
 * project assignment from that operator. Nothing else decides it.
 */
export async function installsFor(accountId: string, operatorId: string): Promise<boolean> {
  // Staff with the role `installer` install for the operator by the operator's own word (an admin
  // invited them as such); one strongly consistent read, so a removal holds at once.
  if ((await getStaffMember(operatorId, accountId))?.role === 'installer') return true;
  const account = await getAccount(accountId);
  if (!account) return false;
  const projectIds = await listProjectIdsOfInstaller(account.email);
  const projects = await Promise.all(projectIds.map((id) => getProject(id)));
  return projects.some((p) => p?.operatorId === operatorId);
}

export interface NewLocation {
  readonly operator_id: string;
  readonly name: string;
  readonly address: string;
  readonly country: string;
  readonly customer_name?: string;
}

/**
 * A location for a private customer: a new team (the customer; its owner email is the installer's
 * until an owner accepts, so handover mails reach someone), the site, an installation project (so
 * commissioning and the handover certificate work unchanged) and the installer's grant with no end
 * (it becomes 14 days when the owner accepts). An operator the account does not install for is
 * outside its reach (404): it learns nothing about which operators exist.
 */
export async function createLocation(who: AccountPrincipal, input: NewLocation) {
  if (!(await installsFor(who.accountId, input.operator_id))) throw new NotFound(`Operator ${input.operator_id} not found`, { field: 'operator_id' });
  const team = await createTeam(input.operator_id, { name: input.customer_name ?? input.name, ownerEmail: who.email });
  const site = await createSite(input.operator_id, { teamId: team.teamId, name: input.name, address: input.address, country: input.country });
  const createdAt = nowIso();
  await createProject(input.operator_id, {
    teamId: team.teamId,
    siteId: site.siteId,
    jobNumber: `LOC-${createdAt.slice(0, 10).replaceAll('-', '')}`,
    name: `Installation at ${input.name}`,
    description: `Charge points installed by ${who.email} at a location they created`,
    instructions: '',
  });
  await transactWrite([grantPutItem({ siteId: site.siteId, operatorId: input.operator_id, accountId: who.accountId, email: who.email, sensitiveData: false, untilOwnerAccepts: true, createdAt })]);
  return getLocation(who, site.siteId);
}

// --- Reading ------------------------------------------------------------------------------------

export async function chargePointsOf(site: Site): Promise<{ projects: Project[]; chargePoints: ChargePoint[] }> {
  const projects = await listProjectsOfSite(site.siteId);
  const chargePoints = (await Promise.all(projects.map((p) => listChargePointsOfProject(p.projectId)))).flat();
  return { projects, chargePoints };
}

/** All a lapsed installer keeps: whether each charger is connected. */
function connectionStatusView(cp: ChargePoint) {
  return {
    charge_point_id: cp.chargePointId,
    serial_number: cp.displaySerial ?? cp.identity ?? null,
    connected: cp.connection !== undefined,
    connected_at: cp.connection?.connectedAt ?? null,
    last_disconnected_at: cp.lastDisconnectedAt ?? null,
  };
}

function accessSummary(access: LocationAccess) {
  return {
    roles: access.holdings.map((h) => h.role),
    full_access_until: access.grant ? (access.grant.fullAccessUntil ?? null) : null,
    may_configure: mayOn(access, 'location:configure'),
    sees_sensitive_data: mayOn(access, 'location:sensitive'),
  };
}

/**
 * A location as the caller may see it: with `location:read` the location, its team and chargers (and
 * their recent sessions with `location:sensitive`); with only `location:status` (a lapsed installer)
 * the chargers' connection status and nothing else.
 */
export async function getLocation(who: AccountPrincipal, locationId: string) {
  const access = await locationAccess(who, locationId);
  requireOn(access, 'location:status');
  const { site } = access;
  const { chargePoints } = await chargePointsOf(site);
  if (!mayOn(access, 'location:read')) {
    return { location_id: site.siteId, view: 'status' as const, access: accessSummary(access), charge_points: chargePoints.map(connectionStatusView) };
  }
  const sensitive = mayOn(access, 'location:sensitive');
  const [team, operator, views] = await Promise.all([
    getTeam(site.operatorId, site.teamId),
    getOperator(site.operatorId),
    Promise.all(
      chargePoints.map(async (cp) => ({
        ...(await viewChargePoint(cp)),
        recent_sessions: sensitive ? (await listChargePointSessions(site.operatorId, cp.chargePointId, { limit: 10 })).sessions : null,
      })),
    ),
  ]);
  return {
    location_id: site.siteId,
    view: 'full' as const,
    access: accessSummary(access),
    name: site.name,
    address: site.address,
    country: site.country,
    operator: { operator_id: site.operatorId, name: operator?.name ?? null },
    team: { team_id: site.teamId, name: team?.name ?? null },
    created_at: site.createdAt,
    charge_points: views,
  };
}

/** The caller's locations: those of the teams it is a member of and those it holds a grant on. */
export async function listMyLocations(who: AccountPrincipal) {
  const [memberships, grants] = await Promise.all([listMembershipsOfAccount(who.accountId), listGrantsOfAccount(who.accountId)]);
  const now = nowIso();
  const byId = new Map<string, { site: Site; roles: Role[] }>();
  const add = (site: Site | undefined, role: Role) => {
    if (!site) return;
    const entry = byId.get(site.siteId) ?? { site, roles: [] };
    entry.roles.push(role);
    byId.set(site.siteId, entry);
  };
  // A team's sites are in its operator's partition (AP-04): one query per operator the account has teams with.
  const operators = [...new Set(memberships.map((m) => m.operatorId))];
  const sitesByOperator = new Map(await Promise.all(operators.map(async (op) => [op, await listSites(op)] as const)));
  for (const m of memberships) for (const s of sitesByOperator.get(m.operatorId)!.filter((s) => s.teamId === m.teamId)) add(s, TEAM_ROLES[m.role]);
  for (const g of grants) add(await getSite(g.operatorId, g.siteId), grantRole(g, now));
  return {
    locations: [...byId.values()].map(({ site, roles }) => ({ location_id: site.siteId, name: site.name, country: site.country, team_id: site.teamId, roles })),
  };
}

// --- Chargers -----------------------------------------------------------------------------------

/** The project new chargers of a location go to: its newest one that is not handed over. */
async function installationProject(site: Site): Promise<ProjectWithState> {
  const projects = (await listProjectsOfSite(site.siteId)).filter((p) => p.status !== 'handed_over');
  const newest = projects[projects.length - 1];
  const project = newest ? await getProjectWithState(newest.projectId) : undefined;
  if (!project) throw new Conflict('This location has no open installation project; ask the operator to open one', { field: 'location_id' });
  return project;
}

/** Adds a charger through the installer API's registration (endpoint, password, commissioning alike). */
export async function addLocationChargePoint(who: AccountPrincipal, locationId: string, body: RegistrationBody, idempotencyKey?: string) {
  const access = await locationAccess(who, locationId);
  requireOn(access, 'location:configure');
  return registerOnProject(await installationProject(access.site), body, `account:${who.accountId}`, idempotencyKey);
}

/**
 * Adds a charger by the serial and PIN on its sticker (issue #17, docs/site-devices.md §1): the
 * catalogue an operator loaded gives vendor, model, protocol and connectors, and the charger is
 * registered as `addLocationChargePoint` registers one (endpoint, password once, commissioning). The
 * caller's role is checked first, so a call from someone who may not add chargers here is no
 * attempt on the PIN (it counts towards no lock); the open project too, so a location that cannot
 * take a charger answers its 409 without a PIN being tried.
 */
export async function addLocationChargePointBySerial(who: AccountPrincipal, locationId: string, body: { serial_number: string; pin: string }, idempotencyKey?: string) {
  const access = await locationAccess(who, locationId);
  requireOn(access, 'location:configure');
  const project = await installationProject(access.site);
  const device = await deviceByPin(who.accountId, body.serial_number, body.pin);
  return registerOnProject(
    project,
    { serial_number: device.displaySerial, ocpp_protocol: device.protocol, connector_count: device.connectors, vendor: device.vendor, model: device.model },
    `account:${who.accountId}`,
    idempotencyKey,
  );
}

/**
 * Reconfigures a charger of the location: what registration sets (protocol, connector count, vendor,
 * model). A decision: reconfiguring is registration's re-provisioning of the same serial, so the
 * charger gets a new provisioning password and is commissioned again: a protocol change needs the
 * charger set up anew anyway, and one path keeps the password and commissioning rules in one place.
 */
export async function reconfigureLocationChargePoint(
  who: AccountPrincipal,
  locationId: string,
  chargePointId: string,
  body: { ocpp_protocol?: 'ocpp1.6' | 'ocpp2.0.1'; connector_count?: number; vendor?: string; model?: string },
) {
  const access = await locationAccess(who, locationId);
  const cp = await getChargePoint(chargePointId, true);
  if (!cp || cp.siteId !== access.site.siteId) throw new NotFound(`Charge point ${chargePointId} not found`);
  requireOn(access, 'location:configure');
  const project = await getProjectWithState(cp.projectId);
  if (!project) throw new NotFound(`Charge point ${chargePointId} not found`);
  const protocol = body.ocpp_protocol ?? cp.protocol;
  if (!cp.identity || !protocol) throw new ValidationFailed('This charge point has no serial yet; register it first', [{ field: 'charge_point_id', message: 'has no serial' }]);
  return registerOnProject(
    project,
    {
      serial_number: cp.displaySerial ?? cp.identity,
      ocpp_protocol: protocol,
      ...(body.connector_count ? { connector_count: body.connector_count } : {}),
      ...(body.vendor ? { vendor: body.vendor } : {}),
      ...(body.model ? { model: body.model } : {}),
      reprovision: true,
    },
    `account:${who.accountId}`,
  );
}

/** A charger of the location the caller reaches (else 404), checked against the action (else 403). */
export async function locationChargePoint(who: AccountPrincipal, locationId: string, chargePointId: string, action: Action): Promise<ChargePoint> {
  const access = await locationAccess(who, locationId);
  const cp = await getChargePoint(chargePointId, true);
  if (!cp || cp.siteId !== access.site.siteId) throw new NotFound(`Charge point ${chargePointId} not found`);
  requireOn(access, action);
  return cp;
}

/**
 * Commissions a charger of the location (`location:configure`): the installer API's commissioning use
 * case, reached through the location instead of a project assignment. Location installers get no
 * assignment on purpose (an assignment never lapses), so without this they could add a charger but
 * never commission it; a lapsed installer is refused here like every other change (403).
 */
export async function startLocationCommissioning(who: AccountPrincipal, locationId: string, chargePointId: string) {
  const cp = await locationChargePoint(who, locationId, chargePointId, 'location:configure');
  const project = await getProjectWithState(cp.projectId);
  if (!project) throw new NotFound(`Charge point ${chargePointId} not found`);
  return commissionChargePoint(cp, project, `account:${who.accountId}`);
}

/** The charger's commissioning (`location:read`); reading it moves an in-progress one on, as on the installer API. */
export async function locationCommissioningStatus(who: AccountPrincipal, locationId: string, chargePointId: string) {
  await locationChargePoint(who, locationId, chargePointId, 'location:read');
  return commissioningStatusOf(chargePointId);
}

// --- Invitations and installer access ------------------------------------------------------------

export interface LocationInvitationInput {
  readonly kind: 'team_owner' | 'location_installer' | 'team_member';
  readonly email: string;
  readonly sensitive_data?: boolean;
  readonly full_access_until?: string | null;
  readonly role?: 'admin' | 'member';
  readonly rights?: readonly Right[];
}

/**
 * The action a kind of location invitation needs, in the one table (lib/domain/access.ts):
 * - `team_member`: `team:members` (and `team:own` to give `sensitive_data`: checkRights);
 * - `location_installer`: `team:own` (the owner brings in installers and consents for them);
 * - `team_owner`: `team:own`, except while the location waits for its first owner: then handing it
 *   over is the last step of installing it, `location:configure` on the creating installer's grant
 *   (`untilOwnerAccepts`). A decision: once an owner accepted, only an owner makes more owners, so
 *   an installer's 14 days of full access (or a team admin allowed to configure charge points)
 *   never reach ownership.
 */
export function locationInvitationAction(kind: LocationInvitationInput['kind'], access: Pick<LocationAccess, 'grant'>): Action {
  switch (kind) {
    case 'team_member':
      return 'team:members';
    case 'location_installer':
      return 'team:own';
    case 'team_owner':
      return access.grant?.untilOwnerAccepts ? 'location:configure' : 'team:own';
  }
}

/**
 * Invites someone to a location, as locationInvitationAction() allows; only an owner may give
 * `sensitive_data` (the consent), and `configure_charge_points` only to an admin (RIGHT_HOLDERS).
 */
export async function inviteToLocation(who: AccountPrincipal, locationId: string, input: LocationInvitationInput) {
  const access = await locationAccess(who, locationId);
  const { site } = access;
  requireOn(access, locationInvitationAction(input.kind, access));
  if (input.kind === 'team_member') checkRights(access, input.role ?? 'member', input.rights ?? []);
  if (input.kind !== 'location_installer' && (input.sensitive_data !== undefined || input.full_access_until !== undefined)) {
    throw new ValidationFailed('sensitive_data and full_access_until are for location_installer invitations', [{ field: input.sensitive_data !== undefined ? 'sensitive_data' : 'full_access_until', message: 'only with kind location_installer' }]);
  }
  if (input.kind === 'team_owner' && !mayOn(access, 'team:own') && normaliseEmail(input.email) === normaliseEmail(who.email)) {
    // The handover invites the customer; acceptInvitation refuses an installer of the location anyway.
    throw new ValidationFailed('An installer cannot invite themselves as the owner', [{ field: 'email', message: "must be the owner's address, not yours" }]);
  }
  if (input.full_access_until && input.full_access_until <= nowIso()) {
    throw new ValidationFailed('full_access_until must be in the future', [{ field: 'full_access_until', message: 'must be in the future' }]);
  }
  const { invitation, url } = await createInvitation({
    kind: input.kind,
    email: input.email,
    operatorId: site.operatorId,
    teamId: site.teamId,
    siteId: site.siteId,
    invitedBy: who.accountId,
    ...(input.kind === 'team_owner' ? { role: 'owner' } : {}),
    ...(input.kind === 'team_member' ? { role: input.role ?? 'member', rights: input.rights ?? [] } : {}),
    ...(input.kind === 'location_installer'
      ? { sensitiveData: input.sensitive_data ?? false, ...(input.full_access_until !== undefined ? { fullAccessUntil: input.full_access_until === null ? null : new Date(input.full_access_until).toISOString() } : {}) }
      : {}),
  });
  return invitationView(invitation, url);
}

/**
 * Whoever may invite someone to the location (an owner, a team admin, its installer with full access)
 * sees its pending invitations, whoever sent them: they are the same door. Others who reach the
 * location get 403 naming `team:members`.
 */
export async function listLocationInvitations(who: AccountPrincipal, locationId: string) {
  const access = await locationAccess(who, locationId);
  requireOn(access, 'location:read');
  // Who manages the team sees every pending invitation; anyone else who reads the location sees the
  // ones it sent (the installer waiting for the owner to accept). A scope on the data, not a permission.
  const all = mayOn(access, 'team:members');
  const pending = await listPendingInvitationsOfLocation(access.site.siteId);
  return { invitations: pending.filter((inv) => all || inv.invitedBy === who.accountId).map((inv) => invitationView(inv)) };
}

/**
 * The operator hands an existing team (and so its locations) to its owner: an owner invitation, as an
 * installer hands over a location it made. A decision: only while the team has no owner. Once a
 * customer owns it, who else owns it (and so may consent to sensitive data) is the owners' call, not
 * the operator's; the operator's `teams:write` is about its own records of the team.
 */
export async function inviteTeamOwnerByOperator(operatorId: string, teamId: string, input: { email: string; invitedBy: string }) {
  const team = await getTeam(operatorId, teamId);
  if (!team) throw new NotFound(`Team ${teamId} not found`);
  if ((await listTeamMembers(teamId)).some((m) => m.role === 'owner')) {
    throw new Conflict('This team has an owner already; its owners invite further owners themselves', { field: 'team_id', reason: 'has_owner' });
  }
  const { invitation, url } = await createInvitation({ kind: 'team_owner', email: input.email, operatorId, teamId, role: 'owner', invitedBy: input.invitedBy });
  return invitationView(invitation, url);
}

/** The owner extends (or shortens) an installer's full access: until a date, or indefinitely (`null`). */
export async function setInstallerAccess(who: AccountPrincipal, locationId: string, accountId: string, body: { full_access_until: string | null; sensitive_data?: boolean }) {
  const access = await locationAccess(who, locationId);
  requireOn(access, 'team:own');
  const grant = await getLocationGrant(access.site.siteId, accountId);
  if (!grant) throw new NotFound(`No installer ${accountId} on location ${locationId}`);
  const until = body.full_access_until === null ? undefined : new Date(body.full_access_until).toISOString();
  const items = [grantSetUntilItem(grant.siteId, accountId, until)];
  if (body.sensitive_data !== undefined && body.sensitive_data !== grant.sensitiveData) {
    // The consent is the owner's to give or take back, in the same write.
    const update = items[0]!.Update!;
    items[0] = {
      Update: {
        ...update,
        UpdateExpression: update.UpdateExpression!.replace(/^(SET |REMOVE )/, (m) => (m === 'SET ' ? 'SET sensitiveData = :sd, ' : 'SET sensitiveData = :sd REMOVE ')),
        ExpressionAttributeValues: { ...(update.ExpressionAttributeValues ?? {}), ':sd': body.sensitive_data },
      },
    };
  }
  const outcome = await transactWrite(items);
  if (outcome.cancelled) throw new NotFound(`No installer ${accountId} on location ${locationId}`);
  const after = (await getLocationGrant(grant.siteId, accountId))!;
  return installerView(after);
}

export function installerView(g: LocationGrant, now: string = nowIso()) {
  return {
    account_id: g.accountId,
    email: g.email,
    role: grantRole(g, now),
    full_access_until: g.fullAccessUntil ?? null,
    sensitive_data: g.sensitiveData,
    created_at: g.createdAt,
    warned_at: g.warnedAt ?? null,
    lapsed_at: g.lapsedAt ?? null,
  };
}

// --- Team members ---------------------------------------------------------------------------------

/** The caller's membership of a team; a team it is not in is absent (404): a team sees only itself. */
export async function teamAccess(who: AccountPrincipal, teamId: string): Promise<{ member: TeamMember; holdings: Holding[] }> {
  const member = await getTeamMember(teamId, who.accountId);
  if (!member) throw new NotFound(`Team ${teamId} not found`);
  return { member, holdings: [{ role: TEAM_ROLES[member.role], rights: member.rights }] };
}

export function memberView(m: TeamMember) {
  return { account_id: m.accountId, email: m.email, role: m.role, rights: m.rights, created_at: m.createdAt };
}

/** Rights a member may be given: `configure_charge_points` only to an admin (RIGHT_HOLDERS), `sensitive_data` only by an owner (the consent). */
function checkRights(access: Pick<LocationAccess, 'holdings'>, role: 'admin' | 'member', rights: readonly Right[]): void {
  if (rights.includes('sensitive_data')) requireOn(access, 'team:own');
  if (rights.includes('configure_charge_points') && role !== 'admin') {
    throw new ValidationFailed('Only an admin can hold configure_charge_points', [{ field: 'rights', message: 'configure_charge_points needs role admin' }]);
  }
}

export async function listMembers(who: AccountPrincipal, teamId: string) {
  const access = await teamAccess(who, teamId);
  requireOn(access, 'location:read');
  return { members: (await listTeamMembers(teamId)).map(memberView) };
}

export async function inviteMember(who: AccountPrincipal, teamId: string, body: { email: string; role: 'admin' | 'member'; rights?: readonly Right[] }) {
  const access = await teamAccess(who, teamId);
  requireOn(access, 'team:members');
  checkRights(access, body.role, body.rights ?? []);
  const { invitation, url } = await createInvitation({ kind: 'team_member', email: body.email, operatorId: access.member.operatorId, teamId, role: body.role, rights: body.rights ?? [], invitedBy: who.accountId });
  return invitationView(invitation, url);
}

/** Changes a member's role and rights; an owner is changed only by an owner (`team:own`). */
export async function updateMember(who: AccountPrincipal, teamId: string, accountId: string, body: { role: 'admin' | 'member'; rights: readonly Right[] }) {
  const access = await teamAccess(who, teamId);
  requireOn(access, 'team:members');
  const target = await getTeamMember(teamId, accountId);
  if (!target) throw new NotFound(`No member ${accountId} in team ${teamId}`);
  if (target.role === 'owner') requireOn(access, 'team:own');
  if (target.role === 'owner' && (await listTeamMembers(teamId)).filter((m) => m.role === 'owner').length === 1) {
    throw new Conflict('A team keeps at least one owner: make someone else owner first');
  }
  checkRights(access, body.role, body.rights);
  if (!(await updateTeamMember(teamId, accountId, body))) throw new NotFound(`No member ${accountId} in team ${teamId}`);
  return memberView({ ...target, ...body });
}

/** Removes a member (an owner only by an owner, and never the last owner). */
export async function removeMember(who: AccountPrincipal, teamId: string, accountId: string): Promise<void> {
  const access = await teamAccess(who, teamId);
  // Anyone may leave a team themselves (a probe found members could not); removing others needs
  // `team:members`. The last owner stays either way.
  if (accountId !== who.accountId) requireOn(access, 'team:members');
  const target = await getTeamMember(teamId, accountId);
  if (!target) throw new NotFound(`No member ${accountId} in team ${teamId}`);
  if (target.role === 'owner') {
    if (accountId !== who.accountId) requireOn(access, 'team:own');
    if ((await listTeamMembers(teamId)).filter((m) => m.role === 'owner').length === 1) throw new Conflict('A team keeps at least one owner: make someone else owner first');
  }
  await deleteTeamMember(teamId, accountId);
}
