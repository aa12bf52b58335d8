// Charge cards of a location (issue #17 §2, docs/site-devices.md) end to end: learning by tapping on
// strict ocpp-rpc chargers of both versions, naming captures, the chargers' local authorisation lists
// (Full on a version mismatch, Differentials after, items per message, maximum entries, no support),
// and a blocked card refused online and deleted from the lists.
import type { RPCClient } from 'ocpp-rpc';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LocalRuntime } from '../../local/runtime';
import type { OcppVersion } from '../../lib/ocpp/versions';
import { aSignedInAccount, apiClient, type SignedInAccount } from './support/api';
import { aConnectedClient, aSerial, BOOT, markCommissioned } from './support/ocpp';
import { startTestRuntime } from './support/runtime';

let rt: LocalRuntime;
let api: ReturnType<typeof apiClient>;
let installer: SignedInAccount;
const clients: RPCClient[] = [];

beforeAll(async () => {
  rt = await startTestRuntime();
  api = apiClient(rt);
  installer = await aSignedInAccount(rt, { name: 'Ina Installer' });
  // An assignment on one of the seed operator's projects: the installer installs for it (may create locations).
  await api('POST', `/api/v1/operator/projects/${rt.seed!.projectId}/installers`, { token: rt.seed!.operatorApiKey, body: { email: installer.email } });
}, 60_000);

afterAll(async () => {
  for (const c of clients) await c.close({ force: true }).catch(() => undefined);
  await rt?.stop();
});

let n = 0;
const aTokenValue = (label: string) => `${label}${process.pid}${++n}`.toUpperCase().slice(0, 20);

async function aLocation(): Promise<string> {
  const res = await api<{ location_id: string }>('POST', '/api/v1/locations', {
    token: installer.token,
    body: { operator_id: rt.seed!.operatorId, name: `Garage ${++n}`, address: '3 Rose Lane, Bath', country: 'GB' },
  });
  expect(res.status).toBe(201);
  return res.body.location_id;
}

/** What a simulated charger's local list holds and every SendLocalList it got. */
interface ListSim {
  version: number;
  readonly entries: Map<string, Record<string, unknown> | undefined>;
  readonly received: Array<{ version: number; updateType: string; items: Array<Record<string, unknown>> }>;
}

interface ChargerOpts {
  /** -1 on 1.6: no local list (§5.9). */
  readonly listVersion?: number;
  readonly maxLength?: number;
  readonly perMessage?: number;
}

/** Registered on the location, commissioned; connected and booted Accepted unless `connect: false`. */
async function aChargerAt(locationId: string, protocol: OcppVersion, opts: ChargerOpts = {}) {
  const reg = await api<{ charge_point_id: string; charge_point_identity: string; provisioning_password: string }>('POST', `/api/v1/locations/${locationId}/charge-points`, {
    token: installer.token,
    body: { serial_number: aSerial('CARD'), ocpp_protocol: protocol },
  });
  expect(reg.status).toBe(201);
  const chargePointId = reg.body.charge_point_id;
  await markCommissioned(chargePointId);
  const list: ListSim = { version: opts.listVersion ?? 0, entries: new Map(), received: [] };
  const connect = async () => {
    const client = await aConnectedClient(rt, { identity: reg.body.charge_point_identity, password: reg.body.provisioning_password, protocol });
    clients.push(client);
    handleLocalList(client, protocol, list, opts);
    expect(await client.call('BootNotification', BOOT[protocol])).toMatchObject({ status: 'Accepted' });
    return client;
  };
  return { chargePointId, list, connect };
}

/** A charger's Local Authorization List Management (1.6 §5.9 / §5.16, 2.0.1 D01 / D02), kept as a charger keeps it. */
function handleLocalList(client: RPCClient, protocol: OcppVersion, list: ListSim, opts: ChargerOpts) {
  client.handle('GetLocalListVersion', async () => (protocol === 'ocpp1.6' ? { listVersion: list.version } : { versionNumber: list.version }));
  client.handle('GetConfiguration', async ({ params }) => {
    const known: Record<string, string> = { LocalAuthListEnabled: 'true', LocalAuthListMaxLength: String(opts.maxLength ?? 100), SendLocalListMaxLength: String(opts.perMessage ?? 20) };
    const asked = ((params as { key?: string[] }).key ?? Object.keys(known)).filter((k) => k in known);
    return { configurationKey: asked.map((key) => ({ key, readonly: true, value: known[key] })) };
  });
  client.handle('GetVariables', async ({ params }) => {
    const values: Record<string, string> = { Available: 'true', Enabled: 'true', ItemsPerMessage: String(opts.perMessage ?? 20) };
    const data = (params as { getVariableData: Array<{ component: { name: string }; variable: { name: string } }> }).getVariableData;
    return {
      getVariableResult: data.map((d) =>
        d.component.name === 'LocalAuthListCtrlr' && d.variable.name in values
          ? { attributeStatus: 'Accepted', attributeValue: values[d.variable.name], component: d.component, variable: d.variable }
          : { attributeStatus: 'UnknownVariable', component: d.component, variable: d.variable },
      ),
    };
  });
  client.handle('SendLocalList', async ({ params }) => {
    const p = params as { listVersion?: number; versionNumber?: number; updateType: string; localAuthorizationList?: Array<Record<string, unknown>> };
    const version = (protocol === 'ocpp1.6' ? p.listVersion : p.versionNumber)!;
    const items = p.localAuthorizationList ?? [];
    list.received.push({ version, updateType: p.updateType, items });
    if (p.updateType === 'Full') list.entries.clear();
    for (const item of items) {
      const id = protocol === 'ocpp1.6' ? (item.idTag as string) : (item.idToken as { idToken: string }).idToken;
      const info = (protocol === 'ocpp1.6' ? item.idTagInfo : item.idTokenInfo) as Record<string, unknown> | undefined;
      if (info) list.entries.set(id, info);
      else list.entries.delete(id);
    }
    list.version = version;
    return { status: 'Accepted' };
  });
}

async function authorize(client: RPCClient, protocol: OcppVersion, token: string, type = 'ISO14443'): Promise<string> {
  if (protocol === 'ocpp1.6') return ((await client.call('Authorize', { idTag: token })) as { idTagInfo: { status: string } }).idTagInfo.status;
  return ((await client.call('Authorize', { idToken: { idToken: token, type } })) as { idTokenInfo: { status: string } }).idTokenInfo.status;
}

interface Capture {
  captured_id: string;
  id_token: string;
  type: string | null;
  source: string;
  known: boolean;
  card: { card_id: string; name: string } | null;
}
interface Learning {
  open: boolean;
  seconds_left: number;
  captures: Capture[];
}
interface LocalListView {
  supported: boolean | null;
  unsupported_reason: string | null;
  version: number | null;
  entries: number;
  in_sync: boolean;
  syncing: boolean;
  last_error: string | null;
  not_fitted: string[];
}

const learningPath = (loc: string, cp: string) => `/api/v1/locations/${loc}/charge-points/${cp}/card-learning`;

async function addCard(loc: string, body: Record<string, unknown>) {
  const res = await api<{ card_id: string; name: string; status: string; type: string; owner: { kind: string; name: string | null } }>('POST', `/api/v1/locations/${loc}/cards`, { token: installer.token, body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

async function sessionsOf(chargePointId: string) {
  const res = await api<{ sessions: Array<{ id_token: string | null; payment_method: string | null; token_flagged: boolean; token_status: string | null; start_source: string | null }> }>(
    'GET',
    `/api/v1/operator/charge-points/${chargePointId}/sessions`,
    { token: rt.seed!.operatorApiKey },
  );
  expect(res.status).toBe(200);
  return res.body.sessions;
}

async function listState(loc: string, cp: string): Promise<LocalListView> {
  await rt.drain();
  return (await api<LocalListView>('GET', `/api/v1/locations/${loc}/charge-points/${cp}/local-list`, { token: installer.token })).body;
}

/** The list once no sync runs for it any more (syncs run off the request path). */
async function settledList(loc: string, cp: string, until: (s: LocalListView) => boolean): Promise<LocalListView> {
  let last: LocalListView | undefined;
  await vi.waitFor(
    async () => {
      last = await listState(loc, cp);
      expect(last.syncing).toBe(false);
      expect(until(last)).toBe(true);
    },
    { timeout: 20_000, interval: 100 },
  );
  return last!;
}

describe('learning a card by tapping it on the charger', () => {
  it('1.6: captures unknown tags instead of charging (Invalid, even under free vend; no session is paid), names one, and says a known card is known', async () => {
    const location = await aLocation();
    const { chargePointId, connect } = await aChargerAt(location, 'ocpp1.6');
    const client = await connect();
    // The location's charger is free vend until its job completes: an unknown tag is Accepted.
    expect(await authorize(client, 'ocpp1.6', aTokenValue('STRANGER'))).toBe('Accepted');
    const knownValue = aTokenValue('KNOWN');
    const known = await addCard(location, { id_token: knownValue, name: 'Kitchen drawer fob' });

    const opened = await api<Learning>('POST', learningPath(location, chargePointId), { token: installer.token });
    expect(opened.status).toBe(201);
    expect(opened.body).toMatchObject({ open: true, captures: [] });
    expect(opened.body.seconds_left).toBeGreaterThan(100);
    expect(opened.body.seconds_left).toBeLessThanOrEqual(120);

    const tapped = aTokenValue('BLUE');
    expect(await authorize(client, 'ocpp1.6', tapped)).toBe('Invalid');
    const started = aTokenValue('RED');
    const start = (await client.call('StartTransaction', { connectorId: 1, idTag: started, meterStart: 1000, timestamp: new Date().toISOString() })) as { idTagInfo: { status: string } };
    expect(start.idTagInfo.status).toBe('Invalid');
    // A card of the location is answered as usual (here: free vend, Accepted) and the capture says it is known.
    expect(await authorize(client, 'ocpp1.6', knownValue)).toBe('Accepted');

    const view = (await api<Learning>('GET', learningPath(location, chargePointId), { token: installer.token })).body;
    expect(view.captures).toEqual([
      expect.objectContaining({ id_token: tapped, source: 'Authorize', known: false, card: null }),
      expect.objectContaining({ id_token: started, source: 'StartTransaction', known: false, card: null }),
      expect.objectContaining({ source: 'Authorize', known: true, card: expect.objectContaining({ card_id: known.card_id, name: 'Kitchen drawer fob' }) }),
    ]);
    // The start that was refused while learning is recorded (the charger started it) but nobody pays for it.
    expect((await sessionsOf(chargePointId)).find((s) => s.id_token === started)).toMatchObject({ payment_method: null, token_flagged: true, token_status: 'Unknown', start_source: 'card' });

    const card = await addCard(location, { captured_id: view.captures[0]!.captured_id, name: 'Blue fob', owner: 'team' });
    expect(card).toMatchObject({ name: 'Blue fob', status: 'active', type: 'ISO14443', owner: { kind: 'team' } });
    expect((await api<{ cards: Array<{ card_id: string }> }>('GET', `/api/v1/locations/${location}/cards`, { token: installer.token })).body.cards.map((c) => c.card_id)).toEqual([
      known.card_id,
      card.card_id,
    ]);
    // Named now: the same tag is a card of the location and charges.
    expect(await authorize(client, 'ocpp1.6', tapped)).toBe('Accepted');
    // A capture is named once.
    expect((await api('POST', `/api/v1/locations/${location}/cards`, { token: installer.token, body: { captured_id: view.captures[0]!.captured_id, name: 'Again' } })).status).toBe(409);
  });

  it('2.0.1: captures idToken and type from Authorize and TransactionEvent (Unknown), adds it for a named person, and stops capturing when ended', async () => {
    const location = await aLocation();
    const { chargePointId, connect } = await aChargerAt(location, 'ocpp2.0.1');
    const client = await connect();
    expect((await api<Learning>('POST', learningPath(location, chargePointId), { token: installer.token, body: { duration_s: 30 } })).body.seconds_left).toBeLessThanOrEqual(30);

    const tapped = aTokenValue('GREEN');
    expect(await authorize(client, 'ocpp2.0.1', tapped, 'ISO15693')).toBe('Unknown');
    const started = aTokenValue('PLUGGED');
    const event = (await client.call('TransactionEvent', {
      eventType: 'Started',
      timestamp: new Date().toISOString(),
      triggerReason: 'Authorized',
      seqNo: 0,
      transactionInfo: { transactionId: `tx-${started}` },
      idToken: { idToken: started, type: 'ISO14443' },
      evse: { id: 1, connectorId: 1 },
    })) as { idTokenInfo: { status: string } };
    expect(event.idTokenInfo.status).toBe('Unknown');
    expect((await sessionsOf(chargePointId)).find((s) => s.id_token === started)).toMatchObject({ payment_method: null, token_flagged: true });

    const view = (await api<Learning>('GET', learningPath(location, chargePointId), { token: installer.token })).body;
    expect(view.captures).toEqual([
      expect.objectContaining({ id_token: tapped, type: 'ISO15693', source: 'Authorize', known: false }),
      expect.objectContaining({ id_token: started, type: 'ISO14443', source: 'TransactionEvent', known: false }),
    ]);
    // Someone outside the team cannot own a card; a named person can.
    const notMember = await api<{ errors: Array<{ field: string }> }>('POST', `/api/v1/locations/${location}/cards`, {
      token: installer.token,
      body: { captured_id: view.captures[0]!.captured_id, name: 'Green card', owner: { account_id: installer.accountId } },
    });
    expect(notMember.status).toBe(400);
    expect(notMember.body.errors[0]!.field).toBe('owner.account_id');
    const card = await addCard(location, { captured_id: view.captures[0]!.captured_id, name: 'Green card', owner: { name: 'Dana' } });
    expect(card).toMatchObject({ type: 'ISO15693', owner: { kind: 'person', name: 'Dana' } });

    const ended = await api<Learning>('DELETE', learningPath(location, chargePointId), { token: installer.token });
    expect(ended.body).toMatchObject({ open: false, seconds_left: 0 });
    // Window ended: free vend applies again, and nothing more is captured.
    expect(await authorize(client, 'ocpp2.0.1', aTokenValue('LATE'))).toBe('Accepted');
    expect((await api<Learning>('GET', learningPath(location, chargePointId), { token: installer.token })).body.captures).toHaveLength(2);
  });

  it('refuses a window shorter than 30 s or longer than 600 s, naming duration_s, and a window on a charger of another location (404)', async () => {
    const location = await aLocation();
    const { chargePointId } = await aChargerAt(location, 'ocpp1.6');
    for (const duration_s of [29, 601]) {
      const res = await api<{ errors: Array<{ field: string }> }>('POST', learningPath(location, chargePointId), { token: installer.token, body: { duration_s } });
      expect(res.status).toBe(400);
      expect(res.body.errors[0]!.field).toBe('duration_s');
    }
    const other = await aLocation();
    expect((await api('POST', learningPath(other, chargePointId), { token: installer.token })).status).toBe(404);
  });
});

describe("the chargers' local authorisation lists", () => {
  it.each(['ocpp1.6', 'ocpp2.0.1'] as const)(
    '%s: a charger whose version differs gets a Full list in chunks of its items per message at boot, then a Differential per change; a blocked card is refused online and deleted from the list',
    async (protocol) => {
      const location = await aLocation();
      // Three cards before the charger is online: the sync cannot reach it (the state says so).
      const charger = await aChargerAt(location, protocol, { listVersion: 7, perMessage: 2 });
      const values = [aTokenValue('A'), aTokenValue('B'), aTokenValue('C')];
      const cards = [];
      for (const v of values) cards.push(await addCard(location, { id_token: v, name: `Card ${v}` }));
      const offline = await settledList(location, charger.chargePointId, (s) => s.last_error !== null);
      expect(offline).toMatchObject({ in_sync: false, last_error: 'the charger is not connected' });

      // It boots Accepted: its version (7) is not ours, so Full (first 2) then a Differential (the third).
      const client = await charger.connect();
      const synced = await settledList(location, charger.chargePointId, (s) => s.in_sync);
      expect(synced).toMatchObject({ supported: true, version: 9, entries: 3, last_error: null, not_fitted: [] });
      expect(charger.list.received.map((m) => [m.version, m.updateType, m.items.length])).toEqual([
        [8, 'Full', 2],
        [9, 'Differential', 1],
      ]);
      expect([...charger.list.entries.keys()].sort()).toEqual([...values].sort());
      expect([...charger.list.entries.values()].every((info) => info?.status === 'Accepted')).toBe(true);

      // Open to drivers (no free vend): the block is refused online at once and leaves the list.
      expect((await api('POST', `/api/v1/operator/charge-points/${charger.chargePointId}/activate`, { token: rt.seed!.operatorApiKey })).status).toBe(200);
      expect(await authorize(client, protocol, values[1]!)).toBe('Accepted');
      const blocked = await api('PATCH', `/api/v1/locations/${location}/cards/${cards[1]!.card_id}`, { token: installer.token, body: { status: 'blocked' } });
      expect(blocked.status).toBe(200);
      expect(await authorize(client, protocol, values[1]!)).toBe('Blocked');
      const afterBlock = await settledList(location, charger.chargePointId, (s) => s.in_sync && s.version === 10);
      expect(afterBlock.entries).toBe(2);
      const deletion = charger.list.received[2]!;
      expect(deletion).toMatchObject({ version: 10, updateType: 'Differential' });
      // An entry without idTagInfo / idTokenInfo deletes (1.6 §5.16, 2.0.1 D02).
      expect(deletion.items).toEqual([protocol === 'ocpp1.6' ? { idTag: values[1] } : { idToken: { idToken: values[1], type: 'ISO14443' } }]);
      expect(charger.list.entries.has(values[1]!)).toBe(false);

      // Removed: refused online (unknown) and gone from the list too.
      expect((await api('DELETE', `/api/v1/locations/${location}/cards/${cards[0]!.card_id}`, { token: installer.token })).status).toBe(204);
      expect(await authorize(client, protocol, values[0]!)).toBe(protocol === 'ocpp1.6' ? 'Invalid' : 'Unknown');
      await settledList(location, charger.chargePointId, (s) => s.in_sync && s.version === 11);
      expect([...charger.list.entries.keys()]).toEqual([values[2]]);
    },
    60_000,
  );

  it('1.6: a charger whose list is full gets the oldest cards; the rest are named as not fitted (online only)', async () => {
    const location = await aLocation();
    const charger = await aChargerAt(location, 'ocpp1.6', { maxLength: 2 });
    await charger.connect();
    const cards = [];
    for (const v of [aTokenValue('X'), aTokenValue('Y'), aTokenValue('Z')]) cards.push(await addCard(location, { id_token: v, name: v }));
    const state = await settledList(location, charger.chargePointId, (s) => s.in_sync && s.not_fitted.length > 0);
    expect(state).toMatchObject({ entries: 2, not_fitted: [cards[2]!.card_id] });
    expect(charger.list.entries.size).toBe(2);
    // Three changes in a row, each syncing the charger: one sync at a time, so versions go up one by one from a Full.
    const versions = charger.list.received.map((m) => m.version);
    expect(charger.list.received[0]!.updateType).toBe('Full');
    expect(versions).toEqual(versions.map((_v, i) => i + 1));
  }, 60_000);

  it('1.6: a card longer than an idTag (CiString20) stays out of a 1.6 list, and the rest still syncs', async () => {
    const location = await aLocation();
    const charger = await aChargerAt(location, 'ocpp1.6');
    await charger.connect();
    const long = `${aTokenValue('LONG')}-0123456789ABCDEF`.slice(0, 36);
    const short = aTokenValue('SHORT');
    await addCard(location, { id_token: long, name: '2.0.1 only' });
    await addCard(location, { id_token: short, name: 'Fits' });
    const state = await settledList(location, charger.chargePointId, (s) => s.in_sync && s.entries === 1);
    expect(state.last_error).toBeNull();
    expect([...charger.list.entries.keys()]).toEqual([short]);
  }, 60_000);

  it('1.6: a charger without a local list (GetLocalListVersion = -1) is served online only: nothing is sent to it', async () => {
    const location = await aLocation();
    const charger = await aChargerAt(location, 'ocpp1.6', { listVersion: -1 });
    const client = await charger.connect();
    expect((await api('POST', `/api/v1/operator/charge-points/${charger.chargePointId}/activate`, { token: rt.seed!.operatorApiKey })).status).toBe(200);
    const value = aTokenValue('ONLINE');
    await addCard(location, { id_token: value, name: 'Online only' });
    const state = await settledList(location, charger.chargePointId, (s) => s.supported === false);
    expect(state).toMatchObject({ supported: false, unsupported_reason: expect.stringContaining('-1'), last_error: null });
    expect(charger.list.received).toEqual([]);
    expect(await authorize(client, 'ocpp1.6', value)).toBe('Accepted');
  }, 60_000);
});
