// Issue #17, "Serial + PIN" (docs/site-devices.md §1), through the local runtime: an operator (here
// a charger maker) loads the chargers it ships, one and as a CSV file (a bad file loads nothing); an
// installer adds one to a location with the serial and PIN on its sticker, and it connects with a
// strict ocpp-rpc client and the password it was given and is commissioned like any other. Wrong
// PINs and unknown serials answer alike; 5 wrong attempts lock the serial for that account for 24
// hours (the clock is moved, not waited for), other accounts are not locked; 20 wrong attempts over
// any serials lock the account; 25 on one serial from several accounts lock the serial.
import type { RPCClient } from 'ocpp-rpc';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LocalRuntime } from '../../local/runtime';
import { getChargePoint } from '../../lib/db/charge-points';
import { createOperator } from '../../lib/domain/operator-setup';
import { aSignedInAccount, apiClient, type SignedInAccount } from './support/api';
import { aConnectedClient, aSerial, behaveLikeACharger, BOOT } from './support/ocpp';
import { startTestRuntime } from './support/runtime';

let rt: LocalRuntime;
let api: ReturnType<typeof apiClient>;
let client: RPCClient | undefined;
/** A charger maker: an operator on the platform whose catalogue installers of other operators add from. */
let maker: { operatorId: string; apiKey: string };

beforeAll(async () => {
  rt = await startTestRuntime();
  api = apiClient(rt);
  const made = await createOperator({ name: 'Wallbox Maker', contactEmail: 'factory@maker.example' });
  maker = { operatorId: made.operator.operatorId, apiKey: made.apiKey };
});
afterEach(() => {
  vi.useRealTimers();
});
afterAll(async () => {
  await client?.close({ force: true }).catch(() => undefined);
  await rt?.stop();
});

const DAY = 86_400_000;

interface Problem {
  status: number;
  detail: string;
  errors?: Array<{ field: string; message: string; line?: number; column?: string }>;
  locked_until?: string;
  lock?: string;
}
interface Registered {
  charge_point_id: string;
  charge_point_identity: string;
  serial_number: string;
  ocpp_protocol: string;
  ocpp_endpoint: string;
  provisioning_password: string;
  commissioning_status: string;
}

/** Sends a CSV file as the catalogue import does (text/csv). */
async function upload(csv: string, token = maker.apiKey, contentType = 'text/csv; charset=utf-8') {
  const res = await fetch(`${rt.url}/api/v1/operator/devices/import`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': contentType }, body: csv });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> & Problem };
}

/** A device builder: what PUT takes, a PIN of its own. */
const aDevice = (over: Partial<{ pin: string; vendor: string; model: string; ocpp_protocol: string; connectors: number }> = {}) => ({
  pin: '482916',
  vendor: 'Volt Time',
  model: 'Source 2',
  ocpp_protocol: 'ocpp1.6',
  connectors: 1,
  ...over,
});

async function loaded(serial: string, over: Parameters<typeof aDevice>[0] = {}) {
  const res = await api('PUT', `/api/v1/operator/devices/${encodeURIComponent(serial)}`, { token: maker.apiKey, body: aDevice(over) });
  expect(res.status).toBe(200);
  return res.body;
}

let hosts = 0;
/**
 * An installer of the seed operator with a location of its own (it may add chargers there). Each
 * signs up from a loopback address of its own, so the per-client sign-up limit sees new clients.
 */
async function anInstallerWithALocation(): Promise<{ installer: SignedInAccount; location_id: string }> {
  hosts += 1;
  const installer = await aSignedInAccount(rt, { name: 'Ina Installer', from: `127.0.17.${hosts}` });
  await api('POST', `/api/v1/operator/projects/${rt.seed!.projectId}/installers`, { token: rt.seed!.operatorApiKey, body: { email: installer.email } });
  const created = await api<{ location_id: string }>('POST', '/api/v1/locations', {
    token: installer.token,
    body: { operator_id: rt.seed!.operatorId, name: 'Garage at Rose Cottage', address: '3 Rose Lane, Bath', country: 'GB' },
  });
  expect(created.status).toBe(201);
  return { installer, location_id: created.body.location_id };
}

const bySerial = (location_id: string, token: string, serial_number: string, pin: string) =>
  api<Registered & Problem>('POST', `/api/v1/locations/${location_id}/charge-points/by-serial`, { token, body: { serial_number, pin } });

describe('the operator catalogue', () => {
  it('loads one charger by serial, updates it when put again, and never shows the PIN', async () => {
    const serial = aSerial('VT');
    const first = await loaded(serial);
    expect(first).toEqual({ serial_number: serial, vendor: 'Volt Time', model: 'Source 2', ocpp_protocol: 'ocpp1.6', connectors: 1, created_at: expect.any(String), updated_at: expect.any(String) });
    const again = await loaded(serial, { model: 'Source 3', connectors: 2, pin: '111111' });
    expect(again).toMatchObject({ serial_number: serial, model: 'Source 3', connectors: 2, created_at: first.created_at });

    const one = await fetch(`${rt.url}/api/v1/operator/devices/${serial}`, { headers: { authorization: `Bearer ${maker.apiKey}` } });
    const text = await one.text();
    expect(one.status).toBe(200);
    expect(text).not.toMatch(/pin|scrypt/i);
    const list = await fetch(`${rt.url}/api/v1/operator/devices?limit=1`, { headers: { authorization: `Bearer ${maker.apiKey}` } });
    const listed = (await list.json()) as { devices: unknown[]; next_cursor: string | null };
    expect(listed.devices).toHaveLength(1);
    expect(JSON.stringify(listed)).not.toMatch(/"pin|scrypt/i);

    // A serial is one physical charger: another operator cannot load it, in any spelling (it is the
    // OCPP identity, compared case-insensitively), nor see it in its own catalogue.
    const clash = await api<Problem>('PUT', `/api/v1/operator/devices/${serial.toLowerCase()}`, { token: rt.seed!.operatorApiKey, body: aDevice() });
    expect(clash.status).toBe(409);
    expect((await api('GET', `/api/v1/operator/devices/${serial}`, { token: rt.seed!.operatorApiKey })).status).toBe(404);
    // A serial that cannot be an OCPP identity is refused by name.
    const bad = await api<Problem>('PUT', `/api/v1/operator/devices/${encodeURIComponent('has space')}`, { token: maker.apiKey, body: aDevice() });
    expect([bad.status, bad.body.errors?.[0]?.field]).toEqual([400, 'path.serial']);
  });

  it('imports a CSV file, and a file with any wrong row loads nothing and names each line and column', async () => {
    const [a, b, c] = [aSerial('CSV'), aSerial('CSV'), aSerial('CSV')];
    const good = await upload(`serial,pin,vendor,model,ocpp_protocol,connectors\r\n${a},1234,Volt Time,"Source 2, Type 2",ocpp1.6,1\r\n${b},5678,Volt Time,Source 2,ocpp2.0.1,2\r\n\r\n`);
    expect(good.status).toBe(200);
    expect(good.body).toMatchObject({ imported: 2, created: 2, updated: 0 });
    expect((await api('GET', `/api/v1/operator/devices/${a}`, { token: maker.apiKey })).body).toMatchObject({ model: 'Source 2, Type 2', ocpp_protocol: 'ocpp1.6' });

    // One row right (c), an update of a loaded one (a), and two wrong: nothing is written.
    const bad = await upload(['serial,pin,vendor,model,ocpp_protocol,connectors', `${c},1234,Volt Time,Source 2,ocpp1.6,1`, `${a},9999,Volt Time,Changed,ocpp1.6,1`, `${aSerial('CSV')},1234,Volt Time,Source 2,ocpp2.1,1`, `${aSerial('CSV')},12,Volt Time,Source 2,ocpp1.6,two`].join('\n'));
    expect(bad.status).toBe(400);
    expect(bad.body.errors!.map((e) => [e.line, e.column])).toEqual([
      [4, 'ocpp_protocol'],
      [5, 'pin'],
      [5, 'connectors'],
    ]);
    expect(bad.body.errors![0]!.field).toBe('line 4, column ocpp_protocol');
    expect(bad.body.detail).toMatch(/nothing was/);
    expect((await api('GET', `/api/v1/operator/devices/${c}`, { token: maker.apiKey })).status).toBe(404);
    expect((await api('GET', `/api/v1/operator/devices/${a}`, { token: maker.apiKey })).body).toMatchObject({ model: 'Source 2, Type 2' });

    // A serial loaded by another operator: 409 naming its line, and the other rows are not loaded either.
    const theirs = aSerial('THEIRS');
    expect((await api('PUT', `/api/v1/operator/devices/${theirs}`, { token: rt.seed!.operatorApiKey, body: aDevice() })).status).toBe(200);
    const clash = await upload(`serial,pin,vendor,model,ocpp_protocol,connectors\n${c},1234,Volt Time,Source 2,ocpp1.6,1\n${theirs},1234,Volt Time,Source 2,ocpp1.6,1\n`);
    expect(clash.status).toBe(409);
    expect(clash.body.errors).toEqual([expect.objectContaining({ line: 3, column: 'serial' })]);
    expect((await api('GET', `/api/v1/operator/devices/${c}`, { token: maker.apiKey })).status).toBe(404);

    // A duplicate serial in one file, a wrong header, a body that is not CSV.
    const twice = await upload(`serial,pin,vendor,model,ocpp_protocol,connectors\n${c},1234,V,M,ocpp1.6,1\n${c.toLowerCase()},1234,V,M,ocpp1.6,1\n`);
    expect([twice.status, twice.body.errors?.[0]?.field]).toEqual([400, 'line 3, column serial']);
    const header = await upload(`serial,pin,vendor,model,protocol,connectors\n${c},1234,V,M,ocpp1.6,1\n`);
    expect(header.status).toBe(400);
    expect(header.body.errors!.map((e) => e.field)).toEqual(['line 1, column ocpp_protocol', 'line 1, column protocol']);
    // At most 50 chargers a file (one transaction), at most 64 KiB.
    const rows = Array.from({ length: 51 }, () => `${aSerial('MANY')},1234,V,M,ocpp1.6,1`);
    const many = await upload(`serial,pin,vendor,model,ocpp_protocol,connectors\n${rows.join('\n')}\n`);
    expect([many.status, many.body.errors?.[0]?.field]).toEqual([400, 'line 52, column serial']);
    const big = await upload(`serial,pin,vendor,model,ocpp_protocol,connectors\n${c},1234,V,${'M'.repeat(70_000)},ocpp1.6,1\n`);
    expect([big.status, big.body.limit_bytes]).toEqual([413, 65_536]);
    const json = await upload(JSON.stringify([{ serial: c }]), maker.apiKey, 'application/json');
    expect([json.status, json.body.errors?.[0]?.field]).toEqual([400, 'content-type']);
    expect((await api('GET', `/api/v1/operator/devices/${c}`, { token: maker.apiKey })).status).toBe(404);
  });
});

describe('adding a charger by serial and PIN', () => {
  it('registers it with the catalogue values; it connects with the given password and is commissioned', async () => {
    const serial = aSerial('SRC');
    await loaded(serial, { vendor: 'Volt Time', model: 'Source 2', ocpp_protocol: 'ocpp1.6', connectors: 2, pin: '482916' });
    const { installer, location_id } = await anInstallerWithALocation();

    // Typed as people type it off a sticker: lower case, spaces around.
    const added = await bySerial(location_id, installer.token, ` ${serial.toLowerCase()} `, ' 482916 ');
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ charge_point_identity: serial, ocpp_protocol: 'ocpp1.6', ocpp_endpoint: rt.ocppUrl, commissioning_status: 'pending', provisioning_password: expect.any(String) });
    const cp = await getChargePoint(added.body.charge_point_id, true);
    expect(cp).toMatchObject({ siteId: location_id, vendor: 'Volt Time', model: 'Source 2', connectorCount: 2, protocol: 'ocpp1.6' });
    const view = await api<{ charge_points: Array<{ charge_point_id: string; vendor: string; model: string }> }>('GET', `/api/v1/locations/${location_id}`, { token: installer.token });
    expect(view.body.charge_points).toContainEqual(expect.objectContaining({ charge_point_id: added.body.charge_point_id, vendor: 'Volt Time', model: 'Source 2' }));

    client = await aConnectedClient(rt, { identity: added.body.charge_point_identity, password: added.body.provisioning_password, protocol: 'ocpp1.6' });
    behaveLikeACharger(client, 'ocpp1.6', {});
    await client.call('BootNotification', BOOT['ocpp1.6']);
    const path = `/api/v1/locations/${location_id}/charge-points/${added.body.charge_point_id}/commissioning`;
    expect((await api('POST', path, { token: installer.token })).status).toBe(202);
    await vi.waitFor(async () => expect((await api<{ status: string }>('GET', path, { token: installer.token })).body.status).toBe('completed'), { timeout: 30_000, interval: 250 });
  }, 90_000);

  it('answers a wrong PIN and an unknown serial with one and the same 422 naming pin', async () => {
    const serial = aSerial('SRC');
    await loaded(serial);
    const { installer, location_id } = await anInstallerWithALocation();
    const wrongPin = await bySerial(location_id, installer.token, serial, '000000');
    const unknown = await bySerial(location_id, installer.token, aSerial('NOPE'), '000000');
    expect(wrongPin.status).toBe(422);
    expect(wrongPin.body).toEqual(unknown.body);
    expect(wrongPin.body.errors).toEqual([{ field: 'pin', message: 'serial number or PIN is not right' }]);
    expect(wrongPin.body.detail).toBe('The serial number or PIN is not right');
  }, 60_000);

  it('locks a serial for the account after 5 wrong PINs, until 24 hours later, refusing the right PIN; other accounts are not locked', async () => {
    const serial = aSerial('SRC');
    await loaded(serial, { pin: '482916' });
    const a = await anInstallerWithALocation();
    const b = await anInstallerWithALocation();

    for (let i = 1; i <= 4; i += 1) expect((await bySerial(a.location_id, a.installer.token, serial, `00000${i}`)).status).toBe(422);
    const fifth = await bySerial(a.location_id, a.installer.token, serial, '000005');
    const lockedAt = Date.now();
    expect(fifth.status).toBe(429);
    expect(fifth.body.lock).toBe('serial_account');
    const until = Date.parse(fifth.body.locked_until!);
    expect(until - lockedAt).toBeGreaterThan(DAY - 60_000);
    expect(until - lockedAt).toBeLessThanOrEqual(DAY);
    expect(fifth.body.detail).toContain(`try again after ${fifth.body.locked_until!.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')}`);

    // While locked the right PIN is refused too, with the same end.
    const right = await bySerial(a.location_id, a.installer.token, serial, '482916');
    expect([right.status, right.body.locked_until]).toEqual([429, fifth.body.locked_until]);
    // Another installer is not locked out of this serial by the first one's attempts.
    expect((await bySerial(b.location_id, b.installer.token, serial, '000000')).status).toBe(422);

    // A minute before the end: still locked. A minute after: the right PIN adds it.
    vi.useFakeTimers({ toFake: ['Date'], now: until - 60_000, shouldAdvanceTime: true });
    let token = await a.installer.login();
    expect((await bySerial(a.location_id, token, serial, '482916')).status).toBe(429);
    vi.setSystemTime(until + 60_000);
    token = await a.installer.login();
    const added = await bySerial(a.location_id, token, serial, '482916');
    expect(added.status).toBe(201);
    expect(added.body.charge_point_identity).toBe(serial);
  }, 90_000);

  it('locks an account that tries 20 wrong serials or PINs within 24 hours, whatever the serials', async () => {
    const serial = aSerial('SRC');
    await loaded(serial, { pin: '482916' });
    const { installer, location_id } = await anInstallerWithALocation();
    // A range scan: a few tries on each of many serials, no serial reaching its own limit of 5.
    for (let i = 1; i <= 19; i += 1) expect((await bySerial(location_id, installer.token, aSerial('RANGE'), '000000')).status).toBe(422);
    const twentieth = await bySerial(location_id, installer.token, aSerial('RANGE'), '000000');
    expect([twentieth.status, twentieth.body.lock]).toEqual([429, 'account']);
    expect(twentieth.body.detail).toMatch(/locked for your account after 20 wrong serial numbers or PINs within 24 hours; try again after /);
    // Now even a charger the account holds the right PIN of is refused.
    const right = await bySerial(location_id, installer.token, serial, '482916');
    expect([right.status, right.body.lock]).toEqual([429, 'account']);
  }, 120_000);

  it('locks a serial for everyone after 25 wrong PINs within 24 hours from several accounts', async () => {
    const serial = aSerial('SRC');
    await loaded(serial, { pin: '482916' });
    // Seven accounts with 4 tries each: none reaches its own limit of 5 on the serial.
    const accounts: Array<Awaited<ReturnType<typeof anInstallerWithALocation>>> = [];
    for (let i = 0; i < 7; i += 1) accounts.push(await anInstallerWithALocation());
    const answers: Array<{ status: number; lock?: string }> = [];
    for (const { installer, location_id } of accounts) {
      for (let i = 0; i < 4 && answers.length < 25; i += 1) {
        const res = await bySerial(location_id, installer.token, serial, `1${answers.length}`.padStart(6, '0'));
        answers.push({ status: res.status, ...(res.body.lock ? { lock: res.body.lock } : {}) });
      }
    }
    expect(answers.slice(0, 24).every((a) => a.status === 422)).toBe(true);
    expect(answers[24]).toEqual({ status: 429, lock: 'serial' });
    // An account that never tried is refused the right PIN too.
    const fresh = await anInstallerWithALocation();
    const right = await bySerial(fresh.location_id, fresh.installer.token, serial, '482916');
    expect([right.status, right.body.lock]).toEqual([429, 'serial']);
    expect(right.body.detail).toMatch(/^This serial number is locked after 25 wrong PINs within 24 hours; try again after /);
  }, 180_000);
});
