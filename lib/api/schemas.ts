// Request schemas of the REST API, one place: handlers validate with them and GET /api/openapi.json
// is generated from them, so the document cannot drift from what the API accepts.
import { z } from 'zod';
import { STAFF_ROLES } from '../db/operators';
import { PAYMENT_METHODS } from '../domain/pricing';

export const id = z.string().min(1).max(64);
const text = (max: number) => z.string().trim().min(1).max(max);

export const SignupBody = z.object({ email: z.email().max(254), password: z.string().max(128), name: text(120) });
export const VerifyEmailBody = z.object({ token: z.string().min(16).max(128), password: z.string().min(1).max(128) });
export const LoginBody = z.object({ email: z.email().max(254), password: z.string().min(1).max(128) });
/** Resend verification, request a password reset. */
export const EmailOnlyBody = z.object({ email: z.email().max(254) });
/** Start an email change: the new address and the account's password. */
export const ChangeEmailBody = z.object({ email: z.email().max(254), password: z.string().min(1).max(128) });
export const TokenBody = z.object({ token: z.string().min(16).max(128) });
export const ResetPasswordBody = z.object({ token: z.string().min(16).max(128), password: z.string().max(128) });

export const OCPP_PROTOCOLS = ['ocpp1.6', 'ocpp2.0.1'] as const;

export const RegisterChargePointBody = z.object({
  serial_number: text(48),
  ocpp_protocol: z.enum(OCPP_PROTOCOLS),
  connector_count: z.number().int().min(1).max(16).optional(),
  vendor: text(50).optional(),
  model: text(50).optional(),
  /** Issue a new provisioning password for a serial already on this project and restart its commissioning. */
  reprovision: z.boolean().optional(),
});

export const CHECKLIST_ITEMS = ['meter_calibration', 'emergency_stop_tested', 'cable_management_inspected', 'enclosure_ip_rating_inspected', 'site_owner_briefed'] as const;
export type ChecklistItem = (typeof CHECKLIST_ITEMS)[number];
export const CHECKLIST_RESULTS = ['passed', 'failed', 'not_supported'] as const;
export const ChecklistBody = z.object({ result: z.enum(CHECKLIST_RESULTS), notes: z.string().max(1000).optional() });

/** A firmware version the charge point does not report (BootNotification, configuration), recorded by the installer. */
export const FirmwareVersionBody = z.object({ version: text(50), reason: text(500) });

export const CreateTeamBody = z.object({ name: text(120), owner_email: z.email().max(254) });
export const CreateSiteBody = z.object({
  team_id: id,
  name: text(120),
  address: text(300),
  country: z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code, e.g. GB'),
  grid_region: text(64).optional(),
});
export const CreateProjectBody = z.object({
  job_number: text(64),
  name: text(200),
  site_id: id,
  description: z.string().max(4000).default(''),
  instructions: z.string().max(8000).default(''),
});
export const PlanChargePointBody = z.object({
  serial_number: text(48).optional(),
  connector_count: z.number().int().min(1).max(16).default(1),
  ocpp_protocol: z.enum(OCPP_PROTOCOLS).optional(),
  vendor: text(50).optional(),
  model: text(50).optional(),
});
export const AssignInstallerBody = z.object({ email: z.email().max(254) });
export const CommandBody = z.object({
  action: z.string().min(1).max(64),
  payload: z.record(z.string(), z.unknown()).default({}),
  timeout_seconds: z.number().int().min(1).max(25).optional(),
});

/** The remote actions of a charge point (domain/remote-actions.ts), as the operator API names them. */
export const REMOTE_ACTIONS = ['start', 'stop', 'force_stop', 'unlock', 'reboot', 'check'] as const;
/**
 * The ones the public job page offers (issue #14): an installer with a link tests the charger; a
 * force stop (drops a payment) and the operator's check are not theirs.
 */
export const JOB_PAGE_ACTIONS = ['start', 'stop', 'unlock', 'reboot'] as const;
/**
 * One body for every action; which fields apply to which action is checked by the domain (400
 * naming the field), so the document stays one flat object. `connector` is the 1.6 connectorId /
 * 2.0.1 evseId (the guide's chargers have one connector per EVSE).
 */
export const RemoteActionBody = z.object({
  action: z.enum(REMOTE_ACTIONS),
  /** reboot: Hard (1.6) / Immediate (2.0.1) instead of Soft / OnIdle. */
  hard: z.boolean().optional(),
  /** start, stop, force_stop, unlock: default the only one; required when there are several. */
  connector: z.number().int().min(1).max(64).optional(),
  /** start: the driver who charges (their id token is sent). */
  user_id: id.optional(),
  /** start: the id token to send, when the driver is not looked up (1.6 idTag is CiString20; 2.0.1 idToken ≤ 36). */
  id_token: z.string().trim().min(1).max(36).optional(),
  payment_method: z.enum(PAYMENT_METHODS).optional(),
  price_group_id: id.optional(),
  /** force_stop: why the payment is dropped; kept with the session and the log. */
  reason: text(500).optional(),
});
export const JobActionBody = z.object({ action: z.enum(JOB_PAGE_ACTIONS) });

export const ProjectParams = z.object({ project_id: id });
export const ChargePointParams = z.object({ charge_point_id: id });

/** A public job link's lifetime (domain/public-links.ts): default 30 days, at most 180. */
export const CreatePublicLinkBody = z.object({ expires_in_days: z.number().int().min(1).max(180).optional() }).default({});
export const PublicLinkParams = z.object({ project_id: id, link_id: id });
/** The token in a job link's path: anything unknown is a 404 (domain/public-links.ts), so only the length is checked here. */
export const JobParams = z.object({ token: z.string().min(1).max(128) });
export const JobChargePointParams = z.object({ token: z.string().min(1).max(128), charge_point_id: id });
/**
 * Where on the charger (or the bay) the connector is, as the installer picks it from a select on the
 * job page. A fixed list rather than free text, so the operator's systems can rely on the values.
 */
export const CONNECTOR_POSITIONS = ['left', 'right', 'front', 'rear', 'middle'] as const;
export const PatchJobChargePointBody = z.object({
  /** Checked as an OCPP identity by the domain (400 naming `serial`). */
  serial: z.string().max(100).optional(),
  connector_position: z.enum(CONNECTOR_POSITIONS).nullable().optional(),
  /** Needed only when the charge point was planned without a protocol and gets its serial now. */
  protocol: z.enum(OCPP_PROTOCOLS).optional(),
});
export const NoteBody = z.object({ text: text(2000) });
export const CompleteJobBody = z.object({ activate_all: z.boolean() });

// Drivers, id tokens, price groups (issue #15; docs/sessions.md). Money is integer minor units.
const ID_TOKEN_TYPE_NAMES = ['ISO14443', 'ISO15693', 'eMAID', 'Central', 'KeyCode', 'Local', 'MacAddress'] as const;
/** The operator's own user id, or none (we make one): letters, digits and `._:@-`, so it fits a path. */
const userId = z.string().regex(/^[A-Za-z0-9._:@-]{1,64}$/, 'must be 1–64 letters, digits or . _ : @ -');
/**
 * An id token as a charger sends it: 2.0.1 IdTokenType.idToken is at most 36 characters (1.6 idTag
 * CiString20 is shorter still, so a value over 20 only works on 2.0.1 chargers); printable ASCII
 * without spaces, so it fits a path segment and every reader's idea of a UID.
 */
export const idTokenValue = z.string().regex(/^[\x21-\x7e]{1,36}$/, 'must be 1–36 printable ASCII characters without spaces');
const minor = (max: number) => z.number().int().min(0).max(max);
const currency = z
  .string()
  .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code, e.g. EUR')
  .refine((c) => (Intl.supportedValuesOf('currency') as string[]).includes(c), 'is not an ISO 4217 currency');

export const DriverParams = z.object({ user_id: userId });
export const IdTokenParams = z.object({ user_id: userId, id_token: idTokenValue });
export const PriceGroupParams = z.object({ price_group_id: id });
export const TeamParams = z.object({ team_id: id });
export const ListDriversQuery = z.object({ limit: z.coerce.number().int().min(1).max(100).optional(), cursor: z.string().max(2048).optional() });

export const CreateDriverBody = z.object({ user_id: userId.optional(), name: text(120), email: z.email().max(254).optional(), team_id: id.optional() });
export const PatchDriverBody = z
  .object({ name: text(120).optional(), email: z.email().max(254).nullable().optional(), team_id: id.nullable().optional() })
  .refine((b) => Object.keys(b).length > 0, 'give at least one field to change');
export const CreateIdTokenBody = z.object({
  id_token: idTokenValue,
  type: z.enum(ID_TOKEN_TYPE_NAMES).optional(),
  status: z.enum(['active', 'blocked']).optional(),
  expires_at: z.iso.datetime({ offset: true }).optional(),
});
export const PatchIdTokenBody = z
  .object({ status: z.enum(['active', 'blocked']).optional(), expires_at: z.iso.datetime({ offset: true }).nullable().optional() })
  .refine((b) => Object.keys(b).length > 0, 'give at least one field to change');
export const CreatePriceGroupBody = z.object({
  name: text(120),
  currency,
  price_per_kwh_minor: minor(1_000_000),
  start_fee_minor: minor(10_000_000).optional(),
  per_minute_minor: minor(1_000_000).optional(),
  vat_rate_basis_points: minor(10_000),
});
export const PatchPriceGroupBody = z
  .object({
    name: text(120).optional(),
    currency: currency.optional(),
    price_per_kwh_minor: minor(1_000_000).optional(),
    start_fee_minor: minor(10_000_000).nullable().optional(),
    per_minute_minor: minor(1_000_000).nullable().optional(),
    vat_rate_basis_points: minor(10_000).optional(),
  })
  .refine((b) => Object.keys(b).length > 0, 'give at least one field to change');
/** null clears the default. */
export const DefaultPriceGroupBody = z.object({ price_group_id: id.nullable() });
export const FreeVendBody = z.object({ free_vend: z.boolean() });

// Operator API keys and staff (issue #16). Scopes are strings here: lib/domain/operator-api-keys.ts
// validateScopes() names `scopes` in the 400 for an unknown or forbidden one (the admin command uses it too).
export const CreateApiKeyBody = z.object({
  name: text(120),
  scopes: z.array(z.string().max(64)).min(1).max(40),
  expires_at: z.iso.datetime({ offset: true }).optional(),
});
export const ApiKeyParams = z.object({ key_id: id });
/** Seconds the old key keeps working after a rotation: default 24 h, at most 7 days. */
export const RotateApiKeyBody = z.object({ overlap_seconds: z.number().int().min(0).max(7 * 24 * 3600).optional() }).default({});
export const InviteStaffBody = z.object({ email: z.email().max(254), role: z.enum(STAFF_ROLES) });
export const StaffParams = z.object({ account_id: id });
export const PatchStaffBody = z.object({ role: z.enum(STAFF_ROLES) });
