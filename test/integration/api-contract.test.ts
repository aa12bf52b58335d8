// The OpenAPI document is the contract: this walks every route of lib/routes.ts through the local
// runtime (a whole job: set-up, sign-up, registration, commissioning with a strict OCPP client,
// checklist, handover, commands, webhooks) and checks every answer against GET /api/openapi.json:
// the status is one the operation declares, the content type is the declared one, and the body
// validates (ajv) against the declared schema. Every route must answer its success status once.
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { RPCClient } from 'ocpp-rpc';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LocalRuntime } from '../../local/runtime';
import { putDriver } from '../../lib/db/drivers';
import { createOperator } from '../../lib/domain/operator-setup';
import { addStaffMember } from '../../lib/domain/operator-staff';
import { setBackofficeProbe } from '../../lib/ocpp/backoffice-probe';
import { API_ROUTES } from '../../lib/routes';
import { aSignedInAccount, anEmail } from './support/api';
import { aConnectedClient, aRegisteredChargePoint, basic, behaveLikeACharger, BOOT, markCommissioned, upgradeStatus } from './support/ocpp';
import { startTestRuntime } from './support/runtime';
import { aSinkServer } from './support/webhooks';

interface Operation {
  responses: Record<string, { content?: Record<string, { schema: Record<string, unknown> }> }>;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown> };
}
interface Answer {
  readonly route: string;
  readonly status: number;
  readonly contentType: string | null;
  readonly text: string;
}

let rt: LocalRuntime;
let receiver: Awaited<ReturnType<typeof aSinkServer>>;
let client: RPCClient | undefined;
let locationClient: RPCClient | undefined;
let movingClient: RPCClient | undefined;
let cardsClient: RPCClient | undefined;
const answers: Answer[] = [];

beforeAll(async () => {
  rt = await startTestRuntime();
  receiver = await aSinkServer();
});
afterAll(async () => {
  await client?.close({ force: true }).catch(() => undefined);
  await locationClient?.close({ force: true }).catch(() => undefined);
  await movingClient?.close({ force: true }).catch(() => undefined);
  setBackofficeProbe(undefined);
  await cardsClient?.close({ force: true }).catch(() => undefined);
  await rt?.stop();
  await receiver?.close();
});

/** Calls `METHOD /path/{param}` with the given values, records the answer under its route key. */
async function call<T = Record<string, unknown>>(route: string, opts: { params?: Record<string, string>; query?: string; token?: string; body?: unknown; csv?: string; headers?: Record<string, string> } = {}) {
  const [method, template] = route.split(' ') as [string, string];
  const path = template.replace(/\{([^}]+)\}/g, (_m, name: string) => encodeURIComponent(opts.params?.[name] ?? ''));
  // `csv`: a text/csv body sent as it is (the device catalogue import) instead of JSON.
  const payload = opts.csv ?? (opts.body !== undefined ? JSON.stringify(opts.body) : undefined);
  const res = await fetch(`${rt.url}${path}${opts.query ?? ''}`, {
    method,
    headers: { ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}), ...(payload !== undefined ? { 'content-type': opts.csv !== undefined ? 'text/csv' : 'application/json' } : {}), ...opts.headers },
    ...(payload !== undefined ? { body: payload } : {}),
  });
  const text = await res.text();
  const contentType = res.headers.get('content-type');
  answers.push({ route, status: res.status, contentType, text });
  const json = /json/.test(contentType ?? 'json') && !/ndjson/.test(contentType ?? '');
  return { status: res.status, body: (text && json ? JSON.parse(text) : {}) as T, etag: res.headers.get('etag') };
}

describe('every route against the OpenAPI document', () => {
  it('walks a whole job through every route', async () => {
    const op = rt.seed!.operatorApiKey;
    const email = anEmail('contract');
    const password = 'Correct-Horse-42';

    await call('GET /api/openapi.json');
    const sub = await call<{ id: string }>('POST /api/v1/operator/webhooks', { token: op, body: { url: receiver.url() } });
    const subscription_id = sub.body.id;

    const team = await call<{ team_id: string }>('POST /api/v1/operator/teams', { token: op, body: { name: 'Harbour Car Parks Ltd', owner_email: 'owner@harbour.example' } });
    await call('GET /api/v1/operator/teams', { token: op });
    const site = await call<{ site_id: string }>('POST /api/v1/operator/sites', { token: op, body: { team_id: team.body.team_id, name: 'Quay', address: '1 Quay Street', country: 'GB' } });
    await call('GET /api/v1/operator/sites', { token: op });
    const project = await call<{ project_id: string }>('POST /api/v1/operator/projects', { token: op, body: { job_number: 'JOB-1', name: 'Quay wallbox', site_id: site.body.site_id } });
    const project_id = project.body.project_id;
    await call('GET /api/v1/operator/projects', { token: op });
    await call('GET /api/v1/operator/projects/{project_id}', { token: op, params: { project_id } });
    await call('POST /api/v1/operator/projects/{project_id}/charge-points', { token: op, params: { project_id }, body: { connector_count: 1 } });
    await call('POST /api/v1/operator/projects/{project_id}/installers', { token: op, params: { project_id }, body: { email: 'someone.else@example.com' } });
    await call('DELETE /api/v1/operator/projects/{project_id}/installers/{email}', { token: op, params: { project_id, email: 'someone.else@example.com' } });
    await call('POST /api/v1/operator/projects/{project_id}/installers', { token: op, params: { project_id }, body: { email } });

    await call('POST /api/v1/installer/signup', { body: { email, password, name: 'Ina Installer' } }); // 202
    await call('POST /api/v1/installer/login', { body: { email, password } }); // 403: not verified yet
    await call('POST /api/v1/installer/resend-verification', { body: { email } }); // 202: only the newest token works
    await rt.drain();
    const newest = (prefix: string) => {
      const found = rt.outbox.list({ to: email }).map((m) => new RegExp(`${prefix}: (\\S+)`).exec(m.text ?? '')?.[1]).filter(Boolean);
      return found[0]!; // the outbox lists newest first
    };
    await call('POST /api/v1/installer/verify-email', { body: { token: newest('Verification token'), password } });
    await call('POST /api/v1/installer/password-reset/request', { body: { email } }); // 202
    await rt.drain();
    await call('POST /api/v1/installer/password-reset', { body: { token: newest('Reset token'), password } });
    await call('POST /api/v1/installer/login', { body: { email, password: 'Wrong-Horse-42' } }); // 401
    const login = await call<{ access_token: string }>('POST /api/v1/installer/login', { body: { email, password } });
    const token = login.body.access_token;
    await call('GET /api/v1/installer/projects', { token });
    await call('GET /api/v1/installer/projects/{project_id}', { token, params: { project_id } });
    await call('POST /api/v1/installer/projects/{project_id}/handover', { token, params: { project_id } }); // 403: nothing done yet

    const reg = await call<{ charge_point_id: string; charge_point_identity: string; provisioning_password: string }>('POST /api/v1/installer/projects/{project_id}/charge-points', {
      token,
      params: { project_id },
      body: { serial_number: `CONTRACT-${Date.now().toString(36)}`.toUpperCase(), ocpp_protocol: 'ocpp1.6' },
    });
    const charge_point_id = reg.body.charge_point_id;
    // Recorded by hand before the charger says anything; its own BootNotification then replaces it.
    await call('PUT /api/v1/installer/charge-points/{charge_point_id}/firmware-version', { token, params: { charge_point_id }, body: { version: '1.0.0', reason: 'label on the board' } });
    // A charger with a wrong password first: the commissioning status says why it will not connect.
    expect(await upgradeStatus(`${rt.ocppUrl}/${reg.body.charge_point_identity}`, { protocols: ['ocpp1.6'], authorization: basic(reg.body.charge_point_identity, 'f'.repeat(40)) })).toBe(401);
    await rt.drain();
    const refused = await call<{ last_failed_attempt: { cause: string; message: string } | null }>('GET /api/v1/installer/charge-points/{charge_point_id}/commissioning', { token, params: { charge_point_id } });
    expect(refused.body.last_failed_attempt).toMatchObject({ cause: 'wrong_password', message: expect.stringMatching(/^Wrong password: /) });
    client = await aConnectedClient(rt, { identity: reg.body.charge_point_identity, password: reg.body.provisioning_password, protocol: 'ocpp1.6' });
    behaveLikeACharger(client, 'ocpp1.6', {});
    await client.call('BootNotification', BOOT['ocpp1.6']);
    await call('POST /api/v1/installer/charge-points/{charge_point_id}/commissioning', { token, params: { charge_point_id } });
    await vi.waitFor(
      async () => {
        const s = await call<{ status: string }>('GET /api/v1/installer/charge-points/{charge_point_id}/commissioning', { token, params: { charge_point_id } });
        expect(s.body.status).toBe('completed');
      },
      { timeout: 15_000, interval: 250 },
    );
    for (const item of ['meter_calibration', 'emergency_stop_tested', 'cable_management_inspected', 'enclosure_ip_rating_inspected', 'site_owner_briefed']) {
      await call('PUT /api/v1/installer/projects/{project_id}/checklist/{item}', { token, params: { project_id, item }, body: { result: 'passed' } });
    }
    await call('POST /api/v1/installer/projects/{project_id}/handover', { token, params: { project_id } });
    await call('GET /api/v1/installer/projects/{project_id}/handover', { token, params: { project_id } });
    await call('GET /api/v1/operator/projects/{project_id}/handover', { token: op, params: { project_id } });
    await call('PUT /api/v1/installer/projects/{project_id}/checklist/{item}', { token, params: { project_id, item: 'site_owner_briefed' }, body: { result: 'passed' } }); // 423

    await call('GET /api/v1/operator/charge-points/{charge_point_id}', { token: op, params: { charge_point_id } });
    await call('GET /api/v1/operator/charge-points/{charge_point_id}/logs', { token: op, params: { charge_point_id }, query: '?limit=2' });
    const range = `?from=${new Date(Date.now() - 3600_000).toISOString()}&to=${new Date(Date.now() + 60_000).toISOString()}`;
    await call('GET /api/v1/operator/charge-points/{charge_point_id}/logs/export', { token: op, params: { charge_point_id }, query: `${range}&format=csv` });
    await call('GET /api/v1/operator/charge-points/{charge_point_id}/logs/export', { token: op, params: { charge_point_id }, query: `${range}&format=ndjson` });
    await call('GET /api/v1/operator/charge-points/{charge_point_id}/device-model', { token: op, params: { charge_point_id } });
    // A serial registered by mistake (on the seed project: this job is handed over by now), released by the operator before any charger used it.
    const mistake = await aRegisteredChargePoint(rt, { protocol: 'ocpp1.6' });
    await call('DELETE /api/v1/operator/charge-points/{charge_point_id}/serial', { token: op, params: { charge_point_id: mistake.chargePoint.chargePointId } });
    await call('POST /api/v1/operator/charge-points/{charge_point_id}/commands', { token: op, params: { charge_point_id }, body: { action: 'TriggerMessage', payload: { requestedMessage: 'Heartbeat' } } });
    await call('POST /api/v1/operator/charge-points/{charge_point_id}/activate', { token: op, params: { charge_point_id } });
    client.handle('UnlockConnector', async () => ({ status: 'Unlocked' }));
    await call('POST /api/v1/operator/charge-points/{charge_point_id}/actions', { token: op, params: { charge_point_id }, body: { action: 'unlock' } });
    // A charging session on it, then the session routes (issue #15).
    await putDriver({ operatorId: rt.seed!.operatorId, userId: 'usr_contract', name: 'Dana Driver', createdAt: new Date().toISOString(), updatedAt: new Date().toISOString() });
    const started = (await client.call('StartTransaction', { connectorId: 1, idTag: 'CONTRACT-CARD', meterStart: 0, timestamp: new Date().toISOString() })) as { transactionId: number };
    await client.call('MeterValues', { connectorId: 1, transactionId: started.transactionId, meterValue: [{ timestamp: new Date().toISOString(), sampledValue: [{ value: '500' }] }] });
    await client.call('StopTransaction', { transactionId: started.transactionId, meterStop: 1000, timestamp: new Date().toISOString() });
    const sessions = await call<{ sessions: Array<{ session_id: string }> }>('GET /api/v1/operator/charge-points/{charge_point_id}/sessions', { token: op, params: { charge_point_id }, query: '?limit=1' });
    await call('GET /api/v1/operator/teams/{team_id}/sessions', { token: op, params: { team_id: team.body.team_id }, query: `?from=${encodeURIComponent('2020-01-01T00:00:00Z')}` });
    await call('GET /api/v1/operator/drivers/{user_id}/sessions', { token: op, params: { user_id: 'usr_contract' } });
    await call('GET /api/v1/operator/sessions/{session_id}', { token: op, params: { session_id: sessions.body.sessions[0]!.session_id } });
    await call('GET /api/v1/operator/sessions/{session_id}', { token: op, params: { session_id: 'ses_nope' } }); // 404

    // Drivers, id tokens, price groups, free vend (issue #15).
    const driver = await call<{ user_id: string }>('POST /api/v1/operator/drivers', { token: op, body: { name: 'Dana Driver', team_id: team.body.team_id } });
    const user_id = driver.body.user_id;
    await call('POST /api/v1/operator/drivers', { token: op, body: { name: 'Dana Again', user_id } }); // 409
    await call('GET /api/v1/operator/drivers', { token: op, query: '?limit=10' });
    await call('GET /api/v1/operator/drivers/{user_id}', { token: op, params: { user_id } });
    await call('PATCH /api/v1/operator/drivers/{user_id}', { token: op, params: { user_id }, body: { email: 'dana@example.com' } });
    const id_token = `CONTRACT-${Date.now().toString(36)}`.toUpperCase();
    await call('POST /api/v1/operator/drivers/{user_id}/id-tokens', { token: op, params: { user_id }, body: { id_token, expires_at: '2099-01-01T00:00:00Z' } });
    await call('POST /api/v1/operator/drivers/{user_id}/id-tokens', { token: op, params: { user_id }, body: { id_token } }); // 409
    await call('GET /api/v1/operator/drivers/{user_id}/id-tokens', { token: op, params: { user_id } });
    await call('PATCH /api/v1/operator/drivers/{user_id}/id-tokens/{id_token}', { token: op, params: { user_id, id_token }, body: { status: 'blocked', expires_at: null } });
    const group = await call<{ price_group_id: string }>('POST /api/v1/operator/price-groups', {
      token: op,
      body: { name: 'Standard', currency: 'EUR', price_per_kwh_minor: 35, start_fee_minor: 100, vat_rate_basis_points: 2100 },
    });
    const price_group_id = group.body.price_group_id;
    await call('POST /api/v1/operator/price-groups', { token: op, body: { name: 'Bad', currency: 'EURO', price_per_kwh_minor: 1, vat_rate_basis_points: 0 } }); // 400
    await call('GET /api/v1/operator/price-groups', { token: op });
    await call('GET /api/v1/operator/price-groups/{price_group_id}', { token: op, params: { price_group_id } });
    await call('PATCH /api/v1/operator/price-groups/{price_group_id}', { token: op, params: { price_group_id }, body: { per_minute_minor: 2, start_fee_minor: null } });
    await call('PUT /api/v1/operator/teams/{team_id}/price-group', { token: op, params: { team_id: team.body.team_id }, body: { price_group_id } });
    await call('PUT /api/v1/operator/charge-points/{charge_point_id}/price-group', { token: op, params: { charge_point_id }, body: { price_group_id } });
    await call('PUT /api/v1/operator/charge-points/{charge_point_id}/free-vend', { token: op, params: { charge_point_id }, body: { free_vend: true } });

    // A second job on the same site, handed to an installer through a public job link (issue #14).
    const job = await call<{ project_id: string }>('POST /api/v1/operator/projects', { token: op, body: { job_number: 'JOB-2', name: 'Quay second wallbox', site_id: site.body.site_id } });
    const job_id = job.body.project_id;
    const planned = await call<{ charge_point_id: string }>('POST /api/v1/operator/projects/{project_id}/charge-points', {
      token: op,
      params: { project_id: job_id },
      body: { connector_count: 1, ocpp_protocol: 'ocpp2.0.1' },
    });
    const jp = { charge_point_id: planned.body.charge_point_id };
    const link = await call<{ link_id: string; url: string }>('POST /api/v1/operator/projects/{project_id}/public-links', { token: op, params: { project_id: job_id }, body: {} });
    const jobToken = link.body.url.split('/jobs/')[1]!;
    await call('GET /api/v1/operator/projects/{project_id}/public-links', { token: op, params: { project_id: job_id } });
    const seen = await call('GET /api/v1/public/jobs/{token}', { params: { token: jobToken } });
    await call('GET /api/v1/public/jobs/{token}', { params: { token: jobToken }, headers: { 'if-none-match': seen.etag! } }); // 304
    await call('PATCH /api/v1/public/jobs/{token}/charge-points/{charge_point_id}', {
      params: { token: jobToken, ...jp },
      body: { serial: `LINK-${Date.now().toString(36)}`.toUpperCase(), connector_position: 'left' },
    });
    await call('POST /api/v1/public/jobs/{token}/charge-points/{charge_point_id}/password', { params: { token: jobToken, ...jp } });
    await call('POST /api/v1/public/jobs/{token}/charge-points/{charge_point_id}/password/reveal', { params: { token: jobToken, ...jp } });
    await call('POST /api/v1/public/jobs/{token}/charge-points/{charge_point_id}/actions', { params: { token: jobToken, ...jp }, body: { action: 'reboot' } }); // not_connected
    await call('POST /api/v1/public/jobs/{token}/charge-points/{charge_point_id}/notes', { params: { token: jobToken, ...jp }, body: { text: 'Mounted left of the door' } });
    await call('GET /api/v1/public/jobs/{token}/charge-points/{charge_point_id}/log', { params: { token: jobToken, ...jp } });
    await call('POST /api/v1/operator/charge-points/{charge_point_id}/notes', { token: op, params: jp, body: { text: 'Thanks' } });
    await call('GET /api/v1/operator/charge-points/{charge_point_id}/notes', { token: op, params: jp });
    await call('POST /api/v1/public/jobs/{token}/complete', { params: { token: jobToken }, body: { activate_all: false } });
    await call('PATCH /api/v1/public/jobs/{token}/charge-points/{charge_point_id}', { params: { token: jobToken, ...jp }, body: { connector_position: 'right' } }); // 409
    await call('DELETE /api/v1/operator/projects/{project_id}/public-links/{link_id}', { token: op, params: { project_id: job_id, link_id: link.body.link_id } });
    await call('GET /api/v1/public/jobs/{token}', { params: { token: jobToken } }); // 410

    await call('GET /api/v1/operator/webhooks', { token: op });
    await call('GET /api/v1/operator/webhooks/{subscription_id}', { token: op, params: { subscription_id } });
    await call('PATCH /api/v1/operator/webhooks/{subscription_id}', { token: op, params: { subscription_id }, body: { description: 'CPO back office' } });
    await call('POST /api/v1/operator/webhooks/{subscription_id}/rotate-secret', { token: op, params: { subscription_id } });
    await rt.drain();
    const deliveries = await call<{ deliveries: Array<{ id: string }> }>('GET /api/v1/operator/webhooks/{subscription_id}/deliveries', { token: op, params: { subscription_id } });
    const delivery_id = deliveries.body.deliveries[0]!.id;
    await call('GET /api/v1/operator/webhooks/{subscription_id}/deliveries/{delivery_id}', { token: op, params: { subscription_id, delivery_id } });
    await call('POST /api/v1/operator/webhooks/{subscription_id}/deliveries/{delivery_id}/redeliver', { token: op, params: { subscription_id, delivery_id } });
    await call('POST /api/v1/operator/webhooks/{subscription_id}/pause', { token: op, params: { subscription_id } });
    await call('POST /api/v1/operator/webhooks/{subscription_id}/resume', { token: op, params: { subscription_id } });
    await call('DELETE /api/v1/operator/webhooks/{subscription_id}', { token: op, params: { subscription_id } });
    await call('GET /api/v1/operator/webhooks/{subscription_id}', { token: op, params: { subscription_id } }); // 404

    // The account itself (#16), last: applying an email change revokes the installer's token.
    await call('GET /api/v1/account', { token });
    const movedTo = anEmail('contract-moved');
    await call('PUT /api/v1/account/email', { token, body: { email: movedTo, password } }); // 202
    await rt.drain();
    const changeToken = rt.outbox.list({ to: movedTo }).map((m) => /Email change token: (\S+)/.exec(m.text ?? '')?.[1]).find(Boolean)!;
    await call('POST /api/v1/account/email/verify', { token, body: { token: changeToken } });
  }, 60_000);

  it('walks the people routes: invitations, locations, teams', async () => {
    const installer = await aSignedInAccount(rt, { name: 'Ina Installer' });
    await call('POST /api/v1/operator/projects/{project_id}/installers', { token: rt.seed!.operatorApiKey, params: { project_id: rt.seed!.projectId }, body: { email: installer.email } });
    const created = await call<{ location_id: string }>('POST /api/v1/locations', {
      token: installer.token,
      body: { operator_id: rt.seed!.operatorId, name: 'Rose Cottage', address: '3 Rose Lane', country: 'GB', customer_name: 'The Smiths' },
    });
    const location_id = created.body.location_id;
    await call('GET /api/v1/locations', { token: installer.token });
    const cp = await call<{ charge_point_id: string; charge_point_identity: string }>('POST /api/v1/locations/{location_id}/charge-points', {
      token: installer.token,
      params: { location_id },
      body: { serial_number: `LOC-${Date.now().toString(36)}`.toUpperCase(), ocpp_protocol: 'ocpp1.6' },
    });
    const reconfigured = await call<{ provisioning_password: string }>('PATCH /api/v1/locations/{location_id}/charge-points/{charge_point_id}', {
      token: installer.token,
      params: { location_id, charge_point_id: cp.body.charge_point_id },
      body: { vendor: 'Wallbox' },
    });
    await call('GET /api/v1/locations/{location_id}', { token: installer.token, params: { location_id } });
    const typo = await call<{ invitation_id: string }>('POST /api/v1/locations/{location_id}/invitations', { token: installer.token, params: { location_id }, body: { kind: 'team_owner', email: anEmail('contract-typo') } });
    await call('GET /api/v1/locations/{location_id}/invitations', { token: installer.token, params: { location_id } });
    await call('DELETE /api/v1/sent-invitations/{invitation_id}', { token: installer.token, params: { invitation_id: typo.body.invitation_id } });
    const ownerEmail = anEmail('contract-owner');
    const invite = await call<{ invitation_id: string; url: string }>('POST /api/v1/locations/{location_id}/invitations', { token: installer.token, params: { location_id }, body: { kind: 'team_owner', email: ownerEmail } });
    await call('GET /api/v1/sent-invitations/{invitation_id}/qr.svg', { token: installer.token, params: { invitation_id: invite.body.invitation_id } });
    const inviteToken = invite.body.url.split('/invitations/')[1]!;
    await call('GET /api/v1/invitations/{token}', { params: { token: inviteToken } });
    const owner = await aSignedInAccount(rt, { email: ownerEmail });
    await call('POST /api/v1/invitations/{token}/accept', { token: owner.token, params: { token: inviteToken } });
    await call('PUT /api/v1/locations/{location_id}/installers/{account_id}', { token: owner.token, params: { location_id, account_id: installer.accountId }, body: { full_access_until: null } });
    const team_id = (await call<{ team: { team_id: string } }>('GET /api/v1/locations/{location_id}', { token: owner.token, params: { location_id } })).body.team.team_id;
    const memberEmail = anEmail('contract-member');
    const memberInvite = await call<{ url: string }>('POST /api/v1/teams/{team_id}/members', { token: owner.token, params: { team_id }, body: { email: memberEmail, role: 'member' } });
    const member = await aSignedInAccount(rt, { email: memberEmail });
    await call('POST /api/v1/invitations/{token}/accept', { token: member.token, params: { token: memberInvite.body.url.split('/invitations/')[1]! } });
    await call('GET /api/v1/teams/{team_id}/members', { token: owner.token, params: { team_id } });
    await call('PATCH /api/v1/teams/{team_id}/members/{account_id}', { token: owner.token, params: { team_id, account_id: member.accountId }, body: { role: 'admin', rights: ['configure_charge_points', 'sensitive_data'] } });
    await call('DELETE /api/v1/teams/{team_id}/members/{account_id}', { token: owner.token, params: { team_id, account_id: member.accountId } });
    // Commissioning through the location, with the charger connected (the runner then finishes at once).
    const cpParams = { location_id, charge_point_id: cp.body.charge_point_id };
    locationClient = await aConnectedClient(rt, { identity: cp.body.charge_point_identity, password: reconfigured.body.provisioning_password, protocol: 'ocpp1.6' });
    behaveLikeACharger(locationClient, 'ocpp1.6', {});
    await locationClient.call('BootNotification', BOOT['ocpp1.6']);
    await call('POST /api/v1/locations/{location_id}/charge-points/{charge_point_id}/commissioning', { token: installer.token, params: cpParams });
    await vi.waitFor(
      async () => expect((await call<{ status: string }>('GET /api/v1/locations/{location_id}/charge-points/{charge_point_id}/commissioning', { token: installer.token, params: cpParams })).body.status).toBe('completed'),
      { timeout: 15_000, interval: 250 },
    );

    // Power management (issue #18): settings, a charger's settings, a meter and its readings, the allocation.
    const power = { location_id };
    await call('GET /api/v1/locations/{location_id}/power', { token: owner.token, params: power });
    await call('PUT /api/v1/locations/{location_id}/power', { token: owner.token, params: power, body: { fuse_a: 16, phases: 3, mode: 'dynamic', static_charging_a: 40 } });
    await call('PUT /api/v1/locations/{location_id}/power', { token: owner.token, params: power, body: { fuse_a: 40, phases: 3, mode: 'dynamic', static_charging_a: 20 } });
    await call('PUT /api/v1/locations/{location_id}/power/charge-points/{charge_point_id}', { token: owner.token, params: cpParams, body: { max_a: 16, phases: 1, phase: 2 } });
    const meter = await call<{ meter_id: string; secret: string }>('POST /api/v1/locations/{location_id}/power/meters', { token: owner.token, params: power, body: { name: 'Main' } });
    const reading = { at: new Date().toISOString(), current_a: [4, 5, 6] };
    await call('POST /api/v1/meters/{meter_id}/readings', { params: { meter_id: meter.body.meter_id }, token: meter.body.secret, body: reading });
    await call('POST /api/v1/meters/{meter_id}/readings', { params: { meter_id: meter.body.meter_id }, token: 'wrong', body: reading });
    await call('POST /api/v1/meters/{meter_id}/readings', { params: { meter_id: meter.body.meter_id }, token: meter.body.secret, body: { ...reading, current_a: [1] } });
    await call('GET /api/v1/locations/{location_id}/power/meters', { token: owner.token, params: power });
    await rt.drain();
    await call('GET /api/v1/locations/{location_id}/power/allocation', { token: owner.token, params: power });
    await call('DELETE /api/v1/locations/{location_id}/power/meters/{meter_id}', { token: owner.token, params: { location_id, meter_id: meter.body.meter_id } });

    // PowerBank (issue #19): the location moves to Copenhagen (DK2); the operator marks the test model
    // compatible; sign-up without terms is refused, with them accepted; the operator's side.
    const op = rt.seed!.operatorApiKey;
    const terms = { accept_terms: true, terms_version: '2026-11' };
    await call('PATCH /api/v1/locations/{location_id}', { token: owner.token, params: { location_id }, body: { country: 'DK', postcode: '2100' } });
    await call('PUT /api/v1/operator/powerbank/compatibility', { token: op, body: { vendor: BOOT['ocpp1.6'].chargePointVendor, model: BOOT['ocpp1.6'].chargePointModel, compatible: true } });
    await call('GET /api/v1/operator/powerbank/compatibility', { token: op });
    await call('PUT /api/v1/locations/{location_id}/powerbank/charge-points/{charge_point_id}', { token: owner.token, params: cpParams, body: { enrolled: true } }); // 400: no terms
    await call('PUT /api/v1/locations/{location_id}/powerbank/charge-points/{charge_point_id}', { token: owner.token, params: cpParams, body: { enrolled: true, ...terms } });
    await call('GET /api/v1/locations/{location_id}/powerbank', { token: owner.token, params: { location_id } });
    await call('POST /api/v1/teams/{team_id}/powerbank/sign-up', { token: owner.token, params: { team_id }, body: terms });
    await call('GET /api/v1/operator/powerbank/charge-points', { token: op, query: `?team_id=${team_id}` });
    await call('PUT /api/v1/operator/powerbank/charge-points/{charge_point_id}', { token: op, params: { charge_point_id: cp.body.charge_point_id }, body: { enrolled: false } });
    await call('POST /api/v1/operator/powerbank/sign-up', { token: op, body: { team_id, charge_point_ids: [cp.body.charge_point_id], ...terms } });
    await call('GET /api/v1/operator/powerbank/region-checks', { token: op });
    const activation = await call<{ activation_id: string }>('POST /api/v1/operator/powerbank/activations', { token: op, body: { external_id: 'contract-activation', zone: 'DK2', direction: 'up', power_kw: 10, duration_s: 600 } });
    await rt.drain();
    await call('GET /api/v1/operator/powerbank/activations', { token: op });
    await call('GET /api/v1/operator/powerbank/activations/{activation_id}', { token: op, params: { activation_id: activation.body.activation_id } });
  }, 60_000);

  it('walks the charge card routes: learning on a charger, cards, the local list', async () => {
    const installer = await aSignedInAccount(rt, { name: 'Cara Cards' });
    await call('POST /api/v1/operator/projects/{project_id}/installers', { token: rt.seed!.operatorApiKey, params: { project_id: rt.seed!.projectId }, body: { email: installer.email } });
    const location_id = (await call<{ location_id: string }>('POST /api/v1/locations', { token: installer.token, body: { operator_id: rt.seed!.operatorId, name: 'Card Barn', address: '9 Farm Road', country: 'GB' } })).body.location_id;
    const cp = await call<{ charge_point_id: string; charge_point_identity: string; provisioning_password: string }>('POST /api/v1/locations/{location_id}/charge-points', {
      token: installer.token,
      params: { location_id },
      body: { serial_number: `CARDS-${Date.now().toString(36)}`.toUpperCase(), ocpp_protocol: 'ocpp1.6' },
    });
    const params = { location_id, charge_point_id: cp.body.charge_point_id };
    await markCommissioned(cp.body.charge_point_id);
    cardsClient = await aConnectedClient(rt, { identity: cp.body.charge_point_identity, password: cp.body.provisioning_password, protocol: 'ocpp1.6' });
    cardsClient.handle('GetLocalListVersion', async () => ({ listVersion: 0 }));
    cardsClient.handle('GetConfiguration', async () => ({ configurationKey: [{ key: 'LocalAuthListEnabled', readonly: true, value: 'true' }] }));
    cardsClient.handle('SendLocalList', async () => ({ status: 'Accepted' }));
    await cardsClient.call('BootNotification', BOOT['ocpp1.6']);
    const known = await call<{ card_id: string }>('POST /api/v1/locations/{location_id}/cards', { token: installer.token, params: { location_id }, body: { id_token: 'CONTRACT-KNOWN', name: 'Known fob' } });
    await call('POST /api/v1/locations/{location_id}/charge-points/{charge_point_id}/card-learning', { token: installer.token, params, body: {} });
    await cardsClient.call('Authorize', { idTag: 'CONTRACT-NEW' });
    await cardsClient.call('Authorize', { idTag: 'CONTRACT-KNOWN' });
    const learning = await call<{ captures: Array<{ captured_id: string; known: boolean }> }>('GET /api/v1/locations/{location_id}/charge-points/{charge_point_id}/card-learning', { token: installer.token, params });
    const captured = learning.body.captures.find((c) => !c.known)!;
    const card = await call<{ card_id: string }>('POST /api/v1/locations/{location_id}/cards', { token: installer.token, params: { location_id }, body: { captured_id: captured.captured_id, name: 'New fob', owner: 'team' } });
    await call('DELETE /api/v1/locations/{location_id}/charge-points/{charge_point_id}/card-learning', { token: installer.token, params });
    await call('GET /api/v1/locations/{location_id}/cards', { token: installer.token, params: { location_id } });
    await call('PATCH /api/v1/locations/{location_id}/cards/{card_id}', { token: installer.token, params: { location_id, card_id: card.body.card_id }, body: { status: 'blocked' } });
    await call('DELETE /api/v1/locations/{location_id}/cards/{card_id}', { token: installer.token, params: { location_id, card_id: known.body.card_id } });
    await rt.drain();
    await call('GET /api/v1/locations/{location_id}/charge-points/{charge_point_id}/local-list', { token: installer.token, params });
  }, 60_000);

  it('walks the operator access routes: API keys and staff', async () => {
    // An admin of the seed operator (API keys cannot manage keys or staff: lib/domain/access.ts).
    const admin = await aSignedInAccount(rt, { name: 'Ada Admin' });
    await addStaffMember(rt.seed!.operatorId, admin.accountId, 'admin');
    const token = admin.token;
    const created = await call<{ key_id: string }>('POST /api/v1/operator/api-keys', { token, body: { name: 'reporting', scopes: ['read_only'] } });
    await call('GET /api/v1/operator/api-keys', { token });
    const rotated = await call<{ key_id: string }>('POST /api/v1/operator/api-keys/{key_id}/rotate', { token, params: { key_id: created.body.key_id }, body: { overlap_seconds: 60 } });
    await call('DELETE /api/v1/operator/api-keys/{key_id}', { token, params: { key_id: rotated.body.key_id } });
    const managerEmail = anEmail('contract-manager');
    await call('POST /api/v1/operator/staff', { token, body: { email: managerEmail, role: 'manager' } });
    await rt.drain();
    const inviteToken = /\/invitations\/([A-Za-z0-9_-]{43})/.exec(rt.outbox.list({ to: managerEmail })[0]!.text!)![1]!;
    const manager = await aSignedInAccount(rt, { email: managerEmail });
    await call('POST /api/v1/invitations/{token}/accept', { token: manager.token, params: { token: inviteToken } });
    await call('GET /api/v1/operator/staff', { token });
    await call('PATCH /api/v1/operator/staff/{account_id}', { token, params: { account_id: manager.accountId }, body: { role: 'installer' } });
    await call('DELETE /api/v1/operator/staff/{account_id}', { token, params: { account_id: manager.accountId } });
    const team = await call<{ team_id: string }>('POST /api/v1/operator/teams', { token, body: { name: 'Contract Hotel', owner_email: anEmail('contract-hotel') } });
    await call('POST /api/v1/operator/teams/{team_id}/owner-invitation', { token, params: { team_id: team.body.team_id }, body: { email: anEmail('contract-hotel') } });
  }, 60_000);

  it('walks the site device routes: the catalogue, and a charger added by serial and PIN', async () => {
    const op = rt.seed!.operatorApiKey;
    const device = { pin: '482916', vendor: 'Volt Time', model: 'Source 2', ocpp_protocol: 'ocpp1.6', connectors: 1 };
    const serial = `DEV-${Date.now().toString(36)}`.toUpperCase();
    await call('PUT /api/v1/operator/devices/{serial}', { token: op, params: { serial }, body: device });
    await call('POST /api/v1/operator/devices/import', { token: op, csv: `serial,pin,vendor,model,ocpp_protocol,connectors\n${serial}-2,1234,Volt Time,Source 2,ocpp2.0.1,2\n` });
    await call('GET /api/v1/operator/devices', { token: op, query: '?limit=1' });
    await call('GET /api/v1/operator/devices/{serial}', { token: op, params: { serial } });
    const installer = await aSignedInAccount(rt, { name: 'Ina Installer' });
    await call('POST /api/v1/operator/projects/{project_id}/installers', { token: op, params: { project_id: rt.seed!.projectId }, body: { email: installer.email } });
    const location_id = (await call<{ location_id: string }>('POST /api/v1/locations', { token: installer.token, body: { operator_id: rt.seed!.operatorId, name: 'Barn', address: '9 Farm Road', country: 'GB' } })).body.location_id;
    await call('POST /api/v1/locations/{location_id}/charge-points/by-serial', { token: installer.token, params: { location_id }, body: { serial_number: serial, pin: '000000' } }); // 422
    await call('POST /api/v1/locations/{location_id}/charge-points/by-serial', { token: installer.token, params: { location_id }, body: { serial_number: serial, pin: device.pin } });
  }, 60_000);

  it('walks the backoffice connection routes (issue #17 §3)', async () => {
    const installer = await aSignedInAccount(rt, { name: 'Bo Installer' });
    await call('POST /api/v1/operator/projects/{project_id}/installers', { token: rt.seed!.operatorApiKey, params: { project_id: rt.seed!.projectId }, body: { email: installer.email } });
    const location_id = (await call<{ location_id: string }>('POST /api/v1/locations', { token: installer.token, body: { operator_id: rt.seed!.operatorId, name: 'Mill House', address: '1 Mill Lane', country: 'GB' } })).body.location_id;
    const add = async (ocpp_protocol: 'ocpp1.6' | 'ocpp2.0.1') =>
      (await call<{ charge_point_id: string; charge_point_identity: string; provisioning_password: string }>('POST /api/v1/locations/{location_id}/charge-points', {
        token: installer.token,
        params: { location_id },
        body: { serial_number: `BO-${ocpp_protocol.slice(4)}-${Date.now().toString(36)}`.toUpperCase(), ocpp_protocol },
      })).body;
    const billed = await add('ocpp1.6');
    const billedParams = { location_id, charge_point_id: billed.charge_point_id };
    const other = await createOperator({ name: 'Billing Co', contactEmail: 'ops@billing.example' });
    const price_group_id = (await call<{ price_group_id: string }>('POST /api/v1/operator/price-groups', { token: other.apiKey, body: { name: 'Billing', currency: 'EUR', price_per_kwh_minor: 40, vat_rate_basis_points: 2000 } })).body.price_group_id;
    const asked = await call('POST /api/v1/locations/{location_id}/charge-points/{charge_point_id}/backoffice', { token: installer.token, params: billedParams, body: { kind: 'operator', operator_id: other.operator.operatorId, role: 'billing' } });
    expect(asked.status).toBe(200);
    await call('GET /api/v1/locations/{location_id}/charge-points/{charge_point_id}/backoffice', { token: installer.token, params: billedParams });
    await call('GET /api/v1/operator/backoffice-connections', { token: other.apiKey });
    const cpParams = { charge_point_id: billed.charge_point_id };
    await call('GET /api/v1/operator/backoffice-connections/{charge_point_id}', { token: other.apiKey, params: cpParams });
    await call('POST /api/v1/operator/backoffice-connections/{charge_point_id}/accept', { token: other.apiKey, params: cpParams, body: { price_group_id } });
    await call('GET /api/v1/operator/backoffice-connections/{charge_point_id}', { token: other.apiKey, params: cpParams });
    await call('GET /api/v1/operator/backoffice-connections/{charge_point_id}/sessions', { token: other.apiKey, params: cpParams });
    await call('POST /api/v1/operator/backoffice-connections/{charge_point_id}/decline', { token: other.apiKey, params: cpParams });
    await call('POST /api/v1/locations/{location_id}/charge-points/{charge_point_id}/backoffice', { token: installer.token, params: billedParams, body: { kind: 'operator', operator_id: other.operator.operatorId, role: 'monitoring' } });
    await call('DELETE /api/v1/locations/{location_id}/charge-points/{charge_point_id}/backoffice', { token: installer.token, params: billedParams });

    // A 2.0.1 charger moves to an external backoffice (the handshake probe is a fake: an adapter).
    setBackofficeProbe(async () => ({ ok: true, detail: 'answered the WebSocket handshake (101)' }));
    const moving = await add('ocpp2.0.1');
    await markCommissioned(moving.charge_point_id);
    movingClient = await aConnectedClient(rt, { identity: moving.charge_point_identity, password: moving.provisioning_password, protocol: 'ocpp2.0.1' });
    const variable = { component: { name: 'OCPPCommCtrlr' }, variable: { name: 'NetworkConfigurationPriority' } };
    movingClient.handle('GetVariables', async () => ({ getVariableResult: [{ attributeStatus: 'Accepted', attributeValue: '0', ...variable }] }));
    movingClient.handle('SetNetworkProfile', async () => ({ status: 'Accepted' }));
    movingClient.handle('SetVariables', async () => ({ setVariableResult: [{ attributeStatus: 'Accepted', ...variable }] }));
    movingClient.handle('Reset', async () => ({ status: 'Accepted' }));
    await movingClient.call('BootNotification', BOOT['ocpp2.0.1']);
    const moved = await call('POST /api/v1/locations/{location_id}/charge-points/{charge_point_id}/backoffice', { token: installer.token, params: { location_id, charge_point_id: moving.charge_point_id }, body: { kind: 'external', url: 'wss://backoffice.example.com/ocpp' } });
    expect(moved.status).toBe(200);
    await call('GET /api/v1/locations/{location_id}', { token: installer.token, params: { location_id } });
  }, 60_000);

  it('got an answer the document declares from every call, and each route\'s success status at least once', async () => {
    const doc = (await (await fetch(`${rt.url}/api/openapi.json`)).json()) as Document;
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema({ $id: 'components', components: doc.components });
    const resolve = (schema: Record<string, unknown>) => JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"components#/components/')) as Record<string, unknown>;

    const problems: string[] = [];
    const succeeded = new Set<string>();
    for (const a of answers) {
      const [method, path] = a.route.split(' ') as [string, string];
      const operation = doc.paths[path]?.[method.toLowerCase()];
      if (!operation) {
        problems.push(`${a.route}: not in the document`);
        continue;
      }
      const declared = operation.responses[String(a.status)];
      if (!declared) {
        problems.push(`${a.route}: answered ${a.status}, the document declares ${Object.keys(operation.responses).join(', ')}: ${a.text.slice(0, 300)}`);
        continue;
      }
      if (a.status < 300) succeeded.add(a.route);
      if (!declared.content) {
        if (a.text !== '') problems.push(`${a.route}: ${a.status} declares no body but got one`);
        continue;
      }
      const mediaType = a.contentType?.split(';')[0] ?? '';
      const media = declared.content[mediaType];
      if (!media) {
        problems.push(`${a.route}: ${a.status} content-type ${a.contentType}, declared ${Object.keys(declared.content).join(', ')}`);
        continue;
      }
      // A file (an export): the declared media type is the check; its content is tested where it is built.
      if (!mediaType.endsWith('json') || mediaType === 'application/x-ndjson') continue;
      const validate = ajv.compile(resolve(media.schema));
      if (!validate(JSON.parse(a.text))) problems.push(`${a.route}: ${a.status} body does not match: ${ajv.errorsText(validate.errors)}`);
    }
    expect(problems).toEqual([]);
    expect(API_ROUTES.map((r) => `${r.method} ${r.path}`).filter((k) => !succeeded.has(k))).toEqual([]);
    expect(answers.filter((a) => a.status >= 400).map((a) => `${a.route} ${a.status}`).sort()).toEqual([
      'GET /api/v1/operator/sessions/{session_id} 404',
      'GET /api/v1/operator/webhooks/{subscription_id} 404',
      'GET /api/v1/public/jobs/{token} 410',
      'PATCH /api/v1/public/jobs/{token}/charge-points/{charge_point_id} 409',
      'POST /api/v1/installer/login 401',
      'POST /api/v1/installer/login 403',
      'POST /api/v1/installer/projects/{project_id}/handover 403',
      'POST /api/v1/locations/{location_id}/charge-points/by-serial 422',
      'POST /api/v1/meters/{meter_id}/readings 400',
      'POST /api/v1/meters/{meter_id}/readings 401',
      'POST /api/v1/operator/drivers 409',
      'POST /api/v1/operator/drivers/{user_id}/id-tokens 409',
      'POST /api/v1/operator/price-groups 400',
      'PUT /api/v1/installer/projects/{project_id}/checklist/{item} 423',
      'PUT /api/v1/locations/{location_id}/power 400',
      'PUT /api/v1/locations/{location_id}/powerbank/charge-points/{charge_point_id} 400',
    ]);
    if (process.env.DUMP_CONTRACT) console.log(JSON.stringify(answers.map((a) => ({ route: a.route, status: a.status, body: a.text.slice(0, 1500) })), null, 1));
  });
});
