// The charge point log as the operator and the installer read it (issue #15): the guide's four
// colours and plain words for both OCPP versions, the filters, paging, the CSV/NDJSON export and
// the job page's log route. Chargers are strict ocpp-rpc clients, driven through the local runtime.
import type { RPCClient } from 'ocpp-rpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime';
import { listLog, putLogEntry } from '../../lib/db/logs';
import { exportChargePointLog } from '../../lib/domain/charge-point-log';
import { apiClient } from './support/api';
import { aCommissionedChargePoint, aConnectedClient, BOOT, behaveLikeACharger } from './support/ocpp';
import { startTestRuntime } from './support/runtime';

interface Entry {
  at: string;
  kind: string;
  action?: string;
  category: string;
  colour: string;
  category_label: string;
  direction: 'received' | 'sent' | null;
  description: string;
  frameIn?: string;
  frameOut?: string;
}
interface Page {
  entries: Entry[];
  next_cursor: string | null;
}

let rt: LocalRuntime;
let api: ReturnType<typeof apiClient>;
let op: string;
const clients: RPCClient[] = [];
const cps: Record<'ocpp1.6' | 'ocpp2.0.1', string> = { 'ocpp1.6': '', 'ocpp2.0.1': '' };
/** When each charger's first CALL was answered and when its last was: the time range of its session. */
const marks: Record<string, string> = {};

const now = () => new Date().toISOString();
const logsOf = (version: keyof typeof cps, query = '') => api<Page>('GET', `/api/v1/operator/charge-points/${cps[version]}/logs${query}`, { token: op });

beforeAll(async () => {
  rt = await startTestRuntime();
  api = apiClient(rt);
  op = rt.seed!.operatorApiKey;

  // 1.6: boot, heartbeat, a card, a session that the car pauses, meter values, the end.
  const r16 = await aCommissionedChargePoint(rt, { protocol: 'ocpp1.6' });
  cps['ocpp1.6'] = r16.chargePoint.chargePointId;
  const c16 = await aConnectedClient(rt, { identity: r16.identity, password: r16.provisioningPassword, protocol: 'ocpp1.6' });
  clients.push(c16);
  behaveLikeACharger(c16, 'ocpp1.6', {});
  await c16.call('BootNotification', BOOT['ocpp1.6']);
  await c16.call('Heartbeat', {});
  marks.afterHeartbeat16 = now();
  await c16.call('Authorize', { idTag: 'card-16' });
  const start = (await c16.call('StartTransaction', { connectorId: 1, idTag: 'card-16', meterStart: 1000, timestamp: now() })) as { transactionId: number };
  await c16.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'SuspendedEV' });
  await c16.call('MeterValues', { connectorId: 1, transactionId: start.transactionId, meterValue: [{ timestamp: now(), sampledValue: [{ value: '1500', measurand: 'Energy.Active.Import.Register', unit: 'Wh' }] }] });
  await c16.call('StopTransaction', { transactionId: start.transactionId, meterStop: 2000, timestamp: now(), reason: 'Local' });
  // A command we send: the log has both directions.
  const trigger = await api('POST', `/api/v1/operator/charge-points/${cps['ocpp1.6']}/commands`, { token: op, body: { action: 'TriggerMessage', payload: { requestedMessage: 'Heartbeat' } } });
  expect(trigger.status).toBe(200);

  // 2.0.1: boot, status, a session started, paused by the charger, ended; an event report.
  const r201 = await aCommissionedChargePoint(rt, { protocol: 'ocpp2.0.1' });
  cps['ocpp2.0.1'] = r201.chargePoint.chargePointId;
  const c201 = await aConnectedClient(rt, { identity: r201.identity, password: r201.provisioningPassword, protocol: 'ocpp2.0.1' });
  clients.push(c201);
  await c201.call('BootNotification', BOOT['ocpp2.0.1']);
  await c201.call('StatusNotification', { timestamp: now(), connectorStatus: 'Occupied', evseId: 1, connectorId: 1 });
  await c201.call('Authorize', { idToken: { idToken: 'card-201', type: 'ISO14443' } });
  const tx = { transactionId: `TX-LOG-${Date.now()}` };
  await c201.call('TransactionEvent', { eventType: 'Started', timestamp: now(), triggerReason: 'Authorized', seqNo: 0, transactionInfo: { ...tx, chargingState: 'EVConnected' }, idToken: { idToken: 'card-201', type: 'ISO14443' }, evse: { id: 1, connectorId: 1 } });
  await c201.call('TransactionEvent', { eventType: 'Updated', timestamp: now(), triggerReason: 'ChargingStateChanged', seqNo: 1, transactionInfo: { ...tx, chargingState: 'SuspendedEVSE' } });
  await c201.call('TransactionEvent', { eventType: 'Ended', timestamp: now(), triggerReason: 'StopAuthorized', seqNo: 2, transactionInfo: { ...tx, stoppedReason: 'Local' } });
  await c201.call('NotifyEvent', { generatedAt: now(), seqNo: 0, eventData: [{ eventId: 1, timestamp: now(), trigger: 'Delta', actualValue: 'Faulted', eventNotificationType: 'HardWiredNotification', component: { name: 'Connector' }, variable: { name: 'AvailabilityState' } }] });
  await rt.drain();
  marks.end = now();
}, 60_000);

afterAll(async () => {
  for (const c of clients) await c.close({ force: true }).catch(() => undefined);
  await rt?.stop();
});

const describing = (page: Page, action: string) => page.entries.filter((e) => (e.action ?? e.kind) === action).map((e) => e.description);

describe('every entry has one of the guide\'s categories, its colour and plain words', () => {
  it('1.6: a session begins and ends (green), the car pauses (blue), the card is checked (white), the charger connects (yellow)', async () => {
    const page = (await logsOf('ocpp1.6', '?limit=200')).body;
    const byAction = (a: string) => page.entries.find((e) => (e.action ?? e.kind) === a)!;
    expect(byAction('StartTransaction')).toMatchObject({ category: 'transaction', colour: 'green', direction: 'received', description: expect.stringMatching(/^The charging session begins on connector 1 \(token card-16, meter 1000 Wh/) });
    expect(byAction('StopTransaction')).toMatchObject({ colour: 'green', description: expect.stringMatching(/^The charging session ends \(transaction \d+, reason Local, meter 2000 Wh\)$/) });
    expect(byAction('MeterValues')).toMatchObject({ colour: 'green', description: expect.stringContaining('energy 1500 Wh') });
    expect(byAction('StatusNotification')).toMatchObject({ category: 'ocpp_state', colour: 'blue', description: 'Status change: connector 1 is SuspendedEV (the car paused charging: full, or not taking power)' });
    expect(byAction('BootNotification')).toMatchObject({ colour: 'blue', description: 'Rebooted by itself or by command (answer Accepted)' });
    expect(byAction('Authorize')).toMatchObject({ category: 'security', colour: 'white', category_label: 'Authentication and security', description: expect.stringMatching(/^Card or app token card-16 checked/) });
    expect(byAction('connected')).toMatchObject({ category: 'connection', colour: 'yellow', direction: null, description: 'Connect: the charger connected (ocpp1.6)' });
    expect(describing(page, 'TriggerMessage')).toContain('Asked the charger to send Heartbeat');
    expect(page.entries.filter((e) => e.action === 'TriggerMessage').map((e) => e.direction)).toEqual(expect.arrayContaining(['sent']));
    expect(new Set(page.entries.map((e) => e.colour))).toEqual(new Set(['blue', 'green', 'yellow', 'white']));
  });

  it('2.0.1: TransactionEvent Started / Updated / Ended read as the session beginning, changing and ending', async () => {
    const page = (await logsOf('ocpp2.0.1', '?limit=200')).body;
    const tx = page.entries.filter((e) => e.action === 'TransactionEvent');
    expect(tx.every((e) => e.category === 'transaction' && e.colour === 'green')).toBe(true);
    expect(tx.map((e) => e.description)).toEqual([
      expect.stringMatching(/^The charging session ends \(reason Local, transaction TX-LOG-/),
      expect.stringMatching(/^The charging session is updated \(.*SuspendedEVSE: the charger paused charging, e\.g\. scheduled\)$/),
      expect.stringMatching(/^The charging session begins on EVSE 1 connector 1 \(transaction TX-LOG-/),
    ]);
    expect(describing(page, 'StatusNotification')).toEqual(['Status change: EVSE 1 connector 1 is Occupied (occupied: a car is plugged in)']);
    expect(describing(page, 'NotifyEvent')).toEqual(['Event reported: Connector.AvailabilityState = Faulted (Delta)']);
    expect(page.entries.find((e) => e.action === 'Authorize')).toMatchObject({ colour: 'white' });
    expect(page.entries.find((e) => e.kind === 'connected')).toMatchObject({ colour: 'yellow', description: 'Connect: the charger connected (ocpp2.0.1)' });
  });
});

describe('filters', () => {
  it('by category: only that category, in both versions', async () => {
    for (const version of ['ocpp1.6', 'ocpp2.0.1'] as const) {
      for (const category of ['ocpp_state', 'transaction', 'connection', 'security']) {
        const page = (await logsOf(version, `?limit=200&category=${category}`)).body;
        expect(page.entries.length, `${version} ${category}`).toBeGreaterThan(0);
        expect(page.entries.every((e) => e.category === category), `${version} ${category}`).toBe(true);
      }
    }
  });

  it('by action and by direction', async () => {
    const status = (await logsOf('ocpp1.6', '?limit=200&action=StatusNotification')).body.entries;
    expect(status.length).toBeGreaterThan(0);
    expect(status.every((e) => e.action === 'StatusNotification')).toBe(true);
    const connected = (await logsOf('ocpp1.6', '?action=connected')).body.entries;
    expect(connected.map((e) => e.kind)).toEqual(['connected']);
    const sent = (await logsOf('ocpp1.6', '?limit=200&direction=sent')).body.entries;
    expect(sent.map((e) => e.action)).toContain('TriggerMessage');
    expect(sent.every((e) => e.direction === 'sent')).toBe(true);
    const received = (await logsOf('ocpp1.6', '?limit=200&direction=received')).body.entries;
    expect(received.every((e) => e.direction === 'received')).toBe(true);
    expect(received.map((e) => e.action)).toEqual(expect.arrayContaining(['Heartbeat', 'StartTransaction']));
  });

  it('by time range: from inclusive, to exclusive', async () => {
    const all = (await logsOf('ocpp1.6', '?limit=200')).body.entries;
    const later = (await logsOf('ocpp1.6', `?limit=200&from=${marks.afterHeartbeat16}`)).body.entries;
    expect(later.length).toBeGreaterThan(0);
    expect(later.length).toBeLessThan(all.length);
    expect(later.every((e) => e.at >= marks.afterHeartbeat16!)).toBe(true);
    expect(later.map((e) => e.action)).not.toContain('BootNotification');
    const earlier = (await logsOf('ocpp1.6', `?limit=200&to=${marks.afterHeartbeat16}`)).body.entries;
    expect(earlier.every((e) => e.at < marks.afterHeartbeat16!)).toBe(true);
    expect(earlier.length + later.length).toBe(all.length);
  });

  it('by free text, case-insensitively over the action, the description and the payload', async () => {
    const card = (await logsOf('ocpp1.6', '?limit=200&q=CARD-16')).body.entries;
    expect(card.map((e) => e.action).sort()).toEqual(['Authorize', 'StartTransaction']);
    const paused = (await logsOf('ocpp1.6', '?q=car%20PAUSED')).body.entries;
    expect(paused.map((e) => e.action)).toEqual(['StatusNotification']);
    const byAction = (await logsOf('ocpp2.0.1', '?q=notifyevent')).body.entries;
    expect(byAction.map((e) => e.action)).toEqual(['NotifyEvent']);
  });

  it('pages a filtered log with the cursor, newest first, without repeats or gaps', async () => {
    const all = (await logsOf('ocpp2.0.1', '?limit=200&category=transaction')).body.entries;
    expect(all.length).toBeGreaterThanOrEqual(3);
    const seen: Entry[] = [];
    let cursor: string | null = null;
    do {
      const page: Page = (await logsOf('ocpp2.0.1', `?limit=2&category=transaction${cursor ? `&cursor=${cursor}` : ''}`)).body;
      expect(page.entries.length).toBeLessThanOrEqual(2);
      seen.push(...page.entries);
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen.map((e) => `${e.at}${e.action}`)).toEqual(all.map((e) => `${e.at}${e.action}`));
  });

  it('answers bad filters with problem+json naming the field', async () => {
    expect((await logsOf('ocpp1.6', '?direction=sideways')).body).toMatchObject({ status: 400, errors: [expect.objectContaining({ field: 'query.direction' })] });
    expect((await logsOf('ocpp1.6', '?from=yesterday')).body).toMatchObject({ status: 400, errors: [expect.objectContaining({ field: 'query.from' })] });
    expect((await logsOf('ocpp1.6', '?category=purple')).body).toMatchObject({ status: 400, errors: [expect.objectContaining({ field: 'query.category' })] });
    expect((await logsOf('ocpp1.6', `?from=${marks.end}&to=${marks.afterHeartbeat16}`)).body).toMatchObject({ status: 400, errors: [expect.objectContaining({ field: 'query.to' })] });
    const first = (await logsOf('ocpp1.6', '?limit=1')).body;
    expect((await logsOf('ocpp1.6', `?limit=1&to=2000-01-01T00:00:00Z&cursor=${first.next_cursor}`)).body).toMatchObject({ status: 400, errors: [expect.objectContaining({ field: 'query.cursor' })] });
  });
});

describe('bounded reads', () => {
  it('stops a filter that matches little after its read budget and resumes from the cursor', async () => {
    const identity = `BUDGET-${Date.now().toString(36)}`.toUpperCase();
    const t0 = Date.now() - 60_000;
    // 25 entries; only the oldest matches.
    for (let i = 0; i < 25; i++) {
      await putLogEntry({ identity, at: new Date(t0 + i * 1000).toISOString(), category: 'connection', kind: i === 0 ? 'disconnected' : 'connected', detail: { n: i } });
    }
    const pages: number[] = [];
    const found: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listLog(identity, { limit: 5, budget: 10, match: (e) => e.kind === 'disconnected', ...(cursor ? { cursor } : {}) });
      pages.push(page.entries.length);
      found.push(...page.entries.map((e) => e.kind));
      cursor = page.nextCursor;
    } while (cursor);
    // 10 + 10 + 5 items examined: two empty pages that say "read on", then the match.
    expect(pages).toEqual([0, 0, 1]);
    expect(found).toEqual(['disconnected']);
  });

  it('refuses an export whose range holds more rows or bytes than one answer may carry, naming `to`', async () => {
    const range = { format: 'csv' as const, from: new Date(Date.now() - 3600_000).toISOString(), to: marks.end! };
    const ok = await exportChargePointLog(rt.seed!.operatorId, cps['ocpp1.6'], range, { maxDays: 31, maxRows: 1000, maxBytes: 5_000_000 });
    expect(ok.rows).toBeGreaterThan(3);
    await expect(exportChargePointLog(rt.seed!.operatorId, cps['ocpp1.6'], range, { maxDays: 31, maxRows: 3, maxBytes: 5_000_000 })).rejects.toMatchObject({
      issues: [{ field: 'query.to', message: expect.stringContaining('more than 3 entries') }],
    });
    await expect(exportChargePointLog(rt.seed!.operatorId, cps['ocpp1.6'], range, { maxDays: 31, maxRows: 1000, maxBytes: 500 })).rejects.toMatchObject({
      issues: [{ field: 'query.to', message: expect.stringContaining('more than 500 bytes') }],
    });
  });
});

describe('export', () => {
  const exportOf = (version: keyof typeof cps, query: string) => fetch(`${rt.url}/api/v1/operator/charge-points/${cps[version]}/logs/export${query}`, { headers: { authorization: `Bearer ${op}` } });
  const from = () => new Date(Date.now() - 3600_000).toISOString();

  it('as CSV: oldest first, a header row, quoted frames, a file name', async () => {
    const res = await exportOf('ocpp1.6', `?format=csv&from=${from()}&to=${marks.end}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8/);
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="log-[A-Z0-9_.-]+-[0-9T-]+Z-[0-9T-]+Z\.csv"$/);
    const text = await res.text();
    const lines = text.split('\r\n');
    expect(lines[0]).toBe('at,category,colour,direction,kind,action,description,message_id,frame_in,frame_out,detail');
    expect(lines[1]).toMatch(/,connection,yellow,,connected,,"?Connect: the charger connected/);
    // A frame holds commas and quotes: one quoted field, quotes doubled.
    expect(text).toContain('"[2,""');
    const listed = (await logsOf('ocpp1.6', '?limit=200')).body.entries.filter((e) => e.at < marks.end!);
    expect(Number(res.headers.get('x-row-count'))).toBe(listed.length);
  });

  it('as NDJSON: one entry per line with colour and description', async () => {
    const res = await exportOf('ocpp2.0.1', `?format=ndjson&from=${from()}&to=${marks.end}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    expect(res.headers.get('content-disposition')).toMatch(/\.ndjson"$/);
    const rows = (await res.text()).trim().split('\n').map((l) => JSON.parse(l) as Entry);
    expect(rows[0]).toMatchObject({ kind: 'connected', colour: 'yellow' });
    expect(rows.map((r) => r.at)).toEqual([...rows.map((r) => r.at)].sort());
    expect(rows.find((r) => r.action === 'TransactionEvent')).toMatchObject({ colour: 'green', description: expect.stringMatching(/^The charging session begins/) });
  });

  it('needs a time range of at most 31 days', async () => {
    const missing = await exportOf('ocpp1.6', '?format=csv');
    expect(missing.status).toBe(400);
    expect(missing.headers.get('content-type')).toBe('application/problem+json');
    expect(((await missing.json()) as { errors: Array<{ field: string }> }).errors.map((e) => e.field).sort()).toEqual(['query.from', 'query.to']);
    const tooLong = await exportOf('ocpp1.6', '?from=2026-01-01T00:00:00Z&to=2026-02-15T00:00:00Z');
    expect(await tooLong.json()).toMatchObject({ status: 400, errors: [{ field: 'query.to', message: expect.stringContaining('31 days') }] });
    expect((await exportOf('ocpp1.6', `?format=xml&from=${from()}&to=${marks.end}`)).status).toBe(400);
  });
});

describe('the job page\'s log', () => {
  it('shows the installer the newest entries in words and colours, without frames', async () => {
    const link = await api<{ url: string }>('POST', `/api/v1/operator/projects/${rt.seed!.projectId}/public-links`, { token: op, body: {} });
    expect(link.status).toBe(201);
    const token = link.body.url.split('/jobs/')[1]!;
    const res = await api<{ entries: Array<Record<string, unknown>> }>('GET', `/api/v1/public/jobs/${token}/charge-points/${cps['ocpp1.6']}/log`);
    expect(res.status).toBe(200);
    expect(res.body.entries.length).toBeGreaterThan(5);
    expect(res.body.entries.length).toBeLessThanOrEqual(50);
    expect(res.body.entries.find((e) => e.action === 'StartTransaction')).toEqual({
      at: expect.any(String),
      category: 'transaction',
      category_label: 'Transaction',
      colour: 'green',
      direction: 'received',
      action: 'StartTransaction',
      description: expect.stringMatching(/^The charging session begins/),
    });
    expect(JSON.stringify(res.body)).not.toMatch(/frameIn|frameOut|sourceIp|detail/);
    // Another job's charge point is not in this job.
    const other = await api('GET', `/api/v1/public/jobs/${token}/charge-points/cp_not_in_this_job/log`);
    expect(other.status).toBe(404);
  });
});
