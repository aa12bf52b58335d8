// Who may do what (issue #16): ONE table of role × action. Every REST route names its action in
// lib/api/contract.ts; httpHandler() checks the caller's role against this table before the use case
// runs, and use cases that reach a resource through a membership (a team, a location) check the
// caller's role there with the same `can()`. No route decides access ad hoc.
//
// Reach and permission are two answers: a resource outside the caller's reach (another operator's
// project, a team the caller is not in) is 404, as if it did not exist, so tenants learn nothing of
// each other; a resource the caller can see but may not change is 403 (`deny()`).
//
// The README's "Who may do what" table is rendered from ROLE_ACTIONS (scripts/render-access-table.ts)
// and test/unit/access.test.ts fails when it drifts.
import { Forbidden } from './errors';

/**
 * Actions, `area:verb`. Operator areas are also the scopes an API key can be limited to; `read` is
 * every GET of the area, `write` every change.
 */
export const ACTIONS = [
  // Operator API (/api/v1/operator/…)
  'teams:read', // teams, sites
  'teams:write',
  'projects:read', // projects, planned charge points, installer assignments, public links, handover certificates
  'projects:write',
  'charge_points:read', // a charge point, its log, device model, notes
  'charge_points:write', // release a serial, activate, notes
  'charge_points:operate', // remote actions and raw OCPP commands
  'sessions:read', // charging sessions (personal and energy data)
  'drivers:read', // drivers and their id tokens (personal data)
  'drivers:write',
  'pricing:read', // price groups, defaults, free vend
  'pricing:write',
  'webhooks:read',
  'webhooks:write',
  'staff:read', // operator staff accounts
  'staff:write', // invite, change role, remove
  'api_keys:read',
  'api_keys:write', // create, rotate, revoke
  'devices:read', // the chargers the operator ships (serial, vendor, model; never the PIN), backoffice connection requests
  'devices:write', // load chargers by serial + PIN (one or a CSV), accept or decline backoffice connections
  'powerbank:read', // grid flexibility (issue #19): enrolments, eligibility previews, region checks, activations
  'powerbank:write', // sign up, opt out, compatibility overrides, activations
  // Installer API (/api/v1/installer/…): an account working on projects assigned to its email.
  'installer:work',
  // Any signed-in account, on itself (/api/v1/account/…) and on invitations addressed to it.
  'account:self',
  // Locations and teams, reached through a membership or an installer grant (/api/v1/locations/…, /api/v1/teams/…).
  'locations:create', // an installer creates a location for a private customer
  'location:status', // the chargers' connection status (all an installer keeps after the lapse)
  'location:read', // the location, its chargers and settings
  'location:configure', // add chargers (also by serial + PIN), reconfigure them, commission, connect to a backoffice (`configure_charge_points`)
  'location:cards', // the location's charge cards: learn by tapping, name, block, remove; the chargers' local lists
  'location:powerbank', // sign the location's charge points up for grid flexibility, or opt them out (`configure_charge_points`)
  'location:sensitive', // sessions, energy and drivers' personal data, with the owner's consent
  'team:members', // invite and remove members, set their rights (not the owner)
  'team:own', // owner-only: invite installers, extend their access, grant consent to sensitive data
  // No credential: the public job page and sign-up/login (the token in the path, if any, is the credential).
  'public',
] as const;
export type Action = (typeof ACTIONS)[number];

/** The operator areas, i.e. what an API key's `scopes` may name besides `full` and `read_only`. */
export const OPERATOR_ACTIONS = ACTIONS.filter((a) => /^(teams|projects|charge_points|sessions|drivers|pricing|webhooks|staff|api_keys|devices|powerbank):/.test(a));
const OPERATOR_READ = OPERATOR_ACTIONS.filter((a) => a.endsWith(':read'));
const MANAGED_BY_ADMIN_ONLY: readonly Action[] = ['staff:write', 'api_keys:read', 'api_keys:write'];
const OPERATOR_WITHOUT_ADMIN = OPERATOR_ACTIONS.filter((a) => !MANAGED_BY_ADMIN_ONLY.includes(a));

export const ROLES = [
  'operator_admin',
  'operator_manager',
  'api_key_full',
  'api_key_read_only',
  'installer',
  'team_owner',
  'team_admin',
  'team_member',
  'location_installer',
  'location_installer_lapsed',
  'anyone',
] as const;
export type Role = (typeof ROLES)[number];

/** Rights a team member holds on top of a role (the owner holds all of them). */
export const RIGHTS = ['configure_charge_points', 'sensitive_data'] as const;
export type Right = (typeof RIGHTS)[number];
export const RIGHT_ACTIONS: Readonly<Record<Right, readonly Action[]>> = {
  configure_charge_points: ['location:configure', 'location:powerbank'],
  // Only with the owner's consent: granted by `team:own`.
  sensitive_data: ['location:sensitive'],
};

/**
 * Who can be given a right: `configure_charge_points` is a team admin's (issue #16: "admins may hold
 * the right"); access to sensitive data may be given to anyone who reaches the location, but only by
 * the owner (`team:own`), which is the consent.
 */
export const RIGHT_HOLDERS: Readonly<Record<Right, readonly Role[]>> = {
  configure_charge_points: ['team_admin'],
  sensitive_data: ['team_admin', 'team_member', 'location_installer'],
};

const EVERY_ACCOUNT: readonly Action[] = ['account:self', 'public'];

/**
 * The table. Why each row holds what it holds:
 * - `operator_admin` runs the operator: everything, including its staff and API keys.
 * - `operator_manager` runs the business day to day: everything but staff changes and API keys, so a
 *   manager cannot make themselves or anyone else an admin, or mint a credential that outlives them.
 * - `api_key_full`: what a manager may do. A key cannot manage staff or keys, so a leaked key cannot
 *   keep itself alive by minting another or lock the admins out.
 * - `api_key_read_only`: every operator read. A key limited to named scopes holds exactly those
 *   (each one of OPERATOR_ACTIONS minus staff/api key management).
 * - `installer`: the installer API on projects assigned to the account's email (the use cases
 *   check the assignment: 404 otherwise), and creating locations for an operator it installs for.
 * - `team_owner`: everything on the team and its locations.
 * - `team_admin`: read, manage members and the location's charge cards (issue #17: "the installer (or
 *   a team admin)" learns cards); configures charge points only with `configure_charge_points`.
 * - `team_member`: reads the locations and their chargers.
 * - `location_installer`: full access to one location for 14 days after the owner accepted (or
 *   until the owner's extension); sensitive data only when the owner's invitation said so.
 * - `location_installer_lapsed`: the chargers' connection status and nothing else.
 */
export const ROLE_ACTIONS: Readonly<Record<Role, readonly Action[]>> = {
  operator_admin: [...OPERATOR_ACTIONS, ...EVERY_ACCOUNT],
  operator_manager: [...OPERATOR_WITHOUT_ADMIN, ...EVERY_ACCOUNT],
  api_key_full: OPERATOR_WITHOUT_ADMIN,
  api_key_read_only: OPERATOR_READ.filter((a) => !MANAGED_BY_ADMIN_ONLY.includes(a)),
  installer: ['installer:work', 'locations:create', ...EVERY_ACCOUNT],
  team_owner: ['location:status', 'location:read', 'location:configure', 'location:cards', 'location:powerbank', 'location:sensitive', 'team:members', 'team:own', ...EVERY_ACCOUNT],
  team_admin: ['location:status', 'location:read', 'location:cards', 'team:members', ...EVERY_ACCOUNT],
  team_member: ['location:status', 'location:read', ...EVERY_ACCOUNT],
  location_installer: ['location:status', 'location:read', 'location:configure', 'location:cards', ...EVERY_ACCOUNT],
  location_installer_lapsed: ['location:status', ...EVERY_ACCOUNT],
  anyone: ['public'],
};

/** Whether a role, with the given rights, may perform an action. */
export function can(role: Role, action: Action, rights: readonly Right[] = []): boolean {
  return ROLE_ACTIONS[role].includes(action) || rights.some((r) => RIGHT_HOLDERS[r].includes(role) && RIGHT_ACTIONS[r].includes(action));
}

/** The actions an API key with these scopes holds: `full`, `read_only`, or a list of operator actions. */
export function apiKeyActions(scopes: readonly string[]): readonly Action[] {
  if (scopes.includes('full')) return ROLE_ACTIONS.api_key_full;
  const named = scopes.filter((s): s is Action => (ROLE_ACTIONS.api_key_full as readonly string[]).includes(s));
  return scopes.includes('read_only') ? [...new Set([...ROLE_ACTIONS.api_key_read_only, ...named])] : named;
}

/** The 403 for a caller that reaches the resource but whose role does not allow the action. */
export function deny(action: Action, who: string): never {
  throw new Forbidden(`${who} may not ${ACTION_WORDS[action]}`, { action });
}

/** Throws the 403 unless the role (with rights) may perform the action. */
export function requireAction(role: Role, action: Action, rights: readonly Right[] = [], who = ROLE_WORDS[role]): void {
  if (!can(role, action, rights)) deny(action, who);
}

export const ROLE_WORDS: Readonly<Record<Role, string>> = {
  operator_admin: 'An operator admin',
  operator_manager: 'An operator manager',
  api_key_full: 'An API key with full scope',
  api_key_read_only: 'A read-only API key',
  installer: 'An installer',
  team_owner: 'The team owner',
  team_admin: 'A team admin',
  team_member: 'A team member',
  location_installer: 'The location’s installer',
  location_installer_lapsed: 'An installer whose full access has lapsed',
  anyone: 'Anyone',
};

export const ACTION_WORDS: Readonly<Record<Action, string>> = {
  'teams:read': 'read teams and sites',
  'teams:write': 'create or change teams and sites',
  'projects:read': 'read projects',
  'projects:write': 'create or change projects, their charge points, installers and links',
  'charge_points:read': 'read charge points, their logs and device models',
  'charge_points:write': 'change charge points',
  'charge_points:operate': 'send remote actions or OCPP commands to charge points',
  'sessions:read': 'read charging sessions',
  'drivers:read': 'read drivers and their id tokens',
  'drivers:write': 'create or change drivers and their id tokens',
  'pricing:read': 'read price groups',
  'pricing:write': 'change price groups, defaults and free vend',
  'webhooks:read': 'read webhook subscriptions and deliveries',
  'webhooks:write': 'change webhook subscriptions',
  'staff:read': 'read the operator’s staff',
  'staff:write': 'invite, change or remove operator staff',
  'api_keys:read': 'list API keys',
  'api_keys:write': 'create, rotate or revoke API keys',
  'devices:read': 'read the chargers the operator ships and its backoffice connection requests',
  'devices:write': 'load chargers by serial and PIN, or answer backoffice connection requests',
  'powerbank:read': 'read grid flexibility enrolments and activations',
  'powerbank:write': 'sign charge points up for grid flexibility, opt them out, or send activations',
  'installer:work': 'use the installer API',
  'account:self': 'manage an account',
  'locations:create': 'create locations',
  'location:status': 'see the chargers’ connection status',
  'location:read': 'read this location and its chargers',
  'location:configure': 'add or configure charge points at this location',
  'location:cards': 'learn, name, block or remove this location’s charge cards',
  'location:powerbank': 'sign this location’s charge points up for grid flexibility or opt them out',
  'location:sensitive': 'read sessions, energy or drivers’ personal data of this location',
  'team:members': 'manage the team’s members',
  'team:own': 'do what only the owner may do (invite installers, extend their access, consent to sensitive data)',
  public: 'use the public API',
};
