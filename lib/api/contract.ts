// The REST contract, one entry per HTTP_ROUTES row: what each handler accepts (auth, path, query,
// body), the status it answers on success, the shape of that answer and the problem statuses it can
// give. Handlers pass their entry to httpHandler() (which enforces the success status), and
// GET /api/openapi.json is generated from the same entries, so the document is what the code does.
// test/integration/api-contract.test.ts calls every route and checks each answer against the document.
import { z } from 'zod';
import { LOG_CATEGORIES } from '../db/logs';
import type { HttpSpec } from '../http/handler';
import type { AuthKind } from '../http/handler';
import { createSubscriptionBody, deliveryParams, listDeliveriesQuery, subscriptionParams, updateSubscriptionBody } from '../webhooks/http';
import * as S from './schemas';
import * as R from './responses';
import * as P from './people';
import * as B from './backoffice';
import * as D from './devices';
import * as PW from './power';
import * as C from './cards';
import * as PB from './powerbank';

/** Problem statuses a route may answer besides 400/401/404, which follow from its inputs and auth. */
type ExtraProblem = 401 | 403 | 409 | 410 | 422 | 423 | 429 | 503;

export interface RouteContract<B extends z.ZodType, P extends z.ZodType, Q extends z.ZodType, A extends AuthKind> extends HttpSpec<B, P, Q, A> {
  /** The status of a successful answer. */
  readonly status: 200 | 201 | 202 | 204;
  /** The successful answer's body (absent for 204). */
  readonly response?: z.ZodType;
  readonly problems?: readonly ExtraProblem[];
  /** The route honours an `Idempotency-Key` header: a retry with the same key gets the same answer. */
  readonly idempotencyKey?: boolean;
  /** The answer carries an `ETag`; `If-None-Match` with it answers 304 without a body. */
  readonly conditional?: boolean;
  /** The success answer is not JSON but one of these media types (an export); the handler replies with `text`. */
  readonly media?: readonly string[];
}

/** Keeps each entry's own zod types, so a handler's `body`, `params` and `query` stay typed. */
function route<A extends AuthKind, B extends z.ZodType = z.ZodUndefined, P extends z.ZodType = z.ZodUndefined, Q extends z.ZodType = z.ZodUndefined>(
  c: RouteContract<B, P, Q, A>,
): RouteContract<B, P, Q, A> {
  return c;
}

const ChecklistParams = z.object({ project_id: S.id, item: z.enum(S.CHECKLIST_ITEMS) });
const InstallerParams = z.object({ project_id: S.id, email: z.email() });
/** Sessions newest first; `from` inclusive, `to` exclusive, on the start time. */
const SessionQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).optional(),
  cursor: z.string().max(2048).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
});
const isoTime = z.iso.datetime({ offset: true });
const LogQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).optional(),
  cursor: z.string().max(2048).optional(),
  category: z.enum(LOG_CATEGORIES).optional(),
  /** An OCPP action (`StatusNotification`) or a kind of entry (`connected`, `auth_failure`, `change`…). */
  action: z.string().min(1).max(64).optional(),
  direction: z.enum(['received', 'sent']).optional(),
  /** From this time (inclusive) to `to` (exclusive). */
  from: isoTime.optional(),
  to: isoTime.optional(),
  /** Free text, case-insensitive, over the action, the description and the frames. */
  q: z.string().min(1).max(200).optional(),
});
const LogExportQuery = z.object({
  format: z.enum(['csv', 'ndjson']).default('csv'),
  from: isoTime,
  to: isoTime,
});

export const API = {
  'GET /api/openapi.json': route({ action: 'public', auth: 'none', status: 200, response: R.OpenApiDocument }),

  // Signup, resend and reset requests answer 202 whatever the email: no account-existence oracle.
  'POST /api/v1/installer/signup': route({ action: 'public', auth: 'none', body: S.SignupBody, status: 202, response: R.AcceptedMailRequest, problems: [429] }),
  'POST /api/v1/installer/verify-email': route({ action: 'public', auth: 'none', body: S.VerifyEmailBody, status: 200, response: R.Verified, problems: [429] }),
  'POST /api/v1/installer/login': route({ action: 'public', auth: 'none', body: S.LoginBody, status: 200, response: R.AccessToken, problems: [401, 403, 429] }),
  'POST /api/v1/installer/resend-verification': route({ action: 'public', auth: 'none', body: S.EmailOnlyBody, status: 202, response: R.AcceptedMailRequest, problems: [429] }),
  'POST /api/v1/installer/password-reset/request': route({ action: 'public', auth: 'none', body: S.EmailOnlyBody, status: 202, response: R.AcceptedMailRequest, problems: [429] }),
  'POST /api/v1/installer/password-reset': route({ action: 'public', auth: 'none', body: S.ResetPasswordBody, status: 200, response: R.PasswordReset, problems: [429] }),
  // Any signed-in account on itself (issue #16): the same token as the installer API.
  'GET /api/v1/account': route({ action: 'account:self', auth: 'account', status: 200, response: R.AccountWithMemberships }),
  'PUT /api/v1/account/email': route({ action: 'account:self', auth: 'account', body: S.ChangeEmailBody, status: 202, response: R.AcceptedMailRequest, problems: [429] }),
  'POST /api/v1/account/email/verify': route({ action: 'account:self', auth: 'account', body: S.TokenBody, status: 200, response: R.Account, problems: [409] }),
  'GET /api/v1/installer/projects': route({ action: 'installer:work', auth: 'installer', status: 200, response: R.list('projects', R.InstallerProjectSummary) }),
  'GET /api/v1/installer/projects/{project_id}': route({ action: 'installer:work', auth: 'installer', params: S.ProjectParams, status: 200, response: R.InstallerProject }),
  'POST /api/v1/installer/projects/{project_id}/charge-points': route({ action: 'installer:work',
    auth: 'installer',
    params: S.ProjectParams,
    body: S.RegisterChargePointBody,
    status: 201,
    response: R.RegisteredChargePoint,
    problems: [409, 423],
    // A retry with the same key within 10 minutes gets the same answer (and `idempotent-replayed: true`).
    idempotencyKey: true,
  }),
  'PUT /api/v1/installer/projects/{project_id}/checklist/{item}': route({ action: 'installer:work',
    auth: 'installer',
    params: ChecklistParams,
    body: S.ChecklistBody,
    status: 200,
    response: R.list('checklist', R.ChecklistEntry),
    problems: [423],
  }),
  'PUT /api/v1/installer/charge-points/{charge_point_id}/firmware-version': route({ action: 'installer:work',
    auth: 'installer',
    params: S.ChargePointParams,
    body: S.FirmwareVersionBody,
    status: 200,
    response: R.Commissioning,
    problems: [409, 423],
  }),
  'POST /api/v1/installer/charge-points/{charge_point_id}/commissioning': route({ action: 'installer:work',
    auth: 'installer',
    params: S.ChargePointParams,
    status: 202,
    response: R.Commissioning,
    problems: [409, 423],
  }),
  'GET /api/v1/installer/charge-points/{charge_point_id}/commissioning': route({ action: 'installer:work', auth: 'installer', params: S.ChargePointParams, status: 200, response: R.Commissioning }),
  'POST /api/v1/installer/projects/{project_id}/handover': route({ action: 'installer:work', auth: 'installer', params: S.ProjectParams, status: 200, response: R.Handover, problems: [403, 409] }),
  'GET /api/v1/installer/projects/{project_id}/handover': route({ action: 'installer:work', auth: 'installer', params: S.ProjectParams, status: 200, response: R.Handover }),
  'GET /api/v1/operator/projects/{project_id}/handover': route({ action: 'projects:read', auth: 'operator', params: S.ProjectParams, status: 200, response: R.Handover }),

  'POST /api/v1/operator/teams': route({ action: 'teams:write', auth: 'operator', body: S.CreateTeamBody, status: 201, response: R.Team }),
  'GET /api/v1/operator/teams': route({ action: 'teams:read', auth: 'operator', status: 200, response: R.list('teams', R.Team) }),
  'POST /api/v1/operator/sites': route({ action: 'teams:write', auth: 'operator', body: S.CreateSiteBody, status: 201, response: R.Site }),
  'GET /api/v1/operator/sites': route({ action: 'teams:read', auth: 'operator', status: 200, response: R.list('sites', R.Site) }),
  'POST /api/v1/operator/projects': route({ action: 'projects:write', auth: 'operator', body: S.CreateProjectBody, status: 201, response: R.OperatorProjectSummary }),
  'GET /api/v1/operator/projects': route({ action: 'projects:read', auth: 'operator', status: 200, response: R.list('projects', R.OperatorProjectSummary) }),
  'GET /api/v1/operator/projects/{project_id}': route({ action: 'projects:read', auth: 'operator', params: S.ProjectParams, status: 200, response: R.OperatorProject }),
  'POST /api/v1/operator/projects/{project_id}/charge-points': route({ action: 'projects:write',
    auth: 'operator',
    params: S.ProjectParams,
    body: S.PlanChargePointBody,
    status: 201,
    response: R.PlannedChargePoint,
    problems: [409, 423],
  }),
  'POST /api/v1/operator/projects/{project_id}/installers': route({ action: 'projects:write',
    auth: 'operator',
    params: S.ProjectParams,
    body: S.AssignInstallerBody,
    status: 201,
    response: R.Assignment,
    problems: [423],
  }),
  'DELETE /api/v1/operator/projects/{project_id}/installers/{email}': route({ action: 'projects:write', auth: 'operator', params: InstallerParams, status: 204, problems: [423] }),
  'GET /api/v1/operator/charge-points/{charge_point_id}': route({ action: 'charge_points:read', auth: 'operator', params: S.ChargePointParams, status: 200, response: R.OperatorChargePoint }),
  // 409 when no charger may lose it: it holds no serial, or a charger has connected as it.
  'DELETE /api/v1/operator/charge-points/{charge_point_id}/serial': route({ action: 'charge_points:write', auth: 'operator', params: S.ChargePointParams, status: 200, response: R.OperatorChargePoint, problems: [409] }),
  'GET /api/v1/operator/charge-points/{charge_point_id}/logs': route({ action: 'charge_points:read',
    auth: 'operator',
    params: S.ChargePointParams,
    query: LogQuery,
    status: 200,
    response: R.page('entries', R.LogEntry),
  }),
  'GET /api/v1/operator/charge-points/{charge_point_id}/sessions': route({ action: 'sessions:read', auth: 'operator', params: S.ChargePointParams, query: SessionQuery, status: 200, response: R.page('sessions', R.Session) }),
  'GET /api/v1/operator/teams/{team_id}/sessions': route({ action: 'sessions:read', auth: 'operator', params: z.object({ team_id: S.id }), query: SessionQuery, status: 200, response: R.page('sessions', R.Session) }),
  'GET /api/v1/operator/drivers/{user_id}/sessions': route({ action: 'sessions:read', auth: 'operator', params: z.object({ user_id: S.id }), query: SessionQuery, status: 200, response: R.page('sessions', R.Session) }),
  'GET /api/v1/operator/sessions/{session_id}': route({ action: 'sessions:read', auth: 'operator', params: z.object({ session_id: z.string().min(1).max(300) }), status: 200, response: R.SessionDetail }),
  // At most 31 days, 10,000 entries and 5 MB (domain/charge-point-log.ts LOG_EXPORT_LIMITS); more is a 400 naming `to`.
  'GET /api/v1/operator/charge-points/{charge_point_id}/logs/export': route({ action: 'charge_points:read',
    auth: 'operator',
    params: S.ChargePointParams,
    query: LogExportQuery,
    status: 200,
    media: ['text/csv', 'application/x-ndjson'],
  }),
  'GET /api/v1/operator/charge-points/{charge_point_id}/device-model': route({ action: 'charge_points:read', auth: 'operator', params: S.ChargePointParams, status: 200, response: R.DeviceModel }),
  // Opens the charge point to drivers (domain/jobs.ts activateChargePoint); idempotent.
  'POST /api/v1/operator/charge-points/{charge_point_id}/activate': route({ action: 'charge_points:write', auth: 'operator', params: S.ChargePointParams, status: 200, response: R.OperatorChargePoint, problems: [409] }),
  // Start, stop, force stop, unlock, reboot or check, answered within ~20 s whatever the charger does (domain/remote-actions.ts).
  'POST /api/v1/operator/charge-points/{charge_point_id}/actions': route({ action: 'charge_points:operate',
    auth: 'operator',
    params: S.ChargePointParams,
    body: S.RemoteActionBody,
    status: 200,
    response: R.ActionResult,
    problems: [409],
  }),
  'POST /api/v1/operator/charge-points/{charge_point_id}/commands': route({ action: 'charge_points:operate',
    auth: 'operator',
    params: S.ChargePointParams,
    body: S.CommandBody,
    status: 200,
    response: R.CommandOutcome,
    problems: [409],
  }),

  // Drivers, id tokens, price groups, free vend (issue #15; docs/sessions.md). An id token value is
  // unique per operator, case-insensitively (409 names `id_token`).
  'POST /api/v1/operator/drivers': route({ action: 'drivers:write', auth: 'operator', body: S.CreateDriverBody, status: 201, response: R.Driver, problems: [409] }),
  'GET /api/v1/operator/drivers': route({ action: 'drivers:read', auth: 'operator', query: S.ListDriversQuery, status: 200, response: R.page('drivers', R.Driver) }),
  'GET /api/v1/operator/drivers/{user_id}': route({ action: 'drivers:read', auth: 'operator', params: S.DriverParams, status: 200, response: R.Driver }),
  'PATCH /api/v1/operator/drivers/{user_id}': route({ action: 'drivers:write', auth: 'operator', params: S.DriverParams, body: S.PatchDriverBody, status: 200, response: R.Driver }),
  'POST /api/v1/operator/drivers/{user_id}/id-tokens': route({ action: 'drivers:write', auth: 'operator', params: S.DriverParams, body: S.CreateIdTokenBody, status: 201, response: R.IdToken, problems: [409] }),
  'GET /api/v1/operator/drivers/{user_id}/id-tokens': route({ action: 'drivers:read', auth: 'operator', params: S.DriverParams, status: 200, response: R.list('id_tokens', R.IdToken) }),
  'PATCH /api/v1/operator/drivers/{user_id}/id-tokens/{id_token}': route({ action: 'drivers:write', auth: 'operator', params: S.IdTokenParams, body: S.PatchIdTokenBody, status: 200, response: R.IdToken }),
  'POST /api/v1/operator/price-groups': route({ action: 'pricing:write', auth: 'operator', body: S.CreatePriceGroupBody, status: 201, response: R.PriceGroup }),
  'GET /api/v1/operator/price-groups': route({ action: 'pricing:read', auth: 'operator', status: 200, response: R.list('price_groups', R.PriceGroup) }),
  'GET /api/v1/operator/price-groups/{price_group_id}': route({ action: 'pricing:read', auth: 'operator', params: S.PriceGroupParams, status: 200, response: R.PriceGroup }),
  'PATCH /api/v1/operator/price-groups/{price_group_id}': route({ action: 'pricing:write', auth: 'operator', params: S.PriceGroupParams, body: S.PatchPriceGroupBody, status: 200, response: R.PriceGroup }),
  'PUT /api/v1/operator/teams/{team_id}/price-group': route({ action: 'pricing:write', auth: 'operator', params: S.TeamParams, body: S.DefaultPriceGroupBody, status: 200, response: R.DefaultPriceGroup }),
  'PUT /api/v1/operator/charge-points/{charge_point_id}/price-group': route({ action: 'pricing:write', auth: 'operator', params: S.ChargePointParams, body: S.DefaultPriceGroupBody, status: 200, response: R.DefaultPriceGroup }),
  // Every token accepted (recorded in the log); unset, a charge point is free vend while inactive.
  'PUT /api/v1/operator/charge-points/{charge_point_id}/free-vend': route({ action: 'pricing:write', auth: 'operator', params: S.ChargePointParams, body: S.FreeVendBody, status: 200, response: R.FreeVend }),

  // Public job links (issue #14): the operator hands one to the installer; the token is shown once, in `url`.
  'POST /api/v1/operator/projects/{project_id}/public-links': route({ action: 'projects:write', auth: 'operator', params: S.ProjectParams, body: S.CreatePublicLinkBody, status: 201, response: R.PublicLinkCreated, problems: [409] }),
  'GET /api/v1/operator/projects/{project_id}/public-links': route({ action: 'projects:read', auth: 'operator', params: S.ProjectParams, status: 200, response: R.list('items', R.PublicLink) }),
  'DELETE /api/v1/operator/projects/{project_id}/public-links/{link_id}': route({ action: 'projects:write', auth: 'operator', params: S.PublicLinkParams, status: 204 }),
  'GET /api/v1/operator/charge-points/{charge_point_id}/notes': route({ action: 'charge_points:read', auth: 'operator', params: S.ChargePointParams, status: 200, response: R.list('items', R.Note) }),
  'POST /api/v1/operator/charge-points/{charge_point_id}/notes': route({ action: 'charge_points:write', auth: 'operator', params: S.ChargePointParams, body: S.NoteBody, status: 201, response: R.Note }),

  // The public job API: no login, the token in the path is the credential. Unknown token 404,
  // expired or revoked 410 (the detail says whom to ask); after completion every write is 409.
  'GET /api/v1/public/jobs/{token}': route({ action: 'public', auth: 'none', params: S.JobParams, status: 200, response: R.JobView, problems: [410, 429], conditional: true }),
  'PATCH /api/v1/public/jobs/{token}/charge-points/{charge_point_id}': route({ action: 'public',
    auth: 'none',
    params: S.JobChargePointParams,
    body: S.PatchJobChargePointBody,
    status: 200,
    response: R.JobChargePoint,
    problems: [409, 410, 423, 429],
  }),
  'POST /api/v1/public/jobs/{token}/charge-points/{charge_point_id}/password': route({ action: 'public',
    auth: 'none',
    params: S.JobChargePointParams,
    status: 200,
    response: R.NewPassword,
    problems: [409, 410, 423, 429],
  }),
  'POST /api/v1/public/jobs/{token}/charge-points/{charge_point_id}/password/reveal': route({ action: 'public',
    auth: 'none',
    params: S.JobChargePointParams,
    status: 200,
    response: R.RevealedPassword,
    problems: [409, 410, 429],
  }),
  'POST /api/v1/public/jobs/{token}/charge-points/{charge_point_id}/actions': route({ action: 'public',
    auth: 'none',
    params: S.JobChargePointParams,
    body: S.JobActionBody,
    status: 200,
    response: R.ActionResult,
    problems: [409, 410, 429],
  }),
  // The newest 50 entries in plain words (no frames), fetched when the installer opens "Log".
  'GET /api/v1/public/jobs/{token}/charge-points/{charge_point_id}/log': route({ action: 'public',
    auth: 'none',
    params: S.JobChargePointParams,
    status: 200,
    response: R.list('entries', R.InstallerLogEntry),
    problems: [410, 429],
  }),
  'POST /api/v1/public/jobs/{token}/charge-points/{charge_point_id}/notes': route({ action: 'public',
    auth: 'none',
    params: S.JobChargePointParams,
    body: S.NoteBody,
    status: 201,
    response: R.Note,
    problems: [409, 410, 429],
  }),
  'POST /api/v1/public/jobs/{token}/complete': route({ action: 'public', auth: 'none', params: S.JobParams, body: S.CompleteJobBody, status: 200, response: R.JobView, problems: [409, 410, 429] }),

  'POST /api/v1/operator/webhooks': route({ action: 'webhooks:write', auth: 'operator', body: createSubscriptionBody, status: 201, response: R.SubscriptionWithSecret, problems: [409] }),
  'GET /api/v1/operator/webhooks': route({ action: 'webhooks:read', auth: 'operator', status: 200, response: R.list('subscriptions', R.Subscription) }),
  'GET /api/v1/operator/webhooks/{subscription_id}': route({ action: 'webhooks:read', auth: 'operator', params: subscriptionParams, status: 200, response: R.Subscription }),
  'PATCH /api/v1/operator/webhooks/{subscription_id}': route({ action: 'webhooks:write', auth: 'operator', params: subscriptionParams, body: updateSubscriptionBody, status: 200, response: R.Subscription }),
  'DELETE /api/v1/operator/webhooks/{subscription_id}': route({ action: 'webhooks:write', auth: 'operator', params: subscriptionParams, status: 204 }),
  'POST /api/v1/operator/webhooks/{subscription_id}/pause': route({ action: 'webhooks:write', auth: 'operator', params: subscriptionParams, status: 200, response: R.Subscription }),
  'POST /api/v1/operator/webhooks/{subscription_id}/resume': route({ action: 'webhooks:write', auth: 'operator', params: subscriptionParams, status: 200, response: R.Subscription }),
  'POST /api/v1/operator/webhooks/{subscription_id}/rotate-secret': route({ action: 'webhooks:write', auth: 'operator', params: subscriptionParams, status: 200, response: R.SubscriptionWithSecret, problems: [409] }),
  'GET /api/v1/operator/webhooks/{subscription_id}/deliveries': route({ action: 'webhooks:read',
    auth: 'operator',
    params: subscriptionParams,
    query: listDeliveriesQuery,
    status: 200,
    response: R.page('deliveries', R.Delivery),
  }),
  'GET /api/v1/operator/webhooks/{subscription_id}/deliveries/{delivery_id}': route({ action: 'webhooks:read', auth: 'operator', params: deliveryParams, status: 200, response: R.Delivery }),
  'POST /api/v1/operator/webhooks/{subscription_id}/deliveries/{delivery_id}/redeliver': route({ action: 'webhooks:write',
    auth: 'operator',
    params: deliveryParams,
    status: 200,
    response: R.Delivery,
    problems: [409],
  }),

  // Operator API keys and staff (issue #16, docs/access.md): admins only (lib/domain/access.ts).
  // The key is in `api_key` of the create and rotate answers and nowhere else, ever.
  'POST /api/v1/operator/api-keys': route({ action: 'api_keys:write', auth: 'operator', body: S.CreateApiKeyBody, status: 201, response: R.ApiKeyCreated }),
  'GET /api/v1/operator/api-keys': route({ action: 'api_keys:read', auth: 'operator', status: 200, response: R.list('api_keys', R.ApiKey) }),
  'DELETE /api/v1/operator/api-keys/{key_id}': route({ action: 'api_keys:write', auth: 'operator', params: S.ApiKeyParams, status: 204 }),
  // 409: the key is revoked, expired or was rotated already.
  'POST /api/v1/operator/api-keys/{key_id}/rotate': route({ action: 'api_keys:write', auth: 'operator', params: S.ApiKeyParams, body: S.RotateApiKeyBody, status: 201, response: R.ApiKeyRotated, problems: [409] }),
  // An invitation mailed to the email (lib/domain/invitations.ts); the account joins when it accepts.
  'POST /api/v1/operator/staff': route({ action: 'staff:write', auth: 'operator', body: S.InviteStaffBody, status: 201, response: R.StaffInvitation, problems: [429] }),
  // An existing team's owner (lib/domain/locations.ts inviteTeamOwnerByOperator); 409 when it has one.
  'POST /api/v1/operator/teams/{team_id}/owner-invitation': route({ action: 'teams:write', auth: 'operator', params: P.TeamParams, body: P.OwnerInvitationBody, status: 201, response: P.CreatedInvitation, problems: [409, 429] }),
  'GET /api/v1/operator/staff': route({ action: 'staff:read', auth: 'operator', status: 200, response: R.list('staff', R.StaffMember) }),
  // 409: the last admin cannot be demoted or removed.
  'PATCH /api/v1/operator/staff/{account_id}': route({ action: 'staff:write', auth: 'operator', params: S.StaffParams, body: S.PatchStaffBody, status: 200, response: R.StaffMember, problems: [409] }),
  'DELETE /api/v1/operator/staff/{account_id}': route({ action: 'staff:write', auth: 'operator', params: S.StaffParams, status: 204, problems: [409] }),

  // People and access (issue #16): invitations, locations, teams (lib/domain/invitations.ts, locations.ts).
  'GET /api/v1/invitations/{token}': route({ action: 'public', auth: 'none', params: P.InvitationTokenParams, status: 200, response: P.InvitationPreview, problems: [410, 429] }),
  'POST /api/v1/invitations/{token}/accept': route({ action: 'account:self', auth: 'account', params: P.InvitationTokenParams, status: 200, response: P.AcceptedInvitation, problems: [403, 409, 410] }),
  // Locations: the caller's role on the location is checked in the use case (404 outside reach, 403 by the table).
  'POST /api/v1/locations': route({ action: 'locations:create', auth: 'account', body: P.CreateLocationBody, status: 201, response: P.Location }),
  'GET /api/v1/locations': route({ action: 'account:self', auth: 'account', status: 200, response: P.LocationList }),
  'GET /api/v1/locations/{location_id}': route({ action: 'location:status', auth: 'account', params: P.LocationParams, status: 200, response: P.Location, problems: [403] }),
  'POST /api/v1/locations/{location_id}/charge-points': route({ action: 'location:configure',
    auth: 'account',
    params: P.LocationParams,
    body: S.RegisterChargePointBody,
    status: 201,
    response: R.RegisteredChargePoint,
    problems: [403, 409, 423],
    idempotencyKey: true,
  }),
  'PATCH /api/v1/locations/{location_id}/charge-points/{charge_point_id}': route({ action: 'location:configure',
    auth: 'account',
    params: P.LocationChargePointParams,
    body: P.ReconfigureChargePointBody,
    status: 200,
    response: R.RegisteredChargePoint,
    problems: [403, 409, 423],
  }),
  // The kind decides (locations.ts locationInvitationAction): `team_member` needs team:members, the
  // route's action; `location_installer` and `team_owner` need team:own, except the handover of a
  // location still waiting for its first owner, which its installer makes (location:configure).
  'POST /api/v1/locations/{location_id}/invitations': route({ action: 'team:members', auth: 'account', params: P.LocationParams, body: P.CreateLocationInvitationBody, status: 201, response: P.CreatedInvitation, problems: [403, 429] }),
  'PUT /api/v1/locations/{location_id}/installers/{account_id}': route({ action: 'team:own', auth: 'account', params: P.LocationInstallerParams, body: P.SetInstallerAccessBody, status: 200, response: P.LocationInstaller, problems: [403] }),
  // Teams: a team sees only itself (404 for a team the caller is not in).
  'GET /api/v1/teams/{team_id}/members': route({ action: 'location:read', auth: 'account', params: P.TeamParams, status: 200, response: P.TeamMemberList, problems: [403] }),
  'POST /api/v1/teams/{team_id}/members': route({ action: 'team:members', auth: 'account', params: P.TeamParams, body: P.InviteTeamMemberBody, status: 201, response: P.CreatedInvitation, problems: [403, 429] }),
  'PATCH /api/v1/teams/{team_id}/members/{account_id}': route({ action: 'team:members', auth: 'account', params: P.TeamMemberParams, body: P.UpdateTeamMemberBody, status: 200, response: P.TeamMember, problems: [403, 409] }),
  'DELETE /api/v1/teams/{team_id}/members/{account_id}': route({ action: 'team:members', auth: 'account', params: P.TeamMemberParams, status: 204, problems: [403, 409] }),
  // 204: revoked. The inviter, or an owner of the team it invites to; 409 when no longer pending.
  'DELETE /api/v1/sent-invitations/{invitation_id}': route({ action: 'account:self', auth: 'account', params: P.InvitationParams, status: 204, problems: [403, 409] }),
  // Whoever may invite to the location: `team:members` (owners, team admins) and, as the one who
  // invites the owner, its installer with full access (lib/domain/locations.ts listLocationInvitations).
  'GET /api/v1/locations/{location_id}/invitations': route({ action: 'location:read', auth: 'account', params: P.LocationParams, status: 200, response: P.InvitationList, problems: [403] }),
  // The location route to the installer API's commissioning (lib/domain/installer-projects.ts commissionChargePoint).
  'POST /api/v1/locations/{location_id}/charge-points/{charge_point_id}/commissioning': route({ action: 'location:configure',
    auth: 'account',
    params: P.LocationChargePointParams,
    status: 202,
    response: R.Commissioning,
    problems: [403, 409, 423],
  }),
  'GET /api/v1/locations/{location_id}/charge-points/{charge_point_id}/commissioning': route({ action: 'location:read', auth: 'account', params: P.LocationChargePointParams, status: 200, response: R.Commissioning, problems: [403] }),
  // Power management (issue #18, docs/power.md): settings, meters, the allocation (lib/domain/power/site-power.ts).
  'GET /api/v1/locations/{location_id}/power': route({ action: 'location:read', auth: 'account', params: PW.LocationPowerParams, status: 200, response: PW.PowerSettings, problems: [403] }),
  'PUT /api/v1/locations/{location_id}/power': route({ action: 'location:configure', auth: 'account', params: PW.LocationPowerParams, body: PW.PowerSettingsBody, status: 200, response: PW.PowerSettings, problems: [403] }),
  'PUT /api/v1/locations/{location_id}/power/charge-points/{charge_point_id}': route({ action: 'location:configure',
    auth: 'account',
    params: PW.LocationPowerChargePointParams,
    body: PW.ChargerPowerBody,
    status: 200,
    response: PW.ChargerPowerSettings,
    problems: [403],
  }),
  // The secret is in `secret` of this answer and nowhere else, ever.
  'POST /api/v1/locations/{location_id}/power/meters': route({ action: 'location:configure', auth: 'account', params: PW.LocationPowerParams, body: PW.CreateMeterBody, status: 201, response: PW.MeterCreated, problems: [403] }),
  'GET /api/v1/locations/{location_id}/power/meters': route({ action: 'location:read', auth: 'account', params: PW.LocationPowerParams, status: 200, response: PW.MeterList, problems: [403] }),
  'DELETE /api/v1/locations/{location_id}/power/meters/{meter_id}': route({ action: 'location:configure', auth: 'account', params: PW.LocationMeterParams, status: 204, problems: [403] }),
  // A meter pushes its readings with its own secret as the bearer token (no account): 401 for an
  // unknown meter or a wrong secret alike; 409 when a newer reading won a race; 429 past its limit.
  'POST /api/v1/meters/{meter_id}/readings': route({ action: 'public', auth: 'none', params: PW.MeterParams, body: PW.MeterReadingBody, status: 202, response: PW.ReadingAccepted, problems: [401, 409, 429] }),
  'GET /api/v1/locations/{location_id}/power/allocation': route({ action: 'location:read', auth: 'account', params: PW.LocationPowerParams, status: 200, response: PW.PowerAllocation, problems: [403] }),
  'GET /api/v1/sent-invitations/{invitation_id}/qr.svg': route({ action: 'account:self', auth: 'account', params: P.InvitationParams, status: 200, media: ['image/svg+xml'], problems: [410] }),

  // Site devices, serial + PIN (issue #17, docs/site-devices.md §1; lib/domain/devices.ts). The
  // catalogue never answers a PIN or its hash; a serial another operator loaded is 409.
  'PUT /api/v1/operator/devices/{serial}': route({ action: 'devices:write', auth: 'operator', params: D.DeviceParams, body: D.DeviceFields, status: 200, response: D.Device, problems: [409] }),
  // A CSV file (text/csv, at most 50 rows and 64 KiB): every row valid or nothing loaded; issues name line and column.
  'POST /api/v1/operator/devices/import': route({ action: 'devices:write', auth: 'operator', body: D.DeviceCsv, bodyMedia: 'text/csv', status: 200, response: D.DeviceImport, problems: [409] }),
  'GET /api/v1/operator/devices': route({ action: 'devices:read', auth: 'operator', query: D.DevicesQuery, status: 200, response: R.page('devices', D.Device) }),
  'GET /api/v1/operator/devices/{serial}': route({ action: 'devices:read', auth: 'operator', params: D.DeviceParams, status: 200, response: D.Device }),
  // 422 naming `pin` for an unknown serial and a wrong PIN alike; 429 with `locked_until` while a lock runs (domain/devices.ts PIN_LOCKS).
  'POST /api/v1/locations/{location_id}/charge-points/by-serial': route({ action: 'location:configure',
    auth: 'account',
    params: P.LocationParams,
    body: D.AddBySerialBody,
    status: 201,
    response: R.RegisteredChargePoint,
    problems: [403, 409, 422, 423, 429],
    idempotencyKey: true,
  }),
  // Site devices, backoffice connection (issue #17 §3, docs/site-devices.md). The location's side:
  // ask another operator (pending until it accepts) or move the charger to an external backoffice.
  'POST /api/v1/locations/{location_id}/charge-points/{charge_point_id}/backoffice': route({ action: 'location:configure',
    auth: 'account',
    params: P.LocationChargePointParams,
    body: B.ConnectBackofficeBody,
    status: 200,
    response: B.BackofficeConnectResult,
    problems: [403, 409, 422],
  }),
  'GET /api/v1/locations/{location_id}/charge-points/{charge_point_id}/backoffice': route({ action: 'location:read', auth: 'account', params: P.LocationChargePointParams, status: 200, response: B.LocationBackoffice, problems: [403] }),
  'DELETE /api/v1/locations/{location_id}/charge-points/{charge_point_id}/backoffice': route({ action: 'location:configure', auth: 'account', params: P.LocationChargePointParams, status: 204, problems: [403, 409] }),
  // The operator asked: its requests and connected chargers; accept (with the price group to bill with) or decline.
  'GET /api/v1/operator/backoffice-connections': route({ action: 'devices:read', auth: 'operator', status: 200, response: R.list('connections', B.OperatorBackofficeConnection) }),
  'GET /api/v1/operator/backoffice-connections/{charge_point_id}': route({ action: 'devices:read', auth: 'operator', params: B.BackofficeChargePointParams, status: 200, response: B.OperatorBackofficeChargePoint }),
  'POST /api/v1/operator/backoffice-connections/{charge_point_id}/accept': route({ action: 'devices:write',
    auth: 'operator',
    params: B.BackofficeChargePointParams,
    body: B.AcceptBackofficeBody,
    status: 200,
    response: B.OperatorBackofficeConnection,
    problems: [409],
  }),
  'POST /api/v1/operator/backoffice-connections/{charge_point_id}/decline': route({ action: 'devices:write', auth: 'operator', params: B.BackofficeChargePointParams, status: 204, problems: [409] }),
  // Sessions are personal data: the operator's sessions action, as for its own chargers. Billing only (403 for monitoring).
  'GET /api/v1/operator/backoffice-connections/{charge_point_id}/sessions': route({ action: 'sessions:read',
    auth: 'operator',
    params: B.BackofficeChargePointParams,
    query: SessionQuery,
    status: 200,
    response: R.page('sessions', R.Session),
    problems: [403, 409],
  }),
  // Charge cards of a location (issue #17 §2, docs/site-devices.md): owner, team admin, location installer.
  'GET /api/v1/locations/{location_id}/cards': route({ action: 'location:cards', auth: 'account', params: P.LocationParams, status: 200, response: C.CardList, problems: [403] }),
  'POST /api/v1/locations/{location_id}/cards': route({ action: 'location:cards', auth: 'account', params: P.LocationParams, body: C.AddCardBody, status: 201, response: C.Card, problems: [403, 409] }),
  'PATCH /api/v1/locations/{location_id}/cards/{card_id}': route({ action: 'location:cards', auth: 'account', params: C.CardParams, body: C.ChangeCardBody, status: 200, response: C.Card, problems: [403] }),
  'DELETE /api/v1/locations/{location_id}/cards/{card_id}': route({ action: 'location:cards', auth: 'account', params: C.CardParams, status: 204, problems: [403] }),
  'POST /api/v1/locations/{location_id}/charge-points/{charge_point_id}/card-learning': route({ action: 'location:cards', auth: 'account', params: P.LocationChargePointParams, body: C.OpenCardLearningBody, status: 201, response: C.CardLearning, problems: [403] }),
  'GET /api/v1/locations/{location_id}/charge-points/{charge_point_id}/card-learning': route({ action: 'location:cards', auth: 'account', params: P.LocationChargePointParams, status: 200, response: C.CardLearning, problems: [403] }),
  'DELETE /api/v1/locations/{location_id}/charge-points/{charge_point_id}/card-learning': route({ action: 'location:cards', auth: 'account', params: P.LocationChargePointParams, status: 200, response: C.CardLearning, problems: [403] }),
  'GET /api/v1/locations/{location_id}/charge-points/{charge_point_id}/local-list': route({ action: 'location:cards', auth: 'account', params: P.LocationChargePointParams, status: 200, response: C.LocalList, problems: [403] }),

  // PowerBank enrolment (issue #19, lib/domain/powerbank). A location's address facts decide its
  // bidding zone; changing them runs the region check for it at once.
  'PATCH /api/v1/locations/{location_id}': route({ action: 'location:configure', auth: 'account', params: P.LocationParams, body: PB.LocationAddressBody, status: 200, response: PB.LocationAddress, problems: [403, 409] }),
  'GET /api/v1/locations/{location_id}/powerbank': route({ action: 'location:read', auth: 'account', params: P.LocationParams, status: 200, response: PB.LocationPowerBank, problems: [403] }),
  // Sign up (terms accepted; eligible and compatible, else 409; a Swedish one with its Facility ID, else 400 naming it) or opt out.
  'PUT /api/v1/locations/{location_id}/powerbank/charge-points/{charge_point_id}': route({ action: 'location:powerbank',
    auth: 'account',
    params: PB.PowerBankLocationChargePointParams,
    body: PB.ToggleBody,
    status: 200,
    response: PB.PowerBankRow,
    problems: [403, 409],
  }),
  // Within one team; 422 listing the Swedish charge points without a Facility ID (and nothing enrolled).
  'POST /api/v1/teams/{team_id}/powerbank/sign-up': route({ action: 'location:powerbank', auth: 'account', params: PB.PowerBankTeamParams, body: PB.BulkSignUpBody, status: 200, response: PB.BulkSignUpResult, problems: [403, 409, 422] }),
  'GET /api/v1/operator/powerbank/charge-points': route({ action: 'powerbank:read', auth: 'operator', query: PB.PowerBankPreviewQuery, status: 200, response: PB.PowerBankPreview }),
  'POST /api/v1/operator/powerbank/sign-up': route({ action: 'powerbank:write', auth: 'operator', body: PB.OperatorBulkSignUpBody, status: 200, response: PB.BulkSignUpResult, problems: [409, 422] }),
  'PUT /api/v1/operator/powerbank/charge-points/{charge_point_id}': route({ action: 'powerbank:write', auth: 'operator', params: PB.PowerBankChargePointParams, body: PB.ToggleBody, status: 200, response: PB.PowerBankRow, problems: [409] }),
  'GET /api/v1/operator/powerbank/compatibility': route({ action: 'powerbank:read', auth: 'operator', status: 200, response: PB.Compatibility }),
  'PUT /api/v1/operator/powerbank/compatibility': route({ action: 'powerbank:write', auth: 'operator', body: PB.OverrideBody, status: 200, response: PB.Override }),
  'GET /api/v1/operator/powerbank/region-checks': route({ action: 'powerbank:read', auth: 'operator', query: PB.RegionCheckQuery, status: 200, response: PB.RegionCheckReports }),
  // 202: the activation is recorded; the profiles go out off the request path (powerbank-activation-start).
  'POST /api/v1/operator/powerbank/activations': route({ action: 'powerbank:write', auth: 'operator', body: PB.ActivationBody, status: 202, response: PB.Activation, problems: [409, 422] }),
  'GET /api/v1/operator/powerbank/activations': route({ action: 'powerbank:read', auth: 'operator', query: PB.ActivationListQuery, status: 200, response: PB.Activations }),
  'GET /api/v1/operator/powerbank/activations/{activation_id}': route({ action: 'powerbank:read', auth: 'operator', params: PB.ActivationParams, status: 200, response: PB.ActivationReport }),
} as const;

export type RouteKey = keyof typeof API;
