// Response bodies of the REST API (lib/api/contract.ts), for the OpenAPI document. Objects are
// loose: they list every field a client may rely on (all present, null when unknown), and a field
// added later does not break them. test/integration/api-contract.test.ts validates real answers.
import { z } from 'zod';
import { ATTEMPT_CAUSES } from '../db/connection-attempts';
import { RIGHTS } from '../domain/access';
import { INVITATION_KINDS } from '../db/invitations';
import { STAFF_ROLES } from '../db/operators';
import { CHECKLIST_ITEMS, CHECKLIST_RESULTS, OCPP_PROTOCOLS, REMOTE_ACTIONS } from './schemas';

const obj = <T extends z.core.$ZodLooseShape>(shape: T) => z.looseObject(shape);
const str = z.string();
const nstr = z.string().nullable();
const time = z.iso.datetime();
const ntime = time.nullable();
const int = z.number().int();

export const list = <T extends z.ZodType>(key: string, item: T) => obj({ [key]: z.array(item) });
export const page = <T extends z.ZodType>(key: string, item: T) => obj({ [key]: z.array(item), next_cursor: nstr });

export const OpenApiDocument = obj({ openapi: str, info: obj({ title: str, version: str }), paths: obj({}) });

export const AcceptedMailRequest = obj({ status: z.literal('accepted'), detail: str });
export const PasswordReset = obj({ status: z.literal('active') });
/**
 * GET /api/v1/account (issue #16). An object other parts extend with the account's memberships
 * (operator staff roles, teams, location grants, pending invitations): add keys, never change these.
 */
export const Account = obj({ account_id: str, email: str, name: str, verified: z.boolean(), created_at: time, pending_email: nstr });
/** GET /api/v1/account: the account and everything it belongs to (issue #16). */
export const AccountWithMemberships = Account.extend({
  operator_roles: z.array(obj({ operator_id: str, name: nstr, role: z.enum(STAFF_ROLES) })),
  teams: z.array(obj({ team_id: str, name: nstr, role: z.enum(['owner', 'admin', 'member']), rights: z.array(z.enum(RIGHTS)) })),
  location_grants: z.array(obj({ location_id: str, name: nstr, full_access_until: ntime, lapsed: z.boolean(), sensitive_data: z.boolean() })),
  pending_invitations: z.array(
    obj({
      invitation_id: str,
      kind: z.enum(INVITATION_KINDS),
      expires_at: time,
      what: obj({
        operator: obj({ operator_id: str, name: nstr }),
        team: obj({ team_id: str, name: nstr }).nullable(),
        location: obj({ location_id: str, name: nstr }).nullable(),
        role: nstr,
      }),
    }),
  ),
});
export const Verified = obj({ installer_id: str, status: z.literal('active') });
export const AccessToken = obj({ access_token: str, token_type: z.literal('Bearer'), expires_in: int });

export const ChecklistEntry = obj({ item: z.enum(CHECKLIST_ITEMS), result: z.enum(CHECKLIST_RESULTS).nullable(), notes: nstr, recorded_by: nstr, recorded_at: ntime });

export const ChargePointSummary = obj({
  charge_point_id: str,
  project_id: str,
  serial_number: nstr,
  charge_point_identity: nstr,
  ocpp_protocol: z.enum(OCPP_PROTOCOLS).nullable(),
  connector_count: int,
  vendor: nstr,
  model: nstr,
  firmware_version: nstr,
  firmware_version_source: nstr,
  status: str,
  validation_message: nstr,
  active: z.boolean(),
  integration_state: str,
  charge_point_state: str,
  connectors: z.array(obj({})),
  connected_at: ntime,
  last_disconnected_at: ntime,
  last_boot: obj({ at: time, status: str }).nullable(),
  commissioning_status: str,
  password_rotation: obj({ status: str }).nullable(),
  /** Moved to an external backoffice (issue #17 §3): where it went and when. */
  departed: obj({ url: str, at: time }).nullable(),
  session: obj({ transaction_id: str, connector_id: int.nullable(), evse_id: int.nullable(), started_at: nstr }).nullable(),
});
export const PlannedChargePoint = ChargePointSummary;
export const OperatorChargePoint = ChargePointSummary;

export const InstallerProjectSummary = obj({ project_id: str, job_number: str, name: str, status: str, site_id: str, created_at: time });
export const InstallerProject = obj({
  project_id: str,
  job_number: str,
  name: str,
  description: str,
  instructions: str,
  status: str,
  handed_over_at: ntime,
  site: obj({ site_id: str, name: str, address: str, country: str, grid_region: nstr }),
  charge_points: z.array(ChargePointSummary),
  checklist: z.array(ChecklistEntry),
});

export const RegisteredChargePoint = obj({
  charge_point_id: str,
  charge_point_identity: str,
  serial_number: str,
  ocpp_protocol: z.enum(OCPP_PROTOCOLS),
  ocpp_endpoint: str,
  ocpp_url: str,
  provisioning_password: str,
  basic_auth_username: str,
  commissioning_status: str,
  commissioning_reset: z.boolean(),
});

const Check = obj({ name: str, status: str, detail: str, at: ntime });
export const LastFailedAttempt = obj({ cause: z.enum(ATTEMPT_CAUSES), message: str, at: time });
export const Commissioning = obj({
  charge_point_id: str,
  charge_point_identity: nstr,
  status: str,
  started_at: ntime,
  completed_at: ntime,
  checks: z.array(Check),
  password_rotation: obj({}).nullable(),
  /** Why the charger will not connect: the last refused attempt since its last connection (issue #14). */
  last_failed_attempt: LastFailedAttempt.nullable(),
});

export const Handover = obj({
  project_id: str,
  status: z.literal('handed_over'),
  handed_over_at: time,
  handed_over_by: str,
  handover_certificate_url: z.url(),
  certificate_sha256: z.string().regex(/^[0-9a-f]{64}$/),
});

export const Team = obj({ team_id: str, name: str, owner_email: z.email(), created_at: time });
export const Site = obj({ site_id: str, team_id: str, name: str, address: str, country: str, grid_region: nstr, created_at: time });
export const OperatorProjectSummary = obj({ project_id: str, job_number: str, name: str, status: str, site_id: str, team_id: str, created_at: time });
export const OperatorProject = obj({
  project_id: str,
  job_number: str,
  name: str,
  description: str,
  instructions: str,
  status: str,
  site_id: str,
  team_id: str,
  handed_over_at: ntime,
  installers: z.array(obj({})),
  charge_points: z.array(ChargePointSummary),
  checklist: z.array(ChecklistEntry),
});
export const Assignment = obj({ project_id: str, email: z.email() });

const LogColour = z.enum(['blue', 'green', 'yellow', 'white']);
const LogDirection = z.enum(['received', 'sent']).nullable();
/** The stored entry (frames redacted; camelCase as stored) plus the guide's words: colour, category_label, direction, description. */
export const LogEntry = obj({ at: time, identity: str, kind: str, category: str, colour: LogColour, category_label: str, direction: LogDirection, description: str });
/** What the job page shows the installer: no frames, no detail. */
export const InstallerLogEntry = obj({ at: time, category: str, category_label: str, colour: LogColour, direction: LogDirection, action: nstr, description: str });
/** 2.0.1 NotifyReport parts joined per request (B07/B08); report_data as the station sent it (ReportDataType). */
export const DeviceModel = obj({
  charge_point_id: str,
  reports: z.array(obj({ request_id: int, generated_at: time, received_at: time, complete: z.boolean(), report_data: z.array(obj({})) })),
});
export const CommandOutcome = obj({
  command_id: str,
  action: str,
  outcome: z.enum(['accepted', 'partially_accepted', 'rejected', 'error', 'timed_out', 'not_connected']),
  request: obj({}),
  response: obj({}).nullable(),
  error: z.unknown(),
  sent_at: time,
  completed_at: ntime,
});

const ACTION_OUTCOMES = ['accepted', 'rejected', 'timed_out', 'not_connected', 'error'] as const;
/** One OCPP call (or our own step) an action made, in order: what a force stop's fallbacks did. */
const ActionStep = obj({ step: str, outcome: str, detail: str, command_id: nstr });
/** The check's one result (domain/remote-actions.ts CheckResult). */
const CheckResult = obj({
  connectivity: obj({ connected: z.boolean(), connected_at: ntime, last_disconnected_at: ntime, heartbeat: z.enum(['answered', 'not_answered', 'not_asked']), heartbeat_at: ntime }),
  firmware: obj({ version: nstr, source: nstr }),
  connectors: z.array(obj({ connector: int, evse_id: int.nullable(), connector_id: int, status: str, error_code: nstr, at: time, fresh: z.boolean() })),
  last_error: obj({ code: str, source: z.enum(['StatusNotification', 'NotifyEvent']), connector: int.nullable(), at: time }).nullable(),
});
/** A charging session (domain/sessions.ts sessionView); money in integer minor units. */
export const Session = obj({
  session_id: str,
  charge_point_id: str,
  charge_point_identity: str,
  team_id: nstr,
  ocpp_version: z.enum(OCPP_PROTOCOLS).nullable(),
  transaction_id: str,
  connector_id: int.nullable(),
  evse_id: int.nullable(),
  id_token: nstr,
  user_id: nstr,
  token_status: z.enum(['Accepted', 'Blocked', 'Expired', 'Invalid', 'Unknown']).nullable(),
  token_flagged: z.boolean(),
  start_source: z.enum(['remote', 'card', 'free_vend']).nullable(),
  payment_method: z.enum(['free', 'team', 'user']).nullable(),
  price_group_id: nstr,
  billing_operator_id: nstr,
  started_by: nstr,
  status: z.enum(['active', 'ended', 'force_stopped']),
  started_at: ntime,
  stopped_at: ntime,
  stop_reason: nstr,
  ended_by: z.enum(['charger', 'force_stop', 'timeout']).nullable(),
  force_stop: obj({ by: str, reason: str }).nullable(),
  meter_start_wh: z.number().nullable(),
  meter_stop_wh: z.number().nullable(),
  energy_wh: int.nullable(),
  energy_estimated: z.boolean(),
  meter_resets: int,
  cost: obj({ currency: nstr, energy_minor: int, time_minor: int, start_fee_minor: int, net_minor: int, vat_minor: int, total_minor: int }).nullable(),
});
export const SessionDetail = Session.extend({ meter_curve: z.array(obj({ at: str, meter_wh: z.number(), energy_wh: int })) });

/** The outcome of a remote action (domain/remote-actions.ts ActionResultView). */
export const ActionResult = obj({
  action: z.enum(REMOTE_ACTIONS),
  outcome: z.enum(ACTION_OUTCOMES),
  detail: str,
  at: time,
  connector: int.optional(),
  session_id: str.optional(),
  /** force_stop: whether the charger ended the transaction within the bound (the session is closed on our side either way). */
  charger_stopped: z.boolean().optional(),
  steps: z.array(ActionStep).optional(),
  check: CheckResult.optional(),
});

export const Subscription = obj({
  id: str,
  url: str,
  event_types: z.array(str),
  description: nstr,
  paused: z.boolean(),
  status: str,
  status_reason: nstr,
  status_changed_at: ntime,
  secret_rotated_at: ntime,
  previous_secret_expires_at: ntime,
  created_at: time,
  updated_at: time,
});
export const SubscriptionWithSecret = Subscription.extend({ secret: z.string().startsWith('whsec_') });
export const Delivery = obj({
  id: str,
  subscription_id: str,
  event_id: str,
  event_type: str,
  event_time: time,
  status: str,
  attempt_count: int,
  next_attempt_at: ntime,
  created_at: time,
  updated_at: time,
  completed_at: ntime,
  attempts: z.array(obj({ at: time, trigger: str, status_code: int.nullable(), latency_ms: int, error: nstr })),
});

export const PublicLinkCreated = obj({ link_id: str, url: z.url(), expires_at: time, created_at: time });
export const PublicLink = obj({ link_id: str, created_at: time, expires_at: time, revoked_at: ntime, state: z.enum(['active', 'expired', 'revoked']), last_used_at: ntime });
export const Note = obj({
  note_id: str,
  text: str,
  at: time,
  author: obj({ kind: z.enum(['public_link', 'operator', 'installer', 'system']), link_id: str.optional(), email: str.optional(), description: str }),
});
export const JobChargePoint = obj({
  charge_point_id: str,
  serial: nstr,
  connector_position: nstr,
  status: str,
  validation_message: nstr,
  integration_state: str,
  charge_point_state: str,
  active: z.boolean(),
  connection: obj({ ocpp_url: nstr, protocol: z.enum(OCPP_PROTOCOLS).nullable(), password_state: z.enum(['provisioning', 'long_term', 'none']) }),
  actions: obj({ start: z.boolean(), stop: z.boolean(), unlock: z.boolean(), reboot: z.boolean() }),
  last_action: ActionResult.nullable(),
  last_failed_attempt: LastFailedAttempt.nullable(),
  notes: z.array(Note),
});
export const JobView = obj({
  link: obj({ link_id: str, expires_at: time }),
  job: obj({
    project_id: str,
    job_number: str,
    name: str,
    status: z.enum(['open', 'in_progress', 'completed']),
    description: str,
    instructions: str,
    site: obj({ name: str, address: str }),
    completed_at: ntime,
    read_only: z.boolean(),
  }),
  summary: obj({ total: int, connected: int, text: str }),
  connector_positions: z.array(str),
  charge_points: z.array(JobChargePoint),
});
export const NewPassword = obj({ password: str, issued_at: time, message: str });
export const RevealedPassword = obj({ password: str, issued_at: time });

// Drivers, id tokens, price groups (issue #15).
export const Driver = obj({ user_id: str, name: str, email: nstr, team_id: nstr, created_at: time, updated_at: time });
export const IdToken = obj({ id_token: str, user_id: str, type: str, status: z.enum(['active', 'blocked']), expires_at: ntime, created_at: time, updated_at: time });
export const PriceGroup = obj({
  price_group_id: str,
  name: str,
  currency: str,
  price_per_kwh_minor: int,
  start_fee_minor: int.nullable(),
  per_minute_minor: int.nullable(),
  vat_rate_basis_points: int,
  created_at: time,
  updated_at: time,
});
export const DefaultPriceGroup = obj({ team_id: nstr, charge_point_id: nstr, price_group_id: nstr });
/** `free_vend`: what authorisation applies now; `free_vend_setting`: what the operator set (null: free vend while inactive). */
export const FreeVend = obj({ charge_point_id: str, free_vend: z.boolean(), free_vend_setting: z.boolean().nullable(), active: z.boolean() });

// Operator API keys and staff (issue #16). A key's secret is only ever in `api_key`, once.
export const ApiKey = obj({
  key_id: str,
  name: nstr,
  scopes: z.array(str),
  state: z.enum(['active', 'expired', 'revoked']),
  created_at: time,
  last_used_at: ntime,
  expires_at: ntime,
  revoked_at: ntime,
  rotated_from: nstr,
  rotated_to: nstr,
});
export const ApiKeyCreated = obj({ ...ApiKey.shape, api_key: str });
export const ApiKeyRotated = obj({ ...ApiKeyCreated.shape, previous: ApiKey });
export const StaffMember = obj({ account_id: str, email: nstr, name: nstr, role: z.enum(STAFF_ROLES), created_at: time, updated_at: ntime });
export const StaffInvitation = obj({ invitation_id: str, email: str, role: z.enum(STAFF_ROLES), state: str, expires_at: time });
