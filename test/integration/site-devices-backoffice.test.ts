// Site devices, backoffice connection (issue #17 §3, docs/site-devices.md), end to end with strict
// ocpp-rpc charge points: a location connects a charger to another operator with the billing role,
// that operator accepts with its price group and then prices and reads the sessions; monitoring shows
// status only; disconnecting ends it; a 2.0.1 charger moves to an external wss:// backoffice with
// SetNetworkProfile, SetVariables and Reset (a refusal records nothing); 1.6 needs a vendor key; bad
// URLs are refused. The WebSocket probe of the external URL is an adapter: a fake here.
import type { RPCClient } from 'ocpp-rpc';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LocalRuntime } from '../../local/runtime';
import { putDriver, putIdToken } from '../../lib/db/drivers';
import { setFreeVend } from '../../lib/db/price-groups';
import { clearAuthorisationCache } from '../../lib/domain/authorization';
import { createOperator } from '../../lib/domain/operator-setup';
import { setBackofficeProbe, type BackofficeProbe } from '../../lib/ocpp/backoffice-probe';
import type { OcppVersion } from '../../lib/ocpp/versions';
import { aSignedInAccount, apiClient, type SignedInAccount } from './support/api';
import { aConnectedClient, aSerial, BOOT, markCommissioned } from './support/ocpp';
import { startTestRuntime } from './support/runtime';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

let rt: LocalRuntime;
let api: ReturnType<typeof apiClient>;
let installer: SignedInAccount;
let locationId: string;
let teamCard: string;
let other: { operatorId: string; key: string; priceGroupId: string; card: string };
const clients: RPCClient[] = [];
const probed: Array<{ url: string; subprotocol: string }> = [];
let probeAnswer: Awaited<ReturnType<BackofficeProbe>> = { ok: true, detail: 'answered the WebSocket handshake (101)' };
const fakeProbe: BackofficeProbe = async (url, opts) => {
  probed.push({ url, subprotocol: opts.subprotocol });
  return probeAnswer;
};

beforeAll(async () => {
  // The vendor key of one 1.6 model (domain/backoffice.ts OCPP16_URL_KEYS), read when the handlers load.
  rt = await startTestRuntime({ env: { OCPP16_BACKOFFICE_URL_KEYS: JSON.stringify({ 'KeyVendor/KV1': 'CentralSystemUrl' }) } });
  api = apiClient(rt);
  setBackofficeProbe(fakeProbe);
  const seed = rt.seed!;
  installer = await aSignedInAccount(rt, { name: 'Ina Installer' });
  await api('POST', `/api/v1/operator/projects/${seed.projectId}/installers`, { token: seed.operatorApiKey, body: { email: installer.email } });
  locationId = (await api<{ location_id: string }>('POST', '/api/v1/locations', { token: installer.token, body: { operator_id: seed.operatorId, name: 'Rose Cottage', address: '3 Rose Lane', country: 'GB' } })).body.location_id;
  const teamId = (await api<{ team: { team_id: string } }>('GET', `/api/v1/locations/${locationId}`, { token: installer.token })).body.team.team_id;
  // The location's own card: a driver of its team at the location's operator.
  const at = new Date().toISOString();
  teamCard = aSerial('TEAM').slice(0, 20);
  await putDriver({ operatorId: seed.operatorId, userId: 'usr_home', name: 'Hannah Home', teamId, createdAt: at, updatedAt: at });
  await putIdToken({ operatorId: seed.operatorId, userId: 'usr_home', value: teamCard, canonical: teamCard, tokenType: 'ISO14443', status: 'active', createdAt: at, updatedAt: at });
  // Another operator: a price group (0.50 EUR/kWh, no VAT) and an operator-wide subscriber with a card.
  const made = await createOperator({ name: 'Billing Co', contactEmail: 'ops@billing.example' });
  const key = made.apiKey;
  const priceGroupId = (await api<{ price_group_id: string }>('POST', '/api/v1/operator/price-groups', { token: key, body: { name: 'Billing Co', currency: 'EUR', price_per_kwh_minor: 50, vat_rate_basis_points: 0 } })).body.price_group_id;
  const userId = (await api<{ user_id: string }>('POST', '/api/v1/operator/drivers', { token: key, body: { name: 'Sam Subscriber' } })).body.user_id;
  const card = aSerial('SUB').slice(0, 20);
  expect((await api('POST', `/api/v1/operator/drivers/${userId}/id-tokens`, { token: key, body: { id_token: card } })).status).toBe(201);
  other = { operatorId: made.operator.operatorId, key, priceGroupId, card };
});
afterAll(async () => {
  setBackofficeProbe(undefined);
  for (const c of clients) await c.close({ force: true }).catch(() => undefined);
  await rt?.stop();
});

/** A charger added to the location, commissioned, not free vend, connected and booted Accepted. */
async function aLocationCharger(protocol: OcppVersion, boot: Record<string, unknown> = BOOT[protocol]) {
  const reg = await api<{ charge_point_id: string; charge_point_identity: string; provisioning_password: string }>('POST', `/api/v1/locations/${locationId}/charge-points`, {
    token: installer.token,
    body: { serial_number: aSerial('BO'), ocpp_protocol: protocol },
  });
  expect(reg.status).toBe(201);
  const id = reg.body.charge_point_id;
  await markCommissioned(id);
  expect(await setFreeVend(rt.seed!.operatorId, id, false, new Date().toISOString())).toBe(true);
  clearAuthorisationCache();
  const client = await aConnectedClient(rt, { identity: reg.body.charge_point_identity, password: reg.body.provisioning_password, protocol });
  clients.push(client);
  expect(((await client.call('BootNotification', boot)) as { status: string }).status).toBe('Accepted');
  return { id, client, path: `/api/v1/locations/${locationId}/charge-points/${id}/backoffice` };
}

const as = { installer: () => ({ token: installer.token }), other: () => ({ token: other.key }), seed: () => ({ token: rt.seed!.operatorApiKey }) };
const ago = (min: number) => new Date(Date.now() - min * 60_000).toISOString();

/** A 1.6 card session of 2 kWh, ended. */
async function aSession(client: RPCClient, idTag: string) {
  const start = (await client.call('StartTransaction', { connectorId: 1, idTag, meterStart: 1000, timestamp: ago(10) })) as { transactionId: number; idTagInfo: { status: string } };
  expect(start.idTagInfo.status).toBe('Accepted');
  await client.call('StopTransaction', { transactionId: start.transactionId, meterStop: 3000, timestamp: ago(1) });
  return start.transactionId;
}

type Sessions = { sessions: Array<{ transaction_id: string; price_group_id: string | null; billing_operator_id: string | null; cost: { currency: string | null; total_minor: number } }> };

describe('connecting a charger to another operator', () => {
  it('with billing: that operator accepts with its price group, then prices the new sessions and reads them; the location keeps ownership', async () => {
    const { id, client, path } = await aLocationCharger('ocpp1.6');
    const before = await aSession(client, teamCard);

    const asked = await api<{ connection: string; operator: { name: string }; role: string }>('POST', path, { ...as.installer(), body: { kind: 'operator', operator_id: other.operatorId, role: 'billing' } });
    expect(asked.status).toBe(200);
    expect(asked.body).toMatchObject({ connection: 'pending', operator: { operator_id: other.operatorId, name: 'Billing Co' }, role: 'billing' });
    // One connection per charger.
    expect((await api('POST', path, { ...as.installer(), body: { kind: 'operator', operator_id: other.operatorId, role: 'monitoring' } })).status).toBe(409);

    const listed = await api<{ connections: Array<{ charge_point_id: string; status: string; location: { name: string } }> }>('GET', '/api/v1/operator/backoffice-connections', as.other());
    expect(listed.body.connections.find((c) => c.charge_point_id === id)).toMatchObject({ status: 'pending', role: 'billing', location: { location_id: locationId, name: 'Rose Cottage' } });
    // Not connected yet: no sessions, no charger status.
    expect((await api('GET', `/api/v1/operator/backoffice-connections/${id}/sessions`, as.other())).status).toBe(409);
    expect((await api<{ charge_point: unknown }>('GET', `/api/v1/operator/backoffice-connections/${id}`, as.other())).body.charge_point).toBeNull();

    // The price group is required, and must be the accepting operator's own.
    const missing = await api<{ errors: Array<{ field: string }> }>('POST', `/api/v1/operator/backoffice-connections/${id}/accept`, { ...as.other(), body: {} });
    expect([missing.status, missing.body.errors.map((e) => e.field)]).toEqual([400, ['price_group_id']]);
    const seedGroup = (await api<{ price_group_id: string }>('POST', '/api/v1/operator/price-groups', { ...as.seed(), body: { name: 'Seed', currency: 'EUR', price_per_kwh_minor: 10, vat_rate_basis_points: 0 } })).body.price_group_id;
    const foreign = await api<{ errors: Array<{ field: string }> }>('POST', `/api/v1/operator/backoffice-connections/${id}/accept`, { ...as.other(), body: { price_group_id: seedGroup } });
    expect([foreign.status, foreign.body.errors.map((e) => e.field)]).toEqual([400, ['price_group_id']]);
    const accepted = await api('POST', `/api/v1/operator/backoffice-connections/${id}/accept`, { ...as.other(), body: { price_group_id: other.priceGroupId } });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ status: 'connected', role: 'billing', price_group_id: other.priceGroupId });
    expect((await api('GET', path, as.installer())).body).toMatchObject({ connection: 'connected', operator: { operator_id: other.operatorId, name: 'Billing Co' }, role: 'billing' });

    // The location's own card still charges, now at the billing operator's prices: 2 kWh × 50 = 100.
    const during = await aSession(client, teamCard);
    const billed = await api<Sessions>('GET', `/api/v1/operator/backoffice-connections/${id}/sessions`, as.other());
    expect(billed.status).toBe(200);
    expect(billed.body.sessions.map((s) => s.transaction_id)).toEqual([String(during)]);
    expect(billed.body.sessions[0]).toMatchObject({ price_group_id: other.priceGroupId, billing_operator_id: other.operatorId, cost: { currency: 'EUR', total_minor: 100 } });
    // The location's operator still owns the charger and sees every session on it.
    expect((await api('GET', `/api/v1/operator/charge-points/${id}`, as.seed())).status).toBe(200);
    const own = await api<Sessions>('GET', `/api/v1/operator/charge-points/${id}/sessions`, as.seed());
    expect(own.body.sessions.map((s) => s.transaction_id).sort()).toEqual([String(before), String(during)].sort());
    // …and the billing operator cannot reach the charger through its own charge point routes.
    expect((await api('GET', `/api/v1/operator/charge-points/${id}`, as.other())).status).toBe(404);
    // The billing operator's own subscribers are not accepted here (domain/backoffice.ts: no roaming).
    expect(await client.call('Authorize', { idTag: other.card })).toEqual({ idTagInfo: { status: 'Invalid' } });

    // Disconnect: the connection ends, and new sessions are the location's alone again.
    expect((await api('DELETE', path, as.installer())).status).toBe(204);
    expect((await api('GET', path, as.installer())).body).toMatchObject({ connection: 'none', operator: null, role: null, departed: null });
    expect((await api<{ connections: Array<{ charge_point_id: string }> }>('GET', '/api/v1/operator/backoffice-connections', as.other())).body.connections.map((c) => c.charge_point_id)).not.toContain(id);
    expect((await api('GET', `/api/v1/operator/backoffice-connections/${id}/sessions`, as.other())).status).toBe(404);
    const after = await aSession(client, teamCard);
    const last = (await api<Sessions>('GET', `/api/v1/operator/charge-points/${id}/sessions`, as.seed())).body.sessions.find((s) => s.transaction_id === String(after))!;
    expect(last).toMatchObject({ price_group_id: null, billing_operator_id: null });
    expect((await api('DELETE', path, as.installer())).status).toBe(404);
  });

  it('with monitoring: the operator sees the charger’s status, not its sessions (403 naming sessions)', async () => {
    const { id, client, path } = await aLocationCharger('ocpp1.6');
    expect((await api('POST', path, { ...as.installer(), body: { kind: 'operator', operator_id: other.operatorId, role: 'monitoring' } })).status).toBe(200);
    const bad = await api<{ errors: Array<{ field: string }> }>('POST', `/api/v1/operator/backoffice-connections/${id}/accept`, { ...as.other(), body: { price_group_id: other.priceGroupId } });
    expect([bad.status, bad.body.errors.map((e) => e.field)]).toEqual([400, ['price_group_id']]);
    expect((await api('POST', `/api/v1/operator/backoffice-connections/${id}/accept`, { ...as.other(), body: {} })).status).toBe(200);
    await aSession(client, teamCard);
    const view = await api<{ status: string; charge_point: { charge_point_id: string; integration_state: string; session: unknown } }>('GET', `/api/v1/operator/backoffice-connections/${id}`, as.other());
    expect(view.body).toMatchObject({ status: 'connected', role: 'monitoring', charge_point: { charge_point_id: id, integration_state: 'connected', session: null } });
    const sessions = await api<{ field: string }>('GET', `/api/v1/operator/backoffice-connections/${id}/sessions`, as.other());
    expect([sessions.status, sessions.body.field]).toEqual([403, 'sessions']);
    // Nothing was billed by the monitoring operator.
    const own = await api<Sessions>('GET', `/api/v1/operator/charge-points/${id}/sessions`, as.seed());
    expect(own.body.sessions.every((s) => s.billing_operator_id === null)).toBe(true);
    // The operator may end it from its side too.
    expect((await api('POST', `/api/v1/operator/backoffice-connections/${id}/decline`, as.other())).status).toBe(204);
    expect((await api('GET', path, as.installer())).body).toMatchObject({ connection: 'none' });
  });

  it('refuses the location’s own operator (422) and an operator that does not exist (404 naming operator_id)', async () => {
    const { path } = await aLocationCharger('ocpp1.6');
    const own = await api<{ field: string }>('POST', path, { ...as.installer(), body: { kind: 'operator', operator_id: rt.seed!.operatorId, role: 'billing' } });
    expect([own.status, own.body.field]).toEqual([422, 'operator_id']);
    const unknown = await api<{ field: string; detail: string }>('POST', path, { ...as.installer(), body: { kind: 'operator', operator_id: 'op_nobody', role: 'billing' } });
    expect([unknown.status, unknown.body.field, unknown.body.detail]).toEqual([404, 'operator_id', 'Operator op_nobody not found']);
    expect((await api('GET', path, as.installer())).body).toMatchObject({ connection: 'none' });
  });
});

describe('moving a charger to an external backoffice', () => {
  const URL_OUT = 'wss://backoffice.example.com/ocpp';

  /** A 2.0.1 charger that answers the move's commands, refusing `refuse`; it records what it got. */
  async function aMovableCharger(refuse?: string) {
    const c = await aLocationCharger('ocpp2.0.1');
    const got: Record<string, unknown> = {};
    const answer = (action: string, ok: Record<string, unknown>, no: Record<string, unknown>) => c.client.handle(action, async ({ params }) => {
      got[action] = params;
      return action === refuse ? no : ok;
    });
    answer(
      'GetVariables',
      { getVariableResult: [{ attributeStatus: 'Accepted', attributeValue: '0,1', component: { name: 'OCPPCommCtrlr' }, variable: { name: 'NetworkConfigurationPriority' } }] },
      { getVariableResult: [{ attributeStatus: 'Rejected', component: { name: 'OCPPCommCtrlr' }, variable: { name: 'NetworkConfigurationPriority' } }] },
    );
    answer('SetNetworkProfile', { status: 'Accepted' }, { status: 'Rejected' });
    answer(
      'SetVariables',
      { setVariableResult: [{ attributeStatus: 'Accepted', component: { name: 'OCPPCommCtrlr' }, variable: { name: 'NetworkConfigurationPriority' } }] },
      { setVariableResult: [{ attributeStatus: 'Rejected', component: { name: 'OCPPCommCtrlr' }, variable: { name: 'NetworkConfigurationPriority' } }] },
    );
    answer('Reset', { status: 'Accepted' }, { status: 'Rejected' });
    return { ...c, got };
  }

  it('2.0.1: sends SetNetworkProfile into a free slot, SetVariables with it first, Reset OnIdle; records where it went and shows it', async () => {
    const { id, path, got } = await aMovableCharger();
    probed.length = 0;
    const moved = await api<{ connection: string; departed: { url: string; at: string }; configuration_slot: number }>('POST', path, { ...as.installer(), body: { kind: 'external', url: URL_OUT } });
    expect(moved.status).toBe(200);
    expect(probed).toEqual([{ url: URL_OUT, subprotocol: 'ocpp2.0.1' }]);
    expect(got.GetVariables).toEqual({ getVariableData: [{ component: { name: 'OCPPCommCtrlr' }, variable: { name: 'NetworkConfigurationPriority' } }] });
    // Slots 0 and 1 are in use: the new profile goes to 2, and 2 comes first.
    expect(got.SetNetworkProfile).toEqual({
      configurationSlot: 2,
      connectionData: { ocppVersion: 'OCPP20', ocppTransport: 'JSON', ocppCsmsUrl: URL_OUT, messageTimeout: 30, securityProfile: 2, ocppInterface: 'Wired0' },
    });
    expect(got.SetVariables).toEqual({ setVariableData: [{ component: { name: 'OCPPCommCtrlr' }, variable: { name: 'NetworkConfigurationPriority' }, attributeValue: '2,0,1' }] });
    expect(got.Reset).toEqual({ type: 'OnIdle' });
    expect(moved.body).toMatchObject({ connection: 'departed', departed: { url: URL_OUT }, configuration_slot: 2 });

    // The charger's pages say where it went: the connection, the location's view, the operator's view.
    expect((await api('GET', path, as.installer())).body).toMatchObject({ connection: 'departed', departed: { url: URL_OUT, at: moved.body.departed.at } });
    const location = await api<{ charge_points: Array<{ charge_point_id: string; departed: unknown }> }>('GET', `/api/v1/locations/${locationId}`, as.installer());
    expect(location.body.charge_points.find((c) => c.charge_point_id === id)!.departed).toEqual({ url: URL_OUT, at: moved.body.departed.at });
    expect((await api('GET', `/api/v1/operator/charge-points/${id}`, as.seed())).body).toMatchObject({ departed: { url: URL_OUT } });
    // A departed charger is connected to nothing here any more.
    expect((await api('POST', path, { ...as.installer(), body: { kind: 'operator', operator_id: other.operatorId, role: 'billing' } })).status).toBe(409);
  });

  it('2.0.1: a refusal at SetNetworkProfile stops the move with what the charger said, and records nothing', async () => {
    const { path, got } = await aMovableCharger('SetNetworkProfile');
    const res = await api<{ step: string; charger_said: unknown; field: string }>('POST', path, { ...as.installer(), body: { kind: 'external', url: URL_OUT } });
    expect([res.status, res.body.field, res.body.step, res.body.charger_said]).toEqual([409, 'url', 'SetNetworkProfile', { status: 'Rejected' }]);
    expect(got.SetVariables).toBeUndefined();
    expect(got.Reset).toBeUndefined();
    expect((await api('GET', path, as.installer())).body).toMatchObject({ connection: 'none', departed: null });
  });

  it('a URL that does not answer a WebSocket handshake is 422 naming url; nothing is sent to the charger', async () => {
    const { path, got } = await aMovableCharger();
    probeAnswer = { ok: false, detail: 'answered HTTP 200 instead of a WebSocket handshake' };
    try {
      const res = await api<{ field: string }>('POST', path, { ...as.installer(), body: { kind: 'external', url: URL_OUT } });
      expect([res.status, res.body.field]).toEqual([422, 'url']);
      expect(got).toEqual({});
    } finally {
      probeAnswer = { ok: true, detail: 'answered the WebSocket handshake (101)' };
    }
  });

  it('1.6: not supported for this model (409) unless a vendor key is configured for it; then ChangeConfiguration and Reset Soft', async () => {
    const plain = await aLocationCharger('ocpp1.6');
    const refused = await api<{ detail: string }>('POST', plain.path, { ...as.installer(), body: { kind: 'external', url: URL_OUT } });
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toMatch(/not supported for this model \(TestVendor\/AC22\)/);

    const keyed = await aLocationCharger('ocpp1.6', { ...BOOT['ocpp1.6'], chargePointVendor: 'KeyVendor', chargePointModel: 'KV1' });
    const got: Record<string, unknown> = {};
    keyed.client.handle('ChangeConfiguration', async ({ params }) => ((got.ChangeConfiguration = params), { status: 'RebootRequired' }));
    keyed.client.handle('Reset', async ({ params }) => ((got.Reset = params), { status: 'Accepted' }));
    const moved = await api('POST', keyed.path, { ...as.installer(), body: { kind: 'external', url: URL_OUT } });
    expect(moved.status).toBe(200);
    expect(got).toEqual({ ChangeConfiguration: { key: 'CentralSystemUrl', value: URL_OUT }, Reset: { type: 'Soft' } });
    expect((await api('GET', keyed.path, as.installer())).body).toMatchObject({ connection: 'departed', departed: { url: URL_OUT } });
  });

  it('refuses a URL that is not wss:// or names a private, loopback or link-local host (400 naming url)', async () => {
    const { path, got } = await aMovableCharger();
    for (const url of ['ws://backoffice.example.com/ocpp', 'https://backoffice.example.com/ocpp', 'not a url', 'wss://127.0.0.1/ocpp', 'wss://10.1.2.3/ocpp', 'wss://192.168.1.20/ocpp', 'wss://169.254.169.254/latest', 'wss://[::1]/ocpp', 'wss://[fe80::1]/ocpp', 'wss://localhost/ocpp', 'wss://user:pw@backoffice.example.com/ocpp']) {
      const res = await api<{ errors: Array<{ field: string }> }>('POST', path, { ...as.installer(), body: { kind: 'external', url } });
      expect([url, res.status, res.body.errors?.map((e) => e.field)]).toEqual([url, 400, ['url']]);
    }
    expect(got).toEqual({});
    expect((await api('GET', path, as.installer())).body).toMatchObject({ connection: 'none' });
  });
});
