// The route table: plain data read by the CDK app (one function, one route and least-privilege
// grants per row) and by the local runtime (same handler modules on one port). Adding an endpoint
// means adding a row here and the entry file; nothing else is hand-kept in parallel (issue #2, #6).

// Environment each function gets, by what it may touch (the CDK app sets these; the local runtime
// sets all of them process-wide):
// - always: LOG_LEVEL, OCPP_PUBLIC_ENDPOINT (wss://…/ocpp), PUBLIC_BASE_URL (https://… of the HTTP API or its domain)
// - table → TABLE_NAME; events → EVENT_BUS_NAME; connections → WS_MANAGEMENT_ENDPOINT
//   (https://{apiId}.execute-api.{region}.amazonaws.com/{stage}); certificates → CERTIFICATE_BUCKET
//   (readwrite, i.e. renders certificates: also CERTIFICATE_FONT_DIR=/opt/fonts and the certificate-fonts layer);
//   email → EMAIL_FROM; secrets → see Access.secrets
// - $connect only: ORIGIN_VERIFY_SECRET (the CloudFront origin header value; unset locally = not checked)

import { WEBHOOK_ROUTES } from './webhooks/routes';

/** What a function may touch. The CDK stack turns each entry into the narrowest grant. */
export interface Access {
  /** The single table. */
  readonly table?: 'read' | 'readwrite';
  /** The certificate bucket. */
  readonly certificates?: 'read' | 'readwrite';
  /** PutEvents on the bus. */
  readonly events?: 'publish';
  /** postToConnection / deleteConnection on the OCPP WebSocket API. */
  readonly connections?: 'manage';
  /** Send email (SES). */
  readonly email?: 'send';
  /**
   * Named secrets the function reads at cold start (Secrets Manager on AWS, env locally):
   * `jwt-signing` → JWT_SECRET_ARN (local: JWT_SECRET); `certificate-signing` → CERT_SIGNING_SECRET_ARN
   * (local: CERT_SIGNING_P12_BASE64 + CERT_SIGNING_P12_PASSPHRASE).
   */
  readonly secrets?: readonly SecretName[];
  /**
   * The KMS key that envelope-encrypts secrets we must read again (lib/webhooks/secret-box.ts):
   * webhook signing secrets, and the sealed copy of a provisioning password a job link may reveal.
   * `seal` = GenerateDataKey (create, rotate, issue a password), `open` = Decrypt (sign deliveries,
   * reveal a password) → WEBHOOK_SECRETS_KEY_ID (local: the runtime's KMS stand-in). The name stays
   * for the deployed grants; each use has its own encryption-context purpose.
   */
  readonly webhookSecrets?: 'seal' | 'open';
}

export const SECRET_NAMES = ['jwt-signing', 'certificate-signing'] as const;
export type SecretName = (typeof SECRET_NAMES)[number];


export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
/** `account`: any signed-in, verified person account (installer, team member, operator staff, driver). */
export type HttpAuth = 'none' | 'operator' | 'installer' | 'account';

/**
 * The CloudFormation stacks the HTTP routes are deployed in. A stack holds at most 500 resources and a
 * route row makes 8 (function, role, policy, log group, alarm, integration, permission, route), so
 * the rows are spread over several stacks of the one HTTP API. A row's stack is frozen once deployed
 * (moving it replaces its function); new groups of routes go into a new stack here.
 */
export const API_STACKS = ['Api', 'ApiJobs', 'ApiCharging', 'ApiPeople', 'ApiDevices', 'ApiPower', 'ApiPowerBank'] as const;
export type ApiStackName = (typeof API_STACKS)[number];

/** A group of rows deployed by one stack of API_STACKS. */
function inStack(stack: ApiStackName, rows: readonly HttpRoute[]): readonly HttpRoute[] {
  return rows.map((row) => ({ ...row, stack }));
}

export interface HttpRoute {
  readonly kind: 'http';
  /**
   * The stack that deploys this row (see API_STACKS).
   * @default 'Api'
   */
  readonly stack?: ApiStackName;
  readonly method: HttpMethod;
  /**
   * API Gateway HTTP API path template, e.g. `/api/v1/installer/projects/{project_id}`. JSON API rows
   * live under `/api/` (API_ROUTES, described by lib/api/contract.ts and the OpenAPI document); page
   * rows (PAGE_ROUTES) answer HTML and static assets outside it.
   */
  readonly path: string;
  /** Lambda entry, relative to the repository root; exports `handler`. */
  readonly entry: string;
  readonly auth: HttpAuth;
  readonly access: Access;
  readonly description: string;
}

export type WsRouteKey = '$connect' | '$default' | '$disconnect';

export interface WsRoute {
  readonly kind: 'ws';
  readonly routeKey: WsRouteKey;
  readonly entry: string;
  readonly access: Access;
  /**
   * Whether the function's return value is sent to the client (API Gateway's route response). Off for
   * every OCPP route: with it on, API Gateway sends a message even for an empty body, so a frame
   * that needs no answer (a CALLRESULT from the charger) would get an empty one; `$default` answers
   * through @connections instead (lib/ocpp/pipeline.ts handleFrameAndReply).
   */
  readonly routeResponse: boolean;
  /**
   * A Lambda REQUEST authorizer run before the route's integration (API Gateway allows one on
   * `$connect` only). What it returns as `context` reaches `requestContext.authorizer` of every later
   * event of that connection ($default, $disconnect), so they need not look the charger up again.
   * @default - none
   */
  readonly authorizer?: WsAuthorizer;
  readonly description: string;
}

export interface WsAuthorizer {
  /** Lambda entry, relative to the repository root; exports `handler`. */
  readonly entry: string;
  readonly access: Access;
  /**
   * API Gateway refuses the upgrade with 401, without invoking the authorizer, when one of these is
   * missing: only the identity query parameter CloudFront always adds, so a missing Authorization
   * header still reaches the authorizer and is logged as an authentication failure.
   */
  readonly identitySource: readonly string[];
  readonly description: string;
}

/**
 * The HTTP API `$default` route: every request no other row matches. Without it API Gateway itself
 * answers `{"message":"Not Found"}` (and 404 for a wrong method) before any function runs; with it
 * one small function answers problem+json 404, or 405 with `Allow` computed from HTTP_ROUTES, and
 * the local runtime invokes the same function, so both answer alike.
 */
export interface HttpFallbackRoute {
  readonly kind: 'http-fallback';
  readonly routeKey: '$default';
  readonly entry: string;
  readonly access: Access;
  readonly description: string;
}

export type Route = HttpRoute | HttpFallbackRoute | WsRoute;

export const WS_ROUTES: readonly WsRoute[] = [
  {
    kind: 'ws',
    routeKey: '$connect',
    entry: 'functions/ocpp/connect.ts',
    access: { table: 'readwrite', connections: 'manage', events: 'publish' },
    routeResponse: false,
    authorizer: {
      entry: 'functions/ocpp/authorize.ts',
      // readwrite: it logs authentication failures and upgrades legacy password hashes.
      access: { table: 'readwrite' },
      identitySource: ['route.request.querystring.cp'],
      description: 'Who is this charge point (identity, Basic auth); its context rides on every later event of the connection',
    },
    description: 'Negotiate the OCPP subprotocol and record the connection the authorizer admitted',
  },
  {
    kind: 'ws',
    routeKey: '$default',
    entry: 'functions/ocpp/message.ts',
    access: { table: 'readwrite', connections: 'manage', events: 'publish' },
    routeResponse: false,
    description: 'Every OCPP-J frame: decode, validate, dispatch, answer through the route response',
  },
  {
    kind: 'ws',
    routeKey: '$disconnect',
    entry: 'functions/ocpp/disconnect.ts',
    access: { table: 'readwrite', events: 'publish' },
    routeResponse: false,
    description: 'Mark the charge point disconnected if this connection is still its current one',
  },
];

const CORE_HTTP_ROUTES: readonly HttpRoute[] = [
  {
    kind: 'http',
    method: 'GET',
    path: '/api/openapi.json',
    entry: 'functions/api/public/openapi.ts',
    auth: 'none',
    access: {},
    description: 'The OpenAPI 3.1 document of this API, generated from the request schemas',
  },
  {
    kind: 'http',
    method: 'POST',
    path: '/api/v1/installer/projects/{project_id}/handover',
    entry: 'functions/api/installer/handover.ts',
    auth: 'installer',
    access: { table: 'readwrite', certificates: 'readwrite', events: 'publish', secrets: ['jwt-signing', 'certificate-signing'] },
    description: 'Hand the project over: 403 with what is missing, else the signed certificate; locks the project',
  },
  {
    kind: 'http',
    method: 'GET',
    path: '/api/v1/installer/projects/{project_id}/handover',
    entry: 'functions/api/installer/get-handover.ts',
    auth: 'installer',
    access: { table: 'read', certificates: 'read', secrets: ['jwt-signing'] },
    description: 'The handover with a freshly presigned certificate link',
  },
  {
    kind: 'http',
    method: 'GET',
    path: '/api/v1/operator/projects/{project_id}/handover',
    entry: 'functions/api/operator/get-handover.ts',
    auth: 'operator',
    access: { table: 'read', certificates: 'read' },
    description: 'The handover of one of the operator\'s projects with a fresh certificate link',
  },
  {
    kind: 'http',
    method: 'POST',
    path: '/api/v1/installer/signup',
    entry: 'functions/api/installer/signup.ts',
    auth: 'none',
    access: { table: 'readwrite', events: 'publish' },
    description: 'Create an account, for any person: installer, team member, operator staff (pending email verification); 202 whether or not the email has one',
  },
  {
    kind: 'http',
    method: 'POST',
    path: '/api/v1/installer/verify-email',
    entry: 'functions/api/installer/verify-email.ts',
    auth: 'none',
    access: { table: 'readwrite' },
    description: 'Activate an account with the emailed token and the signup password',
  },
  {
    kind: 'http',
    method: 'POST',
    path: '/api/v1/installer/login',
    entry: 'functions/api/installer/login.ts',
    auth: 'none',
    access: { table: 'readwrite', secrets: ['jwt-signing'] },
    description: 'Exchange email and password for a one-hour access token',
  },
  {
    kind: 'http',
    method: 'POST',
    path: '/api/v1/installer/resend-verification',
    entry: 'functions/api/installer/resend-verification.ts',
    auth: 'none',
    access: { table: 'readwrite', events: 'publish' },
    description: 'Send a new verification email to a pending account (202 for any email; rate-limited)',
  },
  {
    kind: 'http',
    method: 'POST',
    path: '/api/v1/installer/password-reset/request',
    entry: 'functions/api/installer/request-password-reset.ts',
    auth: 'none',
    access: { table: 'readwrite', events: 'publish' },
    description: 'Email a single-use, one-hour password-reset token, for every account (202 for any email; rate-limited)',
  },
  {
    kind: 'http',
    method: 'POST',
    path: '/api/v1/installer/password-reset',
    entry: 'functions/api/installer/reset-password.ts',
    auth: 'none',
    access: { table: 'readwrite' },
    description: 'Set a new password with the emailed reset token; verifies a pending account, signs out old tokens',
  },
  {
    kind: 'http',
    method: 'GET',
    path: '/api/v1/installer/projects',
    entry: 'functions/api/installer/list-projects.ts',
    auth: 'installer',
    access: { table: 'read', secrets: ['jwt-signing'] },
    description: 'The projects assigned to this installer',
  },
  {
    kind: 'http',
    method: 'GET',
    path: '/api/v1/installer/projects/{project_id}',
    entry: 'functions/api/installer/get-project.ts',
    auth: 'installer',
    access: { table: 'read', secrets: ['jwt-signing'] },
    description: 'A project: site, instructions, charge points with status, checklist',
  },
  {
    kind: 'http',
    method: 'POST',
    path: '/api/v1/installer/projects/{project_id}/charge-points',
    entry: 'functions/api/installer/register-charge-point.ts',
    auth: 'installer',
    access: { table: 'readwrite', events: 'publish', secrets: ['jwt-signing'] },
    description: 'Register a charge point by serial and protocol; returns the provisioning password once',
  },
  {
    kind: 'http',
    method: 'PUT',
    path: '/api/v1/installer/projects/{project_id}/checklist/{item}',
    entry: 'functions/api/installer/record-checklist.ts',
    auth: 'installer',
    access: { table: 'readwrite', secrets: ['jwt-signing'] },
    description: 'Record one site checklist item',
  },
  {
    kind: 'http',
    method: 'POST',
    path: '/api/v1/installer/charge-points/{charge_point_id}/commissioning',
    entry: 'functions/api/installer/start-commissioning.ts',
    auth: 'installer',
    access: { table: 'readwrite', events: 'publish', secrets: ['jwt-signing'] },
    description: 'Start commissioning checks (202)',
  },
  {
    kind: 'http',
    method: 'GET',
    path: '/api/v1/installer/charge-points/{charge_point_id}/commissioning',
    entry: 'functions/api/installer/get-commissioning.ts',
    auth: 'installer',
    access: { table: 'readwrite', events: 'publish', secrets: ['jwt-signing'] },
    description: 'Commissioning status and checks',
  },
  {
    kind: 'http',
    method: 'PUT',
    path: '/api/v1/installer/charge-points/{charge_point_id}/firmware-version',
    entry: 'functions/api/installer/record-firmware-version.ts',
    auth: 'installer',
    access: { table: 'readwrite', events: 'publish', secrets: ['jwt-signing'] },
    description: 'Record by hand, with a reason, a firmware version the charge point does not report',
  },
  {
    kind: 'http',
    method: 'POST',
    path: '/api/v1/operator/teams',
    entry: 'functions/api/operator/create-team.ts',
    auth: 'operator',
    access: { table: 'readwrite' },
    description: 'Create a team (site owner)',
  },
  {
    kind: 'http',
    method: 'GET',
    path: '/api/v1/operator/teams',
    entry: 'functions/api/operator/list-teams.ts',
    auth: 'operator',
    access: { table: 'read' },
    description: 'List teams',
  },
  {
    kind: 'http',
    method: 'POST',
    path: '/api/v1/operator/sites',
    entry: 'functions/api/operator/create-site.ts',
    auth: 'operator',
    access: { table: 'readwrite' },
    description: 'Create a site',
  },
  {
    kind: 'http',
    method: 'GET',
    path: '/api/v1/operator/sites',
    entry: 'functions/api/operator/list-sites.ts',
    auth: 'operator',
    access: { table: 'read' },
    description: 'List sites',
  },
  {
    kind: 'http',
    method: 'POST',
    path: '/api/v1/operator/projects',
    entry: 'functions/api/operator/create-project.ts',
    auth: 'operator',
    access: { table: 'readwrite' },
    description: 'Create a project (installer job)',
  },
  {
    kind: 'http',
    method: 'GET',
    path: '/api/v1/operator/projects/{project_id}',
    entry: 'functions/api/operator/get-project.ts',
    auth: 'operator',
    access: { table: 'read' },
    description: 'A project with charge points, installers and checklist',
  },
  {
    kind: 'http',
    method: 'POST',
    path: '/api/v1/operator/projects/{project_id}/charge-points',
    entry: 'functions/api/operator/plan-charge-point.ts',
    auth: 'operator',
    access: { table: 'readwrite' },
    description: 'Plan a charge point on a project (serial optional)',
  },
  {
    kind: 'http',
    method: 'POST',
    path: '/api/v1/operator/projects/{project_id}/installers',
    entry: 'functions/api/operator/assign-installer.ts',
    auth: 'operator',
    access: { table: 'readwrite' },
    description: 'Assign an installer by email',
  },
  {
    kind: 'http',
    method: 'DELETE',
    path: '/api/v1/operator/projects/{project_id}/installers/{email}',
    entry: 'functions/api/operator/unassign-installer.ts',
    auth: 'operator',
    access: { table: 'readwrite' },
    description: 'Unassign an installer',
  },
  {
    kind: 'http',
    method: 'GET',
    path: '/api/v1/operator/projects',
    entry: 'functions/api/operator/list-projects.ts',
    auth: 'operator',
    access: { table: 'read' },
    description: "List the operator's projects with charge point counts",
  },
  {
    kind: 'http',
    method: 'GET',
    path: '/api/v1/operator/charge-points/{charge_point_id}',
    entry: 'functions/api/operator/get-charge-point.ts',
    auth: 'operator',
    access: { table: 'read' },
    description: 'A charge point with its combined status, connectors and boot data',
  },
  {
    kind: 'http',
    method: 'DELETE',
    path: '/api/v1/operator/charge-points/{charge_point_id}/serial',
    entry: 'functions/api/operator/release-serial.ts',
    auth: 'operator',
    access: { table: 'readwrite' },
    description: 'Release a serial held by mistake (only while no charger has connected as it)',
  },
  {
    kind: 'http',
    method: 'GET',
    path: '/api/v1/operator/charge-points/{charge_point_id}/logs',
    entry: 'functions/api/operator/list-charge-point-logs.ts',
    auth: 'operator',
    access: { table: 'read' },
    description: "A charge point's log, newest first, paged; filters category, action, direction, from/to and free text q; each entry with its colour and plain-words description",
  },
  {
    kind: 'http',
    method: 'GET',
    path: '/api/v1/operator/charge-points/{charge_point_id}/logs/export',
    entry: 'functions/api/operator/export-charge-point-logs.ts',
    auth: 'operator',
    access: { table: 'read' },
    description: "Export a charge point's log for a time range (at most 31 days) as CSV or NDJSON, oldest first",
  },
  {
    kind: 'http',
    method: 'GET',
    path: '/api/v1/operator/charge-points/{charge_point_id}/device-model',
    entry: 'functions/api/operator/get-device-model.ts',
    auth: 'operator',
    access: { table: 'read' },
    description: "A 2.0.1 charge point's device model: the NotifyReport answers to GetBaseReport/GetReport, newest first",
  },
  {
    kind: 'http',
    method: 'POST',
    path: '/api/v1/operator/charge-points/{charge_point_id}/commands',
    entry: 'functions/api/operator/send-command.ts',
    auth: 'operator',
    access: { table: 'readwrite', connections: 'manage', events: 'publish' },
    description: 'Send a command (Reset, TriggerMessage, …) and wait for the outcome',
  },
  {
    kind: 'http',
    method: 'POST',
    path: '/api/v1/operator/charge-points/{charge_point_id}/activate',
    entry: 'functions/api/operator/activate-charge-point.ts',
    auth: 'operator',
    // connections + events: ChangeAvailability(Operative) when the charger reports Unavailable.
    access: { table: 'readwrite', connections: 'manage', events: 'publish' },
    description: 'Open a charge point to drivers (ChangeAvailability Operative if the charger reports Unavailable)',
  },
  {
    kind: 'http',
    method: 'POST',
    path: '/api/v1/operator/charge-points/{charge_point_id}/actions',
    entry: 'functions/api/operator/run-remote-action.ts',
    auth: 'operator',
    access: { table: 'readwrite', connections: 'manage', events: 'publish' },
    description: 'Run a remote action (start, stop, unlock, reboot) and wait for the outcome',
  },
];


/**
 * Charging (issue #15): drivers and their id tokens, price groups and the defaults and free vend of
 * teams and charge points, and the charging sessions. Deployed by their own stack (API_STACKS).
 */
const CHARGING_ROUTES: readonly HttpRoute[] = inStack('ApiCharging', [
  {
    kind: 'http',
    method: 'GET',
    path: '/api/v1/operator/charge-points/{charge_point_id}/sessions',
    entry: 'functions/api/operator/list-charge-point-sessions.ts',
    auth: 'operator',
    access: { table: 'read' },
    description: "A charge point's charging sessions, newest first, paged, from/to on the start time",
  },
  {
    kind: 'http',
    method: 'GET',
    path: '/api/v1/operator/teams/{team_id}/sessions',
    entry: 'functions/api/operator/list-team-sessions.ts',
    auth: 'operator',
    access: { table: 'read' },
    description: "A team's charging sessions, newest first, paged, from/to on the start time",
  },
  {
    kind: 'http',
    method: 'GET',
    path: '/api/v1/operator/drivers/{user_id}/sessions',
    entry: 'functions/api/operator/list-driver-sessions.ts',
    auth: 'operator',
    access: { table: 'read' },
    description: "A driver's charging sessions, newest first, paged, from/to on the start time",
  },
  {
    kind: 'http',
    method: 'GET',
    path: '/api/v1/operator/sessions/{session_id}',
    entry: 'functions/api/operator/get-session.ts',
    auth: 'operator',
    access: { table: 'read' },
    description: "One charging session with its meter curve",
  },
  {
    kind: 'http',
    method: 'POST',
    path: '/api/v1/operator/drivers',
    entry: 'functions/api/operator/create-driver.ts',
    auth: 'operator',
    access: { table: 'readwrite' },
    description: 'Create a driver (a user who charges), optionally in a team',
  },
  {
    kind: 'http',
    method: 'GET',
    path: '/api/v1/operator/drivers',
    entry: 'functions/api/operator/list-drivers.ts',
    auth: 'operator',
    access: { table: 'read' },
    description: "List the operator's drivers, paged",
  },
  {
    kind: 'http',
    method: 'GET',
    path: '/api/v1/operator/drivers/{user_id}',
    entry: 'functions/api/operator/get-driver.ts',
    auth: 'operator',
    access: { table: 'read' },
    description: 'One driver',
  },
  {
    kind: 'http',
    method: 'PATCH',
    path: '/api/v1/operator/drivers/{user_id}',
    entry: 'functions/api/operator/update-driver.ts',
    auth: 'operator',
    access: { table: 'readwrite' },
    description: "Change a driver's name, email or team",
  },
  {
    kind: 'http',
    method: 'POST',
    path: '/api/v1/operator/drivers/{user_id}/id-tokens',
    entry: 'functions/api/operator/create-id-token.ts',
    auth: 'operator',
    access: { table: 'readwrite' },
    description: 'Give a driver an id token (RFID card, app token); unique per operator',
  },
  {
    kind: 'http',
    method: 'GET',
    path: '/api/v1/operator/drivers/{user_id}/id-tokens',
    entry: 'functions/api/operator/list-id-tokens.ts',
    auth: 'operator',
    access: { table: 'read' },
    description: "A driver's id tokens",
  },
  {
    kind: 'http',
    method: 'PATCH',
    path: '/api/v1/operator/drivers/{user_id}/id-tokens/{id_token}',
    entry: 'functions/api/operator/update-id-token.ts',
    auth: 'operator',
    access: { table: 'readwrite' },
    description: 'Block, unblock or set the expiry of an id token',
  },
  {
    kind: 'http',
    method: 'POST',
    path: '/api/v1/operator/price-groups',
    entry: 'functions/api/operator/create-price-group.ts',
    auth: 'operator',
    access: { table: 'readwrite' },
    description: 'Create a price group (currency, per kWh, start fee, per minute, VAT)',
  },
  {
    kind: 'http',
    method: 'GET',
    path: '/api/v1/operator/price-groups',
    entry: 'functions/api/operator/list-price-groups.ts',
    auth: 'operator',
    access: { table: 'read' },
    description: "List the operator's price groups",
  },
  {
    kind: 'http',
    method: 'GET',
    path: '/api/v1/operator/price-groups/{price_group_id}',
    entry: 'functions/api/operator/get-price-group.ts',
    auth: 'operator',
    access: { table: 'read' },
    description: 'One price group',
  },
  {
    kind: 'http',
    method: 'PATCH',
    path: '/api/v1/operator/price-groups/{price_group_id}',
    entry: 'functions/api/operator/update-price-group.ts',
    auth: 'operator',
    access: { table: 'readwrite' },
    description: 'Change a price group',
  },
  {
    kind: 'http',
    method: 'PUT',
    path: '/api/v1/operator/teams/{team_id}/price-group',
    entry: 'functions/api/operator/set-team-price-group.ts',
    auth: 'operator',
    access: { table: 'readwrite' },
    description: "Set or clear a team's default price group",
  },
  {
    kind: 'http',
    method: 'PUT',
    path: '/api/v1/operator/charge-points/{charge_point_id}/price-group',
    entry: 'functions/api/operator/set-charge-point-price-group.ts',
    auth: 'operator',
    access: { table: 'readwrite' },
    description: "Set or clear a charge point's default price group",
  },
  {
    kind: 'http',
    method: 'PUT',
    path: '/api/v1/operator/charge-points/{charge_point_id}/free-vend',
    entry: 'functions/api/operator/set-free-vend.ts',
    auth: 'operator',
    access: { table: 'readwrite' },
    description: 'Turn free vend (every token accepted) on or off for a charge point',
  },
]);

/**
 * Public job links (issue #14): the operator creates and revokes them; the public job API is what
 * the installer's phone calls with the token in the path (auth `none`: the token is the credential,
 * checked by domain/public-links.ts). Every public route writes (the per-client rate limit, the
 * link's `last_used_at`, audit entries), so each has `table: readwrite`.
 */
const JOB_LINK_ROUTES: readonly HttpRoute[] = inStack('ApiJobs', [
  {
    kind: 'http',
    method: 'POST',
    path: '/api/v1/operator/projects/{project_id}/public-links',
    entry: 'functions/api/operator/create-public-link.ts',
    auth: 'operator',
    access: { table: 'readwrite' },
    description: 'Create a no-login job link for the installer (default 30 days, at most 180); the token is shown once, in the url',
  },
  {
    kind: 'http',
    method: 'GET',
    path: '/api/v1/operator/projects/{project_id}/public-links',
    entry: 'functions/api/operator/list-public-links.ts',
    auth: 'operator',
    access: { table: 'read' },
    description: "A project's job links with their state and last use (never the token)",
  },
  {
    kind: 'http',
    method: 'DELETE',
    path: '/api/v1/operator/projects/{project_id}/public-links/{link_id}',
    entry: 'functions/api/operator/revoke-public-link.ts',
    auth: 'operator',
    access: { table: 'readwrite' },
    description: 'Revoke a job link at once (its page then says so and whom to ask)',
  },
  {
    kind: 'http',
    method: 'GET',
    path: '/api/v1/operator/charge-points/{charge_point_id}/notes',
    entry: 'functions/api/operator/list-charge-point-notes.ts',
    auth: 'operator',
    access: { table: 'read' },
    description: "A charge point's notes (installer's and operator's), oldest first",
  },
  {
    kind: 'http',
    method: 'POST',
    path: '/api/v1/operator/charge-points/{charge_point_id}/notes',
    entry: 'functions/api/operator/add-charge-point-note.ts',
    auth: 'operator',
    access: { table: 'readwrite' },
    description: 'Answer on a charge point: a note the job page shows next to the installer\'s',
  },
  {
    kind: 'http',
    method: 'GET',
    path: '/api/v1/public/jobs/{token}',
    entry: 'functions/api/public/job-get.ts',
    auth: 'none',
    access: { table: 'readwrite' },
    description: 'The job behind a job link, with every charge point; ETag / If-None-Match → 304 for polling',
  },
  {
    kind: 'http',
    method: 'PATCH',
    path: '/api/v1/public/jobs/{token}/charge-points/{charge_point_id}',
    entry: 'functions/api/public/job-patch-charge-point.ts',
    auth: 'none',
    // Registering a serial publishes charge_point.registered and seals the provisioning password.
    access: { table: 'readwrite', events: 'publish', webhookSecrets: 'seal' },
    description: 'Set the serial (registers it, or shows who holds it) and the connector position',
  },
  {
    kind: 'http',
    method: 'POST',
    path: '/api/v1/public/jobs/{token}/charge-points/{charge_point_id}/password',
    entry: 'functions/api/public/job-new-password.ts',
    auth: 'none',
    access: { table: 'readwrite', events: 'publish', webhookSecrets: 'seal' },
    description: 'Issue a new provisioning password; the old one stops working',
  },
  {
    kind: 'http',
    method: 'POST',
    path: '/api/v1/public/jobs/{token}/charge-points/{charge_point_id}/password/reveal',
    entry: 'functions/api/public/job-reveal-password.ts',
    auth: 'none',
    access: { table: 'readwrite', webhookSecrets: 'open' },
    description: 'Show the provisioning password again (409 once the charger uses its long-term password)',
  },
  {
    kind: 'http',
    method: 'POST',
    path: '/api/v1/public/jobs/{token}/charge-points/{charge_point_id}/actions',
    entry: 'functions/api/public/job-run-action.ts',
    auth: 'none',
    access: { table: 'readwrite', connections: 'manage', events: 'publish' },
    description: 'Start, stop, unlock or reboot, waiting at most 20 s for the charger',
  },
  {
    kind: 'http',
    method: 'GET',
    path: '/api/v1/public/jobs/{token}/charge-points/{charge_point_id}/log',
    entry: 'functions/api/public/job-charge-point-log.ts',
    auth: 'none',
    access: { table: 'readwrite' },
    description: "A job charge point's newest 50 log entries in plain words, colour-coded (no frames)",
  },
  {
    kind: 'http',
    method: 'POST',
    path: '/api/v1/public/jobs/{token}/charge-points/{charge_point_id}/notes',
    entry: 'functions/api/public/job-add-note.ts',
    auth: 'none',
    access: { table: 'readwrite' },
    description: 'Leave a note on a charge point for the operator',
  },
  {
    kind: 'http',
    method: 'POST',
    path: '/api/v1/public/jobs/{token}/complete',
    entry: 'functions/api/public/job-complete.ts',
    auth: 'none',
    // Activating charge points may send ChangeAvailability(Operative); completion publishes job.completed.
    access: { table: 'readwrite', connections: 'manage', events: 'publish' },
    description: 'Mark the job complete (optionally activating every charge point); the page turns read-only',
  },
]);

/**
 * Invitations, locations and teams (issue #16, docs/access.md): `account` routes whose use cases
 * resolve the caller's role on the location or team (lib/domain/locations.ts) and check it against
 * the one role × action table; the invitation preview is public (the token is the credential).
 */
const LOCATION_ROUTES: readonly HttpRoute[] = inStack('ApiPeople', [
  {
    kind: 'http',
    method: 'GET',
    path: '/api/v1/teams/{team_id}/members',
    entry: 'functions/api/people/list-team-members.ts',
    auth: 'account',
    access: { table: 'read', secrets: ['jwt-signing'] },
    description: "A team's members with their roles and rights (members of that team only)",
  },
  {
    kind: 'http',
    method: 'POST',
    path: '/api/v1/teams/{team_id}/members',
    entry: 'functions/api/people/invite-team-member.ts',
    auth: 'account',
    access: { table: 'readwrite', events: 'publish', secrets: ['jwt-signing'], webhookSecrets: 'seal' },
    description: 'Invite a member (admin or member, with rights; sensitive_data only by the owner)',
  },
  {
    kind: 'http',
    method: 'PATCH',
    path: '/api/v1/teams/{team_id}/members/{account_id}',
    entry: 'functions/api/people/update-team-member.ts',
    auth: 'account',
    access: { table: 'readwrite', secrets: ['jwt-signing'] },
    description: "Change a member's role and rights",
  },
  {
    kind: 'http',
    method: 'DELETE',
    path: '/api/v1/teams/{team_id}/members/{account_id}',
    entry: 'functions/api/people/remove-team-member.ts',
    auth: 'account',
    access: { table: 'readwrite', secrets: ['jwt-signing'] },
    description: 'Remove a member (never the last owner)',
  },
  {
    kind: 'http',
    method: 'POST',
    path: '/api/v1/locations',
    entry: 'functions/api/people/create-location.ts',
    auth: 'account',
    access: { table: 'readwrite', secrets: ['jwt-signing'] },
    description: 'An installer creates a location for a private customer of an operator it installs for (team, site, installation project, its grant)',
  },
  {
    kind: 'http',
    method: 'GET',
    path: '/api/v1/locations',
    entry: 'functions/api/people/list-locations.ts',
    auth: 'account',
    access: { table: 'read', secrets: ['jwt-signing'] },
    description: "The caller's locations: through team memberships and installer grants, with its role on each",
  },
  {
    kind: 'http',
    method: 'GET',
    path: '/api/v1/locations/{location_id}',
    entry: 'functions/api/people/get-location.ts',
    auth: 'account',
    access: { table: 'read', secrets: ['jwt-signing'] },
    description: "A location as the caller's role sees it (a lapsed installer: the chargers' connection status only)",
  },
  {
    kind: 'http',
    method: 'POST',
    path: '/api/v1/locations/{location_id}/charge-points',
    entry: 'functions/api/people/add-location-charge-point.ts',
    auth: 'account',
    access: { table: 'readwrite', events: 'publish', secrets: ['jwt-signing'] },
    description: "Add a charger through the installer API's registration: OCPP endpoint, password shown once, commissioning",
  },
  {
    kind: 'http',
    method: 'PATCH',
    path: '/api/v1/locations/{location_id}/charge-points/{charge_point_id}',
    entry: 'functions/api/people/reconfigure-location-charge-point.ts',
    auth: 'account',
    access: { table: 'readwrite', events: 'publish', secrets: ['jwt-signing'] },
    description: 'Reconfigure a charger (protocol, connectors, vendor, model): re-provisions it with a new password',
  },
  {
    kind: 'http',
    method: 'POST',
    path: '/api/v1/locations/{location_id}/charge-points/{charge_point_id}/commissioning',
    entry: 'functions/api/people/start-location-commissioning.ts',
    auth: 'account',
    access: { table: 'readwrite', events: 'publish', secrets: ['jwt-signing'] },
    description: "Start commissioning a charger of the location (the installer API's commissioning, reached through the location; 202)",
  },
  {
    kind: 'http',
    method: 'GET',
    path: '/api/v1/locations/{location_id}/charge-points/{charge_point_id}/commissioning',
    entry: 'functions/api/people/get-location-commissioning.ts',
    auth: 'account',
    // Reading moves an in-progress commissioning on (as on the installer API): writes and events.
    access: { table: 'readwrite', events: 'publish', secrets: ['jwt-signing'] },
    description: "A charger's commissioning status and checks",
  },
  {
    kind: 'http',
    method: 'GET',
    path: '/api/v1/locations/{location_id}/invitations',
    entry: 'functions/api/people/list-location-invitations.ts',
    auth: 'account',
    access: { table: 'read', secrets: ['jwt-signing'] },
    description: "The location's pending invitations, for whoever may invite to it",
  },
  {
    kind: 'http',
    method: 'POST',
    path: '/api/v1/locations/{location_id}/invitations',
    entry: 'functions/api/people/invite-to-location.ts',
    auth: 'account',
    access: { table: 'readwrite', events: 'publish', secrets: ['jwt-signing'], webhookSecrets: 'seal' },
    description: 'Invite the owner (installer or owner), an installer with or without sensitive data (owner), or a team member',
  },
  {
    kind: 'http',
    method: 'PUT',
    path: '/api/v1/locations/{location_id}/installers/{account_id}',
    entry: 'functions/api/people/set-installer-access.ts',
    auth: 'account',
    access: { table: 'readwrite', secrets: ['jwt-signing'] },
    description: "The owner sets an installer's full access: until a date or indefinitely, and the consent to sensitive data",
  },
  {
    kind: 'http',
    method: 'GET',
    path: '/api/v1/invitations/{token}',
    entry: 'functions/api/people/invitation-preview.ts',
    auth: 'none',
    access: { table: 'read' },
    description: 'Who invites to what, until when (404 unknown, 410 used, revoked or expired)',
  },
  {
    kind: 'http',
    method: 'POST',
    path: '/api/v1/invitations/{token}/accept',
    entry: 'functions/api/people/invitation-accept.ts',
    auth: 'account',
    access: { table: 'readwrite', secrets: ['jwt-signing'] },
    description: "Accept an invitation addressed to the signed-in account's email (single use)",
  },
  {
    kind: 'http',
    method: 'DELETE',
    path: '/api/v1/sent-invitations/{invitation_id}',
    entry: 'functions/api/people/revoke-invitation.ts',
    auth: 'account',
    access: { table: 'readwrite', secrets: ['jwt-signing'] },
    description: 'Revoke a pending invitation (its inviter, or an owner of the team it invites to)',
  },
  {
    kind: 'http',
    method: 'GET',
    path: '/api/v1/sent-invitations/{invitation_id}/qr.svg',
    entry: 'functions/api/people/invitation-qr.ts',
    auth: 'account',
    access: { table: 'read', secrets: ['jwt-signing'], webhookSecrets: 'open' },
    description: "The invitation link as a QR code (SVG), for the inviter to show on their phone",
  },
]);

/**
 * Charge cards of a location (issue #17 §2, docs/site-devices.md): cards, learning by tapping on a
 * charger, and the chargers' local authorisation lists (synced off the request path: events/rules.ts).
 */
const CARD_ROUTES: readonly HttpRoute[] = inStack('ApiDevices', [
  {
    kind: 'http',
    method: 'GET',
    path: '/api/v1/locations/{location_id}/cards',
    entry: 'functions/api/devices/list-location-cards.ts',
    auth: 'account',
    access: { table: 'read', secrets: ['jwt-signing'] },
    description: "The location's charge cards (its team's), with their owners",
  },
  {
    kind: 'http',
    method: 'POST',
    path: '/api/v1/locations/{location_id}/cards',
    entry: 'functions/api/devices/add-location-card.ts',
    auth: 'account',
    access: { table: 'readwrite', events: 'publish', secrets: ['jwt-signing'] },
    description: "Add a card from a learning capture or by its id token, named, owned by the team, a member or a named person",
  },
  {
    kind: 'http',
    method: 'PATCH',
    path: '/api/v1/locations/{location_id}/cards/{card_id}',
    entry: 'functions/api/devices/update-location-card.ts',
    auth: 'account',
    access: { table: 'readwrite', events: 'publish', secrets: ['jwt-signing'] },
    description: "Rename, block or unblock a card (a block is refused online at once and leaves the local lists)",
  },
  {
    kind: 'http',
    method: 'DELETE',
    path: '/api/v1/locations/{location_id}/cards/{card_id}',
    entry: 'functions/api/devices/remove-location-card.ts',
    auth: 'account',
    access: { table: 'readwrite', events: 'publish', secrets: ['jwt-signing'] },
    description: "Remove a card (it leaves the local lists)",
  },
  {
    kind: 'http',
    method: 'POST',
    path: '/api/v1/locations/{location_id}/charge-points/{charge_point_id}/card-learning',
    entry: 'functions/api/devices/open-card-learning.ts',
    auth: 'account',
    access: { table: 'readwrite', secrets: ['jwt-signing'] },
    description: "Open a card-learning window on one charger (30–600 s, default 120): the next tokens presented there are captured, not charged",
  },
  {
    kind: 'http',
    method: 'GET',
    path: '/api/v1/locations/{location_id}/charge-points/{charge_point_id}/card-learning',
    entry: 'functions/api/devices/get-card-learning.ts',
    auth: 'account',
    access: { table: 'read', secrets: ['jwt-signing'] },
    description: "The learning window: seconds left and the captured tokens (known or new)",
  },
  {
    kind: 'http',
    method: 'DELETE',
    path: '/api/v1/locations/{location_id}/charge-points/{charge_point_id}/card-learning',
    entry: 'functions/api/devices/end-card-learning.ts',
    auth: 'account',
    access: { table: 'readwrite', secrets: ['jwt-signing'] },
    description: "End the learning window now (its captures stay readable for an hour)",
  },
  {
    kind: 'http',
    method: 'GET',
    path: '/api/v1/locations/{location_id}/charge-points/{charge_point_id}/local-list',
    entry: 'functions/api/devices/get-local-list.ts',
    auth: 'account',
    access: { table: 'read', secrets: ['jwt-signing'] },
    description: "The charger's local authorisation list: supported, version, in sync, last error, what did not fit",
  },
]);

/**
 * A person on their own account (issue #16): any signed-in account, with the token of
 * /api/v1/installer/login (sign-up, login and password reset for every account stay there).
 */
const ACCOUNT_ROUTES: readonly HttpRoute[] = inStack('ApiPeople', [
  {
    kind: 'http',
    method: 'GET',
    path: '/api/v1/account',
    entry: 'functions/api/account/get-account.ts',
    auth: 'account',
    access: { table: 'read' },
    description: 'The signed-in account (id, email, name, verified, created)',
  },
  {
    kind: 'http',
    method: 'PUT',
    path: '/api/v1/account/email',
    entry: 'functions/api/account/change-email.ts',
    auth: 'account',
    access: { table: 'readwrite', events: 'publish' },
    description: 'Start an email change (with the password): a token to the new address, a notice to the old one',
  },
  {
    kind: 'http',
    method: 'POST',
    path: '/api/v1/account/email/verify',
    entry: 'functions/api/account/verify-email-change.ts',
    auth: 'account',
    access: { table: 'readwrite' },
    description: 'Apply an email change with the token from the new address; project assignments follow, older tokens stop working',
  },
]);

/**
 * Operator access (issue #16, docs/access.md): API keys and staff, admins only. Deployed by their own
 * stack (API_STACKS).
 */
export const OPERATOR_ACCESS_ROUTES: readonly HttpRoute[] = inStack('ApiPeople', [
  {
    kind: 'http',
    method: 'POST',
    path: '/api/v1/operator/api-keys',
    entry: 'functions/api/operator/create-api-key.ts',
    auth: 'operator',
    access: { table: 'readwrite' },
    description: 'Create an API key (full, read-only or named scopes, optional end); the key is shown once',
  },
  {
    kind: 'http',
    method: 'GET',
    path: '/api/v1/operator/api-keys',
    entry: 'functions/api/operator/list-api-keys.ts',
    auth: 'operator',
    access: { table: 'read' },
    description: "The operator's API keys with their scopes, state and last use (never the secret)",
  },
  {
    kind: 'http',
    method: 'DELETE',
    path: '/api/v1/operator/api-keys/{key_id}',
    entry: 'functions/api/operator/revoke-api-key.ts',
    auth: 'operator',
    access: { table: 'readwrite' },
    description: 'Revoke an API key at once',
  },
  {
    kind: 'http',
    method: 'POST',
    path: '/api/v1/operator/api-keys/{key_id}/rotate',
    entry: 'functions/api/operator/rotate-api-key.ts',
    auth: 'operator',
    access: { table: 'readwrite' },
    description: 'A new key with the same name and scopes; the old one keeps working for the overlap (default 24 h, at most 7 days)',
  },
  {
    kind: 'http',
    method: 'POST',
    path: '/api/v1/operator/staff',
    entry: 'functions/api/operator/invite-staff.ts',
    auth: 'operator',
    // The invitation's token is sealed (KMS) so its inviter can show it as a QR code; the mail goes through the bus.
    access: { table: 'readwrite', events: 'publish', webhookSecrets: 'seal' },
    description: 'Invite an email to the operator staff as admin, manager or installer (a single-use link, valid 7 days)',
  },
  {
    kind: 'http',
    method: 'POST',
    path: '/api/v1/operator/teams/{team_id}/owner-invitation',
    entry: 'functions/api/operator/invite-team-owner.ts',
    auth: 'operator',
    // As every invitation: the token sealed for the QR code, the mail through the bus.
    access: { table: 'readwrite', events: 'publish', webhookSecrets: 'seal' },
    description: 'Invite the owner of an existing team without one (a single-use link, valid 7 days): the CPO hands its locations over',
  },
  {
    kind: 'http',
    method: 'GET',
    path: '/api/v1/operator/staff',
    entry: 'functions/api/operator/list-staff.ts',
    auth: 'operator',
    access: { table: 'read' },
    description: "The operator's staff accounts and their roles",
  },
  {
    kind: 'http',
    method: 'PATCH',
    path: '/api/v1/operator/staff/{account_id}',
    entry: 'functions/api/operator/change-staff-role.ts',
    auth: 'operator',
    access: { table: 'readwrite' },
    description: "Change a staff member's role (the last admin stays admin)",
  },
  {
    kind: 'http',
    method: 'DELETE',
    path: '/api/v1/operator/staff/{account_id}',
    entry: 'functions/api/operator/remove-staff.ts',
    auth: 'operator',
    access: { table: 'readwrite' },
    description: 'Remove a staff member (not the last admin)',
  },
]);

/**
 * Site devices, backoffice connection (issue #17 §3, docs/site-devices.md): the location's side and
 * the side of the operator asked. Deployed by the ApiDevices stack.
 */
const BACKOFFICE_ROUTES: readonly HttpRoute[] = inStack('ApiDevices', [
  {
    kind: 'http',
    method: 'POST',
    path: '/api/v1/locations/{location_id}/charge-points/{charge_point_id}/backoffice',
    entry: 'functions/api/devices/connect-backoffice.ts',
    auth: 'account',
    access: { table: 'readwrite', connections: 'manage', events: 'publish', secrets: ['jwt-signing'] },
    description: 'Connect a charger to another operator\'s backoffice (billing or monitoring; pending until it accepts), or move it to an external one by its wss:// URL (2.0.1: SetNetworkProfile, SetVariables, Reset)',
  },
  {
    kind: 'http',
    method: 'GET',
    path: '/api/v1/locations/{location_id}/charge-points/{charge_point_id}/backoffice',
    entry: 'functions/api/devices/get-backoffice.ts',
    auth: 'account',
    access: { table: 'read', secrets: ['jwt-signing'] },
    description: 'A charger\'s backoffice connection: none, pending, connected (operator, role) or departed (where, when)',
  },
  {
    kind: 'http',
    method: 'DELETE',
    path: '/api/v1/locations/{location_id}/charge-points/{charge_point_id}/backoffice',
    entry: 'functions/api/devices/disconnect-backoffice.ts',
    auth: 'account',
    access: { table: 'readwrite', secrets: ['jwt-signing'] },
    description: 'Disconnect a charger from an operator\'s backoffice, or withdraw a pending request',
  },
  {
    kind: 'http',
    method: 'GET',
    path: '/api/v1/operator/backoffice-connections',
    entry: 'functions/api/devices/list-backoffice-connections.ts',
    auth: 'operator',
    access: { table: 'read' },
    description: 'The connection requests to this operator and the chargers connected to its backoffice',
  },
  {
    kind: 'http',
    method: 'GET',
    path: '/api/v1/operator/backoffice-connections/{charge_point_id}',
    entry: 'functions/api/devices/get-backoffice-connection.ts',
    auth: 'operator',
    access: { table: 'read' },
    description: 'A connection and, once connected, the charger\'s status',
  },
  {
    kind: 'http',
    method: 'POST',
    path: '/api/v1/operator/backoffice-connections/{charge_point_id}/accept',
    entry: 'functions/api/devices/accept-backoffice-connection.ts',
    auth: 'operator',
    access: { table: 'readwrite' },
    description: 'Accept a connection request (billing: with the price group to bill with)',
  },
  {
    kind: 'http',
    method: 'POST',
    path: '/api/v1/operator/backoffice-connections/{charge_point_id}/decline',
    entry: 'functions/api/devices/decline-backoffice-connection.ts',
    auth: 'operator',
    access: { table: 'readwrite' },
    description: 'Decline a connection request, or end a connection from the operator\'s side',
  },
  {
    kind: 'http',
    method: 'GET',
    path: '/api/v1/operator/backoffice-connections/{charge_point_id}/sessions',
    entry: 'functions/api/devices/list-backoffice-sessions.ts',
    auth: 'operator',
    access: { table: 'read' },
    description: 'The sessions this operator billed on a charger connected with the billing role',
  },
]);

/**
 * Operator routes take a staff account's access token as well as an API key (lib/http/operator-auth.ts),
 * so each reads the jwt-signing secret; derived here rather than repeated on every row. The secret is
 * read lazily, on the first staff token, so requests with API keys never fetch it.
 */
function withStaffTokens(rows: readonly HttpRoute[]): readonly HttpRoute[] {
  return rows.map((row) =>
    row.auth === 'operator' && !row.access.secrets?.includes('jwt-signing') ? { ...row, access: { ...row.access, secrets: [...(row.access.secrets ?? []), 'jwt-signing'] } } : row,
  );
}

/** The JSON API: every row has a REST contract entry (lib/api/contract.ts) and is in the OpenAPI document. */
/**
 * Site devices, serial + PIN (issue #17, docs/site-devices.md §1): the operator's catalogue of the
 * chargers it ships, and adding one to a location by the serial and PIN on its sticker.
 */
const DEVICE_ROUTES: readonly HttpRoute[] = inStack('ApiDevices', [
  {
    kind: 'http',
    method: 'PUT',
    path: '/api/v1/operator/devices/{serial}',
    entry: 'functions/api/devices/put-device.ts',
    auth: 'operator',
    access: { table: 'readwrite' },
    description: 'Load one charger the operator ships (serial, PIN, vendor, model, OCPP version, connectors); re-putting a serial updates it',
  },
  {
    kind: 'http',
    method: 'POST',
    path: '/api/v1/operator/devices/import',
    entry: 'functions/api/devices/import-devices.ts',
    auth: 'operator',
    access: { table: 'readwrite' },
    description: 'Load chargers from a CSV file (serial,pin,vendor,model,ocpp_protocol,connectors): all rows or none',
  },
  {
    kind: 'http',
    method: 'GET',
    path: '/api/v1/operator/devices',
    entry: 'functions/api/devices/list-devices.ts',
    auth: 'operator',
    access: { table: 'read' },
    description: "The operator's catalogue of chargers, paged (never a PIN)",
  },
  {
    kind: 'http',
    method: 'GET',
    path: '/api/v1/operator/devices/{serial}',
    entry: 'functions/api/devices/get-device.ts',
    auth: 'operator',
    access: { table: 'read' },
    description: 'One charger of the catalogue (never its PIN)',
  },
  {
    kind: 'http',
    method: 'POST',
    path: '/api/v1/locations/{location_id}/charge-points/by-serial',
    entry: 'functions/api/devices/add-by-serial.ts',
    auth: 'account',
    // readwrite: wrong attempts are counted (the locks) besides the registration itself.
    access: { table: 'readwrite', events: 'publish', secrets: ['jwt-signing'] },
    description: 'Add a charger by the serial and PIN on its sticker: registered as POST …/charge-points registers one (endpoint, password once, commissioning)',
  },
]);

/**
 * Power management (issue #18, docs/power.md): a location's settings, meters and allocation
 * (`account` routes checked against the location's role × action table), and the meters' ingestion
 * route (auth `none`: the meter's own secret is the credential, checked by the use case). Deployed by
 * their own stack (API_STACKS).
 */
export const POWER_ROUTES: readonly HttpRoute[] = inStack('ApiPower', [
  {
    kind: 'http',
    method: 'GET',
    path: '/api/v1/locations/{location_id}/power',
    entry: 'functions/api/power/get-settings.ts',
    auth: 'account',
    access: { table: 'read', secrets: ['jwt-signing'] },
    description: "The location's power settings (fuse, phases, mode, distribution, meter, ramp-up) and each charger's",
  },
  {
    kind: 'http',
    method: 'PUT',
    path: '/api/v1/locations/{location_id}/power',
    entry: 'functions/api/power/put-settings.ts',
    auth: 'account',
    access: { table: 'readwrite', events: 'publish', secrets: ['jwt-signing'] },
    description: "Set the location's power settings (validated, the field named); replans the location",
  },
  {
    kind: 'http',
    method: 'PUT',
    path: '/api/v1/locations/{location_id}/power/charge-points/{charge_point_id}',
    entry: 'functions/api/power/put-charge-point.ts',
    auth: 'account',
    access: { table: 'readwrite', events: 'publish', secrets: ['jwt-signing'] },
    description: "A charger's power settings: max A, phases, the phase of a single-phase charger, priority; clears a refusal flag",
  },
  {
    kind: 'http',
    method: 'POST',
    path: '/api/v1/locations/{location_id}/power/meters',
    entry: 'functions/api/power/create-meter.ts',
    auth: 'account',
    access: { table: 'readwrite', secrets: ['jwt-signing'] },
    description: 'Add a site meter; its secret is shown once (only its hash is kept)',
  },
  {
    kind: 'http',
    method: 'GET',
    path: '/api/v1/locations/{location_id}/power/meters',
    entry: 'functions/api/power/list-meters.ts',
    auth: 'account',
    access: { table: 'read', secrets: ['jwt-signing'] },
    description: "The location's meters with their last reading and whether it is stale (never the secret)",
  },
  {
    kind: 'http',
    method: 'DELETE',
    path: '/api/v1/locations/{location_id}/power/meters/{meter_id}',
    entry: 'functions/api/power/delete-meter.ts',
    auth: 'account',
    access: { table: 'readwrite', events: 'publish', secrets: ['jwt-signing'] },
    description: 'Remove a meter (the site falls back to its static reserve if it was the grid meter)',
  },
  {
    kind: 'http',
    method: 'POST',
    path: '/api/v1/meters/{meter_id}/readings',
    entry: 'functions/api/power/post-reading.ts',
    auth: 'none',
    access: { table: 'readwrite', events: 'publish' },
    description: "A meter's reading, with the meter's secret as bearer token: validated (units, ranges, phases, clock skew, order), rate-limited per meter",
  },
  {
    kind: 'http',
    method: 'GET',
    path: '/api/v1/locations/{location_id}/power/allocation',
    entry: 'functions/api/power/get-allocation.ts',
    auth: 'account',
    access: { table: 'read', secrets: ['jwt-signing'] },
    description: "The current budget and its source, each charger's limit and why, flagged chargers, and the history",
  },
]);

/**
 * PowerBank enrolment (issue #19, lib/domain/powerbank): the location and team side (`account`, checked
 * against the location's role × action table) and the operator side. Deployed by their own stack.
 */
export const POWERBANK_ROUTES: readonly HttpRoute[] = inStack('ApiPowerBank', [
  {
    kind: 'http',
    method: 'PATCH',
    path: '/api/v1/locations/{location_id}',
    entry: 'functions/api/powerbank/patch-location.ts',
    auth: 'account',
    access: { table: 'readwrite', events: 'publish', secrets: ['jwt-signing'] },
    description: "Change a location's address, country, postcode or grid region (what its bidding zone follows); runs its PowerBank region check",
  },
  {
    kind: 'http',
    method: 'GET',
    path: '/api/v1/locations/{location_id}/powerbank',
    entry: 'functions/api/powerbank/get-location.ts',
    auth: 'account',
    access: { table: 'read', secrets: ['jwt-signing'] },
    description: "The location's bidding zone and each charge point: eligible, incompatible or ineligible with the reason, and its enrolment",
  },
  {
    kind: 'http',
    method: 'PUT',
    path: '/api/v1/locations/{location_id}/powerbank/charge-points/{charge_point_id}',
    entry: 'functions/api/powerbank/put-location-charge-point.ts',
    auth: 'account',
    access: { table: 'readwrite', events: 'publish', secrets: ['jwt-signing'] },
    description: 'Sign one charge point up (terms accepted; a Facility ID in Sweden) or opt it out',
  },
  {
    kind: 'http',
    method: 'POST',
    path: '/api/v1/teams/{team_id}/powerbank/sign-up',
    entry: 'functions/api/powerbank/team-sign-up.ts',
    auth: 'account',
    access: { table: 'readwrite', events: 'publish', secrets: ['jwt-signing'] },
    description: 'Sign up every eligible, compatible charge point of the team, or a selection (all Swedish ones need their Facility ID, else none is)',
  },
  {
    kind: 'http',
    method: 'GET',
    path: '/api/v1/operator/powerbank/charge-points',
    entry: 'functions/api/powerbank/operator-preview.ts',
    auth: 'operator',
    access: { table: 'read' },
    description: "The sign-up preview of the operator's charge points (or one team's): eligibility, reason, enrolment",
  },
  {
    kind: 'http',
    method: 'POST',
    path: '/api/v1/operator/powerbank/sign-up',
    entry: 'functions/api/powerbank/operator-sign-up.ts',
    auth: 'operator',
    access: { table: 'readwrite', events: 'publish' },
    description: "Bulk sign-up within one of the operator's teams",
  },
  {
    kind: 'http',
    method: 'PUT',
    path: '/api/v1/operator/powerbank/charge-points/{charge_point_id}',
    entry: 'functions/api/powerbank/operator-toggle.ts',
    auth: 'operator',
    access: { table: 'readwrite', events: 'publish' },
    description: 'Sign one charge point up or opt it out, for the operator',
  },
  {
    kind: 'http',
    method: 'GET',
    path: '/api/v1/operator/powerbank/compatibility',
    entry: 'functions/api/powerbank/get-compatibility.ts',
    auth: 'operator',
    access: { table: 'read' },
    description: "The compatible models (the repository's list, its source and date) and the operator's overrides",
  },
  {
    kind: 'http',
    method: 'PUT',
    path: '/api/v1/operator/powerbank/compatibility',
    entry: 'functions/api/powerbank/put-compatibility.ts',
    auth: 'operator',
    access: { table: 'readwrite' },
    description: 'Mark a model compatible or incompatible for this operator (wins over the list)',
  },
  {
    kind: 'http',
    method: 'GET',
    path: '/api/v1/operator/powerbank/region-checks',
    entry: 'functions/api/powerbank/list-region-checks.ts',
    auth: 'operator',
    access: { table: 'read' },
    description: 'What the region checks changed, newest first',
  },
  {
    kind: 'http',
    method: 'POST',
    path: '/api/v1/operator/powerbank/activations',
    entry: 'functions/api/powerbank/post-activation.ts',
    auth: 'operator',
    access: { table: 'readwrite', events: 'publish' },
    description: 'Record a flexibility activation (idempotent by external_id) and start it off the request path',
  },
  {
    kind: 'http',
    method: 'GET',
    path: '/api/v1/operator/powerbank/activations',
    entry: 'functions/api/powerbank/list-activations.ts',
    auth: 'operator',
    access: { table: 'read' },
    description: "The operator's flexibility activations, newest first",
  },
  {
    kind: 'http',
    method: 'GET',
    path: '/api/v1/operator/powerbank/activations/{activation_id}',
    entry: 'functions/api/powerbank/get-activation.ts',
    auth: 'operator',
    access: { table: 'read' },
    description: "An activation's report: chargers asked, their answers and response times, the power shed as measured",
  },
]);

export const API_ROUTES: readonly HttpRoute[] = withStaffTokens([...CORE_HTTP_ROUTES, ...CHARGING_ROUTES, ...JOB_LINK_ROUTES, ...WEBHOOK_ROUTES, ...ACCOUNT_ROUTES, ...LOCATION_ROUTES, ...OPERATOR_ACCESS_ROUTES, ...DEVICE_ROUTES, ...CARD_ROUTES, ...BACKOFFICE_ROUTES, ...POWER_ROUTES, ...POWERBANK_ROUTES]);

/**
 * Pages for people, on the same origin as the API (the same port locally, the same HTTP API on AWS):
 * they answer HTML or static files, not JSON, so they are not part of the REST contract. Each is an
 * ordinary row otherwise: one function, one route, least-privilege grants.
 */
export const PAGE_ROUTES: readonly HttpRoute[] = inStack('ApiJobs', [
  {
    kind: 'http',
    method: 'GET',
    path: '/jobs/{token}',
    entry: 'functions/api/public/job-page.ts',
    auth: 'none',
    // readwrite: resolving the link (unknown, expired, revoked) reads it and records when it was
    // last used, and the per-client limit counts requests; the job itself is loaded by the page's
    // script from the public JSON API.
    access: { table: 'readwrite' },
    description: 'The installer job page (issue #14): the app shell for a valid link, else a plain 404/410 page',
  },
  {
    kind: 'http',
    method: 'GET',
    path: '/jobs/assets/{file}',
    entry: 'functions/api/public/job-page-asset.ts',
    auth: 'none',
    access: {},
    description: "The pages' scripts and style sheet, the invitation page's too (content-hashed names, cached for a year)",
  },
  {
    kind: 'http',
    method: 'GET',
    path: '/invitations/{token}',
    entry: 'functions/api/public/invitation-page.ts',
    auth: 'none',
    // read: the link is resolved (unknown, used, expired) as the JSON preview does; the invitation
    // itself is loaded by the page's script from GET /api/v1/invitations/{token}.
    access: { table: 'read' },
    description: 'The invitation page (issue #16) the mailed link and QR code open: preview, sign in or sign up, accept; else a plain 404/410 page',
  },
]);

/** Every HTTP API row: what the CDK stack deploys and the local runtime serves. */
export const HTTP_ROUTES: readonly HttpRoute[] = [...API_ROUTES, ...PAGE_ROUTES];

export const HTTP_FALLBACK_ROUTE: HttpFallbackRoute = {
  kind: 'http-fallback',
  routeKey: '$default',
  entry: 'functions/api/public/unmatched.ts',
  access: {},
  description: 'Any request no route matches: problem+json 404, or 405 with Allow',
};

export const ROUTES: readonly Route[] = [...WS_ROUTES, ...HTTP_ROUTES, HTTP_FALLBACK_ROUTE];

