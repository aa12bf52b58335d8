// Drivers, id tokens, price groups and real authorisation (issue #15) end to end: the operator API
// through the local runtime, and strict ocpp-rpc charge points of both versions asking Authorize.
import type { RPCClient } from 'ocpp-rpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime';
import { attachCallCounter } from '../../lib/aws/call-counter';
import { documentClient } from '../../lib/aws/clients';
import { listLog } from '../../lib/db/logs';
import { clearAuthorisationCache } from '../../lib/domain/authorization';
import { resolvePriceGroup } from '../../lib/domain/pricing';
import type { OcppVersion } from '../../lib/ocpp/versions';
import { apiClient } from './support/api';
import { aCommissionedChargePoint, aConnectedClient, BOOT } from './support/ocpp';
import { startTestRuntime } from './support/runtime';

let rt: LocalRuntime;
let api: ReturnType<typeof apiClient>;
let op: string;
const clients: RPCClient[] = [];

type Problem = { errors?: Array<{ field: string }>; field?: string; status: number };

let n = 0;
/** A token value unique to this run (values are unique per operator, and the seed operator is shared by the file). */
const aTokenValue = (label: string) => `${label}-${process.pid}-${++n}`.toUpperCase().slice(0, 36);

async function aDriver(body: Record<string, unknown> = {}): Promise<{ user_id: string }> {
  const res = await api<{ user_id: string }>('POST', '/api/v1/operator/drivers', { token: op, body: { name: 'Dana Driver', ...body } });
  expect(res.status).toBe(201);
  return res.body;
}

async function aToken(userId: string, body: Record<string, unknown> = {}): Promise<string> {
  const value = (body.id_token as string | undefined) ?? aTokenValue('CARD');
  const res = await api('POST', `/api/v1/operator/drivers/${userId}/id-tokens`, { token: op, body: { id_token: value, ...body } });
  expect(res.status).toBe(201);
  return value;
}

/** A charge point of the seed team, commissioned, connected and booted Accepted. */
async function aBootedChargePoint(protocol: OcppVersion) {
  const cp = await aCommissionedChargePoint(rt, { protocol });
  const client = await aConnectedClient(rt, { identity: cp.identity, password: cp.provisioningPassword, protocol });
  clients.push(client);
  expect(await client.call('BootNotification', BOOT[protocol])).toMatchObject({ status: 'Accepted' });
  return { client, chargePointId: cp.chargePoint.chargePointId, identity: cp.identity };
}

/** Authorize as each version sends it; the status the charger got. */
async function authorize(client: RPCClient, protocol: OcppVersion, token: string): Promise<Record<string, unknown>> {
  if (protocol === 'ocpp1.6') return ((await client.call('Authorize', { idTag: token })) as { idTagInfo: Record<string, unknown> }).idTagInfo;
  return ((await client.call('Authorize', { idToken: { idToken: token, type: 'ISO14443' } })) as { idTokenInfo: Record<string, unknown> }).idTokenInfo;
}

const setFreeVend = (chargePointId: string, free_vend: boolean) => api('PUT', `/api/v1/operator/charge-points/${chargePointId}/free-vend`, { token: op, body: { free_vend } });

beforeAll(async () => {
  rt = await startTestRuntime();
  api = apiClient(rt);
  op = rt.seed!.operatorApiKey;
});
afterAll(async () => {
  for (const c of clients) await c.close({ force: true }).catch(() => undefined);
  await rt?.stop();
});

describe.each(['ocpp1.6', 'ocpp2.0.1'] as const)('Authorize (%s)', (protocol) => {
  const unknownStatus = protocol === 'ocpp1.6' ? 'Invalid' : 'Unknown';
  let client: RPCClient;
  let chargePointId: string;
  let identity: string;
  let teamDriver: { user_id: string };
  let known: string;

  beforeAll(async () => {
    ({ client, chargePointId, identity } = await aBootedChargePoint(protocol));
    teamDriver = await aDriver({ team_id: rt.seed!.teamId });
    known = await aToken(teamDriver.user_id);
  });

  it('accepts every token, recorded as free vend, while the charge point is inactive (installation test charges)', async () => {
    expect(await authorize(client, protocol, 'INSTALLER-TEST')).toEqual({ status: 'Accepted' });
    await rt.drain();
    const entry = (await listLog(identity, { limit: 5 })).entries.find((e) => e.action === 'Authorize');
    expect(entry).toMatchObject({ authorisation: { verdict: 'Accepted', freeVend: true } });
  });

  it('answers known, unknown, blocked, expired and other-team tokens once free vend is off', async () => {
    expect((await setFreeVend(chargePointId, false)).body).toMatchObject({ free_vend: false, free_vend_setting: false, active: false });
    const blocked = await aToken(teamDriver.user_id, { status: 'blocked' });
    const expired = await aToken(teamDriver.user_id, { expires_at: '2020-01-01T00:00:00Z' });
    const later = await aToken(teamDriver.user_id, { expires_at: '2099-01-01T00:00:00Z' });
    const operatorWide = await aToken((await aDriver()).user_id);
    const otherTeam = (await api<{ team_id: string }>('POST', '/api/v1/operator/teams', { token: op, body: { name: 'Other Ltd', owner_email: 'o@other.example' } })).body.team_id;
    const stranger = await aToken((await aDriver({ team_id: otherTeam })).user_id);

    expect(await authorize(client, protocol, known)).toEqual({ status: 'Accepted' });
    // 1.6 idTag is a CiString, 2.0.1 idToken case-insensitive: the same card read in lower case.
    expect(await authorize(client, protocol, known.toLowerCase())).toEqual({ status: 'Accepted' });
    expect(await authorize(client, protocol, aTokenValue('NOBODY'))).toEqual({ status: unknownStatus });
    expect(await authorize(client, protocol, blocked)).toEqual({ status: 'Blocked' });
    expect(await authorize(client, protocol, expired)).toEqual({ status: 'Expired' });
    expect(await authorize(client, protocol, later)).toEqual(
      protocol === 'ocpp1.6' ? { status: 'Accepted', expiryDate: '2099-01-01T00:00:00.000Z' } : { status: 'Accepted', cacheExpiryDateTime: '2099-01-01T00:00:00.000Z' },
    );
    expect(await authorize(client, protocol, operatorWide)).toEqual({ status: 'Accepted' });
    expect(await authorize(client, protocol, stranger)).toEqual({ status: 'Invalid' });
  });

  it('answers Blocked right after the operator blocks a recently accepted token, and Accepted again after unblocking', async () => {
    await setFreeVend(chargePointId, false);
    const token = await aToken(teamDriver.user_id);
    expect(await authorize(client, protocol, token)).toEqual({ status: 'Accepted' });
    expect((await api('PATCH', `/api/v1/operator/drivers/${teamDriver.user_id}/id-tokens/${token}`, { token: op, body: { status: 'blocked' } })).status).toBe(200);
    expect(await authorize(client, protocol, token)).toEqual({ status: 'Blocked' });
    await api('PATCH', `/api/v1/operator/drivers/${teamDriver.user_id}/id-tokens/${token}`, { token: op, body: { status: 'active' } });
    expect(await authorize(client, protocol, token)).toEqual({ status: 'Accepted' });
  });

  it('accepts an unknown token when the operator sets free vend, and records it', async () => {
    await setFreeVend(chargePointId, true);
    expect(await authorize(client, protocol, aTokenValue('NOBODY'))).toEqual({ status: 'Accepted' });
    await rt.drain();
    const entry = (await listLog(identity, { limit: 5 })).entries.find((e) => e.action === 'Authorize');
    expect(entry).toMatchObject({ authorisation: { verdict: 'Accepted', freeVend: true } });
    await setFreeVend(chargePointId, false);
  });

  // Was "reads nothing": since issue #17 every token presentation reads the charger's card-learning
  // window, strongly consistent (a window opened through the API, in another container on AWS, must
  // hold for the next tap; domain/card-learning.ts). Everything else stays cached.
  it('reads only the card-learning window from DynamoDB for a repeated Authorize of a recently seen token', async () => {
    await setFreeVend(chargePointId, false);
    clearAuthorisationCache();
    await rt.drain();
    const counter = attachCallCounter(documentClient(), `authorize-counter-${protocol}`);
    try {
      const reads = () => counter.count((c) => /^(Get|BatchGet|Query|Scan|TransactGet)/.test(c.command));
      // What the pipeline itself reads for any CALL on this connection (a Heartbeat), so only
      // authorisation's own reads are compared.
      await client.call('Heartbeat', {});
      await rt.drain();
      const pipelineReads = reads();
      counter.reset();
      expect(await authorize(client, protocol, known)).toEqual({ status: 'Accepted' });
      await rt.drain();
      // Cold: the learning window, the charge point, the token and its driver.
      expect(reads()).toBe(pipelineReads + 4);
      counter.reset();
      expect(await authorize(client, protocol, known)).toEqual({ status: 'Accepted' });
      await rt.drain();
      // Warm: the learning window only.
      expect(reads()).toBe(pipelineReads + 1);
    } finally {
      counter.detach();
    }
  });
});

describe('free vend by default', () => {
  it('ends when the charge point is activated: an unknown token is refused from then on', async () => {
    const { client, chargePointId } = await aBootedChargePoint('ocpp1.6');
    const stranger = aTokenValue('NOBODY');
    expect(await authorize(client, 'ocpp1.6', stranger)).toEqual({ status: 'Accepted' });
    expect((await api('POST', `/api/v1/operator/charge-points/${chargePointId}/activate`, { token: op })).status).toBe(200);
    expect(await authorize(client, 'ocpp1.6', stranger)).toEqual({ status: 'Invalid' });
  });
});

describe('drivers and id tokens (operator API)', () => {
  it('creates, reads, lists and changes drivers', async () => {
    const created = await api<Record<string, unknown>>('POST', '/api/v1/operator/drivers', {
      token: op,
      body: { user_id: `u-${process.pid}-${++n}`, name: 'Ada', email: 'Ada@Example.com', team_id: rt.seed!.teamId },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'Ada', email: 'ada@example.com', team_id: rt.seed!.teamId });
    const userId = created.body.user_id as string;
    expect((await api('GET', `/api/v1/operator/drivers/${userId}`, { token: op })).body).toMatchObject({ user_id: userId, name: 'Ada' });
    const patched = await api('PATCH', `/api/v1/operator/drivers/${userId}`, { token: op, body: { name: 'Ada L.', team_id: null, email: null } });
    expect(patched.body).toMatchObject({ name: 'Ada L.', team_id: null, email: null });
    await aDriver();
    const page = await api<{ drivers: unknown[]; next_cursor: string | null }>('GET', '/api/v1/operator/drivers?limit=1', { token: op });
    expect(page.body.drivers).toHaveLength(1);
    expect(page.body.next_cursor).toEqual(expect.any(String));
    const next = await api<{ drivers: unknown[] }>('GET', `/api/v1/operator/drivers?limit=1&cursor=${page.body.next_cursor}`, { token: op });
    expect(next.status).toBe(200);
    expect(next.body.drivers).not.toEqual(page.body.drivers);
  });

  it('names the field of an invalid driver, and refuses a user id twice', async () => {
    const noName = await api<Problem>('POST', '/api/v1/operator/drivers', { token: op, body: {} });
    expect(noName.status).toBe(400);
    expect(noName.body.errors?.map((e) => e.field)).toContain('name');
    const badTeam = await api<Problem>('POST', '/api/v1/operator/drivers', { token: op, body: { name: 'X', team_id: 'team_nope' } });
    expect(badTeam.status).toBe(400);
    expect(badTeam.body.errors?.map((e) => e.field)).toContain('team_id');
    const userId = `dup-${process.pid}-${++n}`;
    await aDriver({ user_id: userId });
    const again = await api<Problem>('POST', '/api/v1/operator/drivers', { token: op, body: { user_id: userId, name: 'Y' } });
    expect(again.status).toBe(409);
    expect(again.body.field).toBe('user_id');
    expect((await api('GET', '/api/v1/operator/drivers/nobody-here', { token: op })).status).toBe(404);
  });

  it('refuses a token value used twice in one operator (409, case-insensitive), and another driver changing it', async () => {
    const a = await aDriver();
    const b = await aDriver();
    const value = await aToken(a.user_id, { type: 'Central' });
    const twice = await api<Problem>('POST', `/api/v1/operator/drivers/${b.user_id}/id-tokens`, { token: op, body: { id_token: value.toLowerCase() } });
    expect(twice.status).toBe(409);
    expect(twice.body.field).toBe('id_token');
    const list = await api<{ id_tokens: Array<Record<string, unknown>> }>('GET', `/api/v1/operator/drivers/${a.user_id}/id-tokens`, { token: op });
    expect(list.body.id_tokens).toEqual([expect.objectContaining({ id_token: value, type: 'Central', status: 'active', expires_at: null, user_id: a.user_id })]);
    expect((await api('PATCH', `/api/v1/operator/drivers/${b.user_id}/id-tokens/${value}`, { token: op, body: { status: 'blocked' } })).status).toBe(404);
    expect((await api('POST', '/api/v1/operator/drivers/nobody-here/id-tokens', { token: op, body: { id_token: aTokenValue('X') } })).status).toBe(404);
  });

  it('names the field of an invalid token', async () => {
    const d = await aDriver();
    const tooLong = await api<Problem>('POST', `/api/v1/operator/drivers/${d.user_id}/id-tokens`, { token: op, body: { id_token: 'X'.repeat(37) } });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.errors?.map((e) => e.field)).toContain('id_token');
    const badExpiry = await api<Problem>('POST', `/api/v1/operator/drivers/${d.user_id}/id-tokens`, { token: op, body: { id_token: aTokenValue('X'), expires_at: 'tomorrow' } });
    expect(badExpiry.body.errors?.map((e) => e.field)).toContain('expires_at');
    const badStatus = await api<Problem>('POST', `/api/v1/operator/drivers/${d.user_id}/id-tokens`, { token: op, body: { id_token: aTokenValue('X'), status: 'lost' } });
    expect(badStatus.body.errors?.map((e) => e.field)).toContain('status');
  });

  it('refuses the installer test tag as a card (any case), which test charges start with', async () => {
    const d = await aDriver();
    for (const id_token of ['INSTALLER-TEST', 'installer-test']) {
      const reserved = await api<Problem>('POST', `/api/v1/operator/drivers/${d.user_id}/id-tokens`, { token: op, body: { id_token } });
      expect(reserved.status).toBe(400);
      expect(reserved.body.errors?.map((e) => e.field)).toEqual(['id_token']);
    }
    expect((await api<{ id_tokens: unknown[] }>('GET', `/api/v1/operator/drivers/${d.user_id}/id-tokens`, { token: op })).body).toMatchObject({ id_tokens: [] });
  });
});

describe('price groups (operator API) and resolvePriceGroup', () => {
  const aGroup = { name: 'Standard', currency: 'EUR', price_per_kwh_minor: 35, start_fee_minor: 100, vat_rate_basis_points: 2100 };

  it('names the field of an invalid price group', async () => {
    const badCurrency = await api<Problem>('POST', '/api/v1/operator/price-groups', { token: op, body: { ...aGroup, currency: 'ABC' } });
    expect(badCurrency.status).toBe(400);
    expect(badCurrency.body.errors?.map((e) => e.field)).toContain('currency');
    const fraction = await api<Problem>('POST', '/api/v1/operator/price-groups', { token: op, body: { ...aGroup, price_per_kwh_minor: 0.35 } });
    expect(fraction.body.errors?.map((e) => e.field)).toContain('price_per_kwh_minor');
    const vat = await api<Problem>('POST', '/api/v1/operator/price-groups', { token: op, body: { ...aGroup, vat_rate_basis_points: -1 } });
    expect(vat.body.errors?.map((e) => e.field)).toContain('vat_rate_basis_points');
  });

  it('creates, lists, changes groups and resolves override → charge point → team → none', async () => {
    const created = await api<{ price_group_id: string }>('POST', '/api/v1/operator/price-groups', { token: op, body: aGroup });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ ...aGroup, per_minute_minor: null });
    const teamGroup = created.body.price_group_id;
    const cpGroup = (await api<{ price_group_id: string }>('POST', '/api/v1/operator/price-groups', { token: op, body: { ...aGroup, name: 'Fast', price_per_kwh_minor: 59 } })).body.price_group_id;
    const override = (await api<{ price_group_id: string }>('POST', '/api/v1/operator/price-groups', { token: op, body: { ...aGroup, name: 'Promo', currency: 'DKK' } })).body.price_group_id;
    expect((await api<{ price_groups: unknown[] }>('GET', '/api/v1/operator/price-groups', { token: op })).body.price_groups.length).toBeGreaterThanOrEqual(3);
    const patched = await api('PATCH', `/api/v1/operator/price-groups/${teamGroup}`, { token: op, body: { start_fee_minor: null, per_minute_minor: 2 } });
    expect(patched.body).toMatchObject({ start_fee_minor: null, per_minute_minor: 2, price_per_kwh_minor: 35 });
    expect((await api('GET', `/api/v1/operator/price-groups/${teamGroup}`, { token: op })).body).toMatchObject({ per_minute_minor: 2 });

    // A fresh team, so the seed team's default (other tests) does not matter.
    const teamId = (await api<{ team_id: string }>('POST', '/api/v1/operator/teams', { token: op, body: { name: 'Priced Ltd', owner_email: 'p@priced.example' } })).body.team_id;
    const { chargePointId } = await aBootedChargePoint('ocpp1.6');
    const at = { operatorId: rt.seed!.operatorId, teamId, chargePointId };
    expect(await resolvePriceGroup(at)).toBeNull();

    const unknown = await api<Problem>('PUT', `/api/v1/operator/teams/${teamId}/price-group`, { token: op, body: { price_group_id: 'pg_nope' } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors?.map((e) => e.field)).toContain('price_group_id');
    expect((await api('PUT', `/api/v1/operator/teams/${teamId}/price-group`, { token: op, body: { price_group_id: teamGroup } })).body).toMatchObject({ team_id: teamId, price_group_id: teamGroup });
    expect((await resolvePriceGroup(at))?.priceGroupId).toBe(teamGroup);
    expect((await api('PUT', `/api/v1/operator/charge-points/${chargePointId}/price-group`, { token: op, body: { price_group_id: cpGroup } })).status).toBe(200);
    expect((await resolvePriceGroup(at))?.priceGroupId).toBe(cpGroup);
    expect((await resolvePriceGroup({ ...at, overrideId: override }))?.currency).toBe('DKK');
    await expect(resolvePriceGroup({ ...at, overrideId: 'pg_nope' })).rejects.toMatchObject({ kind: 'validation' });
    await api('PUT', `/api/v1/operator/charge-points/${chargePointId}/price-group`, { token: op, body: { price_group_id: null } });
    expect((await resolvePriceGroup(at))?.priceGroupId).toBe(teamGroup);
    expect((await api('PUT', '/api/v1/operator/charge-points/cp_nope/price-group', { token: op, body: { price_group_id: null } })).status).toBe(404);
    expect((await api('PUT', '/api/v1/operator/teams/team_nope/price-group', { token: op, body: { price_group_id: null } })).status).toBe(404);
  });
});
