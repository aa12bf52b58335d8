// Charging sessions (issue #15) end to end: strict ocpp-rpc charge points of both versions start,
// meter and stop transactions; the sessions carry energy (resets and missing readings included),
// the token's verdict and driver, the payment method and the cost from the price group; the
// operator API lists them (paged, newest first, dates) and shows one with its meter curve; the
// session.started / session.ended webhooks arrive once each; the lost-charger sweep ends sessions.
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { RPCClient } from 'ocpp-rpc';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LocalRuntime } from '../../local/runtime';
import { documentClient } from '../../lib/aws/clients';
import { config } from '../../lib/config';
import { getChargePoint } from '../../lib/db/charge-points';
import { putDriver, putIdToken } from '../../lib/db/drivers';
import { keys } from '../../lib/db/keys';
import { putPriceGroup, setDefaultPriceGroup, setFreeVend } from '../../lib/db/price-groups';
import { clearAuthorisationCache } from '../../lib/domain/authorization';
import type { RegisteredChargePoint } from '../../lib/domain/charge-points';
import { closeLostSessions, forceCloseSession, recordStartIntent, runningSession, type SessionDetailView } from '../../lib/domain/sessions';
import type { OcppVersion } from '../../lib/ocpp/versions';
import { apiClient } from './support/api';
import { aWebhookReceiver, type WebhookReceiver } from './support/webhooks';
import { aCommissionedChargePoint, aConnectedClient, aRawSocket, aSerial, BOOT } from './support/ocpp';
import { startTestRuntime } from './support/runtime';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

let rt: LocalRuntime;
let api: ReturnType<typeof apiClient>;
const clients: RPCClient[] = [];
let hooks: WebhookReceiver;
const PRICE_GROUP = `pg_${aSerial('PG').toLowerCase()}`;
const USER = `usr_${aSerial('U').toLowerCase()}`;
const CARD = aSerial('CARD').slice(0, 20);

beforeAll(async () => {
  rt = await startTestRuntime();
  api = apiClient(rt);
  hooks = await aWebhookReceiver(api, rt.seed!.operatorApiKey, ['session.started', 'session.ended'], '/hooks');
  const s = rt.seed!;
  const at = new Date().toISOString();
  // 0.30 EUR/kWh net, 21 % VAT.
  await putPriceGroup({ priceGroupId: PRICE_GROUP, operatorId: s.operatorId, name: 'Standard', currency: 'EUR', pricePerKwhMinor: 30, vatRateBasisPoints: 2100, createdAt: at, updatedAt: at });
  await putDriver({ operatorId: s.operatorId, userId: USER, name: 'Dana Driver', teamId: s.teamId, createdAt: at, updatedAt: at });
  expect(await putIdToken({ operatorId: s.operatorId, userId: USER, value: CARD, canonical: CARD.toUpperCase(), tokenType: 'ISO14443', status: 'active', createdAt: at, updatedAt: at })).toBe('created');
});
afterAll(async () => {
  for (const c of clients) await c.close({ force: true }).catch(() => undefined);
  await rt?.stop();
  await hooks?.close();
});

const op = () => ({ token: rt.seed!.operatorApiKey });
const now = () => new Date().toISOString();
const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();

/** A commissioned, active (not free vend) charger with the price group as its default, connected and booted. */
async function aCharger(protocol: OcppVersion, opts: { priceGroup?: boolean } = {}): Promise<{ reg: RegisteredChargePoint; client: RPCClient; id: string }> {
  const reg = await aCommissionedChargePoint(rt, { protocol, connectorCount: 1 });
  const id = reg.chargePoint.chargePointId;
  expect(await setFreeVend(rt.seed!.operatorId, id, false, now())).toBe(true);
  if (opts.priceGroup ?? true) expect(await setDefaultPriceGroup({ kind: 'charge_point', operatorId: rt.seed!.operatorId, chargePointId: id }, PRICE_GROUP)).toBe(true);
  clearAuthorisationCache();
  const client = await aConnectedClient(rt, { identity: reg.identity, password: reg.provisioningPassword, protocol });
  clients.push(client);
  expect(((await client.call('BootNotification', BOOT[protocol])) as { status: string }).status).toBe('Accepted');
  return { reg, client, id };
}

const energy16 = (timestamp: string, value: string, unit?: 'Wh' | 'kWh') => ({ timestamp, sampledValue: [{ value, measurand: 'Energy.Active.Import.Register', ...(unit ? { unit } : {}) }] });
const energy201 = (timestamp: string, value: number, unit: 'Wh' | 'kWh' = 'Wh') => [{ timestamp, sampledValue: [{ value, measurand: 'Energy.Active.Import.Register', unitOfMeasure: { unit } }] }];

async function sessionOf(identity: string, transactionId: string | number): Promise<SessionDetailView> {
  const { sessionIdOf } = await import('../../lib/db/sessions');
  const res = await api<SessionDetailView>('GET', `/api/v1/operator/sessions/${sessionIdOf(identity, String(transactionId))}`, op());
  expect(res.status).toBe(200);
  return res.body;
}

function eventsOf(sessionId: string): Array<{ type: string; data: Record<string, unknown> }> {
  return hooks.received
    .map((r) => new Webhook(hooks.secret).verify(r.body, r.headers) as { type: string; data: Record<string, unknown> })
    .filter((e) => e.data.session_id === sessionId);
}

describe('OCPP 1.6 sessions', () => {
  it('records a card session with energy from MeterValues (Wh and kWh) and bills it with the price group', async () => {
    const { reg, client } = await aCharger('ocpp1.6');
    const start = (await client.call('StartTransaction', { connectorId: 1, idTag: CARD, meterStart: 1000, timestamp: minutesAgo(30) })) as { transactionId: number; idTagInfo: { status: string } };
    expect(start.idTagInfo.status).toBe('Accepted');
    await client.call('MeterValues', { connectorId: 1, transactionId: start.transactionId, meterValue: [energy16(minutesAgo(20), '2500')] });
    await client.call('MeterValues', { connectorId: 1, transactionId: start.transactionId, meterValue: [energy16(minutesAgo(10), '4.5', 'kWh')] });
    // A MeterValues for no transaction stays in the log only.
    await client.call('MeterValues', { connectorId: 1, meterValue: [energy16(minutesAgo(9), '99999')] });
    expect(await client.call('StopTransaction', { transactionId: start.transactionId, meterStop: 6000, timestamp: now(), reason: 'Local', idTag: CARD })).toEqual({ idTagInfo: { status: 'Accepted' } });

    const s = await sessionOf(reg.identity, start.transactionId);
    expect(s).toMatchObject({
      status: 'ended',
      ended_by: 'charger',
      user_id: USER,
      team_id: rt.seed!.teamId,
      start_source: 'card',
      payment_method: 'team',
      price_group_id: PRICE_GROUP,
      token_flagged: false,
      token_status: 'Accepted',
      meter_start_wh: 1000,
      meter_stop_wh: 6000,
      energy_wh: 5000,
      energy_estimated: false,
      meter_resets: 0,
      stop_reason: 'Local',
      // 5 kWh × 30 = 150 net; VAT 21 % = 31.5 → 32 (half up); 182.
      cost: { currency: 'EUR', energy_minor: 150, time_minor: 0, start_fee_minor: 0, net_minor: 150, vat_minor: 32, total_minor: 182 },
    });
    expect(s.meter_curve.map((p) => p.energy_wh)).toEqual([0, 1500, 3500, 5000]);
  });

  it('counts the energy before and after a meter reset and says the energy is estimated', async () => {
    const { reg, client } = await aCharger('ocpp1.6');
    const start = (await client.call('StartTransaction', { connectorId: 1, idTag: CARD, meterStart: 10_000, timestamp: minutesAgo(30) })) as { transactionId: number };
    await client.call('MeterValues', { connectorId: 1, transactionId: start.transactionId, meterValue: [energy16(minutesAgo(25), '12000')] });
    await client.call('MeterValues', { connectorId: 1, transactionId: start.transactionId, meterValue: [energy16(minutesAgo(20), '500')] });
    await client.call('StopTransaction', { transactionId: start.transactionId, meterStop: 2500, timestamp: now() });
    const s = await sessionOf(reg.identity, start.transactionId);
    // 2000 Wh before the reset + 2000 Wh after it (500 → 2500); what happened across the reset is not billed.
    expect(s).toMatchObject({ energy_wh: 4000, meter_resets: 1, energy_estimated: true, cost: { energy_minor: 120, total_minor: 145 } });
  });

  it('records a start with an unknown token (the car is charging) but flags it and names nobody to pay', async () => {
    const { reg, client } = await aCharger('ocpp1.6');
    const start = (await client.call('StartTransaction', { connectorId: 1, idTag: 'NOBODY-KNOWS', meterStart: 0, timestamp: now() })) as { transactionId: number; idTagInfo: { status: string } };
    expect(start.idTagInfo.status).toBe('Invalid');
    const s = await sessionOf(reg.identity, start.transactionId);
    expect(s).toMatchObject({ status: 'active', token_flagged: true, token_status: 'Unknown', user_id: null, payment_method: null, id_token: 'NOBODY-KNOWS' });
    const cp = (await getChargePoint(reg.chargePoint.chargePointId))!;
    expect((await runningSession(cp))?.session_id).toBe(s.session_id);
  });

  it('matches a remote start intent within 2 minutes: its user, payment method (free: cost 0) and requester', async () => {
    const { reg, client } = await aCharger('ocpp1.6');
    const cp = (await getChargePoint(reg.chargePoint.chargePointId))!;
    await recordStartIntent(cp, { connector: 1, userId: USER, idToken: 'APP-TOKEN-1', paymentMethod: 'free', actor: { kind: 'operator', operatorId: rt.seed!.operatorId } });
    const start = (await client.call('StartTransaction', { connectorId: 1, idTag: 'APP-TOKEN-1', meterStart: 0, timestamp: minutesAgo(5) })) as { transactionId: number; idTagInfo: { status: string } };
    expect(start.idTagInfo.status).toBe('Accepted');
    await client.call('StopTransaction', { transactionId: start.transactionId, meterStop: 7000, timestamp: now() });
    const s = await sessionOf(reg.identity, start.transactionId);
    expect(s).toMatchObject({ start_source: 'remote', payment_method: 'free', user_id: USER, started_by: 'by the operator', energy_wh: 7000, cost: { currency: 'EUR', total_minor: 0 } });
    // The intent was used up: the next start on that connector is a plain card start.
    const next = (await client.call('StartTransaction', { connectorId: 1, idTag: 'APP-TOKEN-1', meterStart: 7000, timestamp: now() })) as { transactionId: number };
    expect((await sessionOf(reg.identity, next.transactionId)).start_source).toBe('card');
  });

  it('force stop closes the session on our side with cost 0, who and why, and a late StopTransaction does not bill it', async () => {
    const { reg, client } = await aCharger('ocpp1.6');
    const start = (await client.call('StartTransaction', { connectorId: 1, idTag: CARD, meterStart: 0, timestamp: minutesAgo(10) })) as { transactionId: number };
    await client.call('MeterValues', { connectorId: 1, transactionId: start.transactionId, meterValue: [energy16(minutesAgo(5), '3000')] });
    const cp = (await getChargePoint(reg.chargePoint.chargePointId))!;
    const sid = (await sessionOf(reg.identity, start.transactionId)).session_id;
    const closed = await forceCloseSession(cp, sid, { actor: { kind: 'operator', operatorId: rt.seed!.operatorId }, reason: 'charger stuck' });
    expect(closed).toMatchObject({ status: 'force_stopped', ended_by: 'force_stop', force_stop: { by: 'by the operator', reason: 'charger stuck' }, energy_wh: 3000, cost: { total_minor: 0 } });
    await expect(forceCloseSession(cp, sid, { actor: { kind: 'system' }, reason: 'again' })).rejects.toThrow(/already ended/);
    await client.call('StopTransaction', { transactionId: start.transactionId, meterStop: 9000, timestamp: now() });
    expect(await sessionOf(reg.identity, start.transactionId)).toMatchObject({ status: 'force_stopped', cost: { total_minor: 0 } });
    await vi.waitFor(() => expect(eventsOf(sid).map((e) => e.type).sort()).toEqual(['session.ended', 'session.started']), { timeout: 15_000 });
  });
});

describe('OCPP 2.0.1 sessions', () => {
  it('records a session from TransactionEvents with meter values in kWh and bills it', async () => {
    const { reg, client } = await aCharger('ocpp2.0.1');
    const tx = { transactionId: `TX-${aSerial('T')}` };
    const started = (await client.call('TransactionEvent', {
      eventType: 'Started', timestamp: minutesAgo(60), triggerReason: 'Authorized', seqNo: 0,
      transactionInfo: { ...tx, chargingState: 'Charging' }, evse: { id: 1, connectorId: 1 }, idToken: { idToken: CARD, type: 'ISO14443' },
      meterValue: energy201(minutesAgo(60), 10, 'kWh'),
    })) as { idTokenInfo: { status: string } };
    expect(started.idTokenInfo.status).toBe('Accepted');
    await client.call('TransactionEvent', { eventType: 'Updated', timestamp: minutesAgo(30), triggerReason: 'MeterValuePeriodic', seqNo: 1, transactionInfo: tx, meterValue: energy201(minutesAgo(30), 12.5, 'kWh') });
    await client.call('TransactionEvent', { eventType: 'Ended', timestamp: now(), triggerReason: 'StopAuthorized', seqNo: 2, transactionInfo: { ...tx, stoppedReason: 'Local' }, meterValue: energy201(now(), 20_000) });
    const s = await sessionOf(reg.identity, tx.transactionId);
    expect(s).toMatchObject({
      ocpp_version: 'ocpp2.0.1', status: 'ended', evse_id: 1, connector_id: 1, user_id: USER, payment_method: 'team', meter_start_wh: 10_000, meter_stop_wh: 20_000,
      energy_wh: 10_000, energy_estimated: false, stop_reason: 'Local',
      // 10 kWh × 30 = 300 net; VAT 63; 363.
      cost: { currency: 'EUR', energy_minor: 300, vat_minor: 63, total_minor: 363 },
    });
    await vi.waitFor(() => expect(eventsOf(s.session_id).map((e) => e.type).sort()).toEqual(['session.ended', 'session.started']), { timeout: 15_000 });
    const ended = eventsOf(s.session_id).find((e) => e.type === 'session.ended')!;
    expect(ended.data).toMatchObject({ energy_wh: 10_000, cost: { total_minor: 363 }, ended_by: 'charger' });
  });

  it('is honest about missing readings: none → energy null; no start reading → the energy read, estimated', async () => {
    const { reg, client } = await aCharger('ocpp2.0.1');
    const none = { transactionId: `N-${aSerial('T')}` };
    await client.call('TransactionEvent', { eventType: 'Started', timestamp: minutesAgo(10), triggerReason: 'CablePluggedIn', seqNo: 0, transactionInfo: none, evse: { id: 1, connectorId: 1 } });
    await client.call('TransactionEvent', { eventType: 'Ended', timestamp: now(), triggerReason: 'EVDeparted', seqNo: 1, transactionInfo: { ...none, stoppedReason: 'EVDisconnected' } });
    expect(await sessionOf(reg.identity, none.transactionId)).toMatchObject({ energy_wh: null, energy_estimated: false, meter_start_wh: null, cost: { energy_minor: 0 } });

    const late = { transactionId: `L-${aSerial('T')}` };
    await client.call('TransactionEvent', { eventType: 'Started', timestamp: minutesAgo(10), triggerReason: 'CablePluggedIn', seqNo: 0, transactionInfo: late, evse: { id: 1, connectorId: 1 } });
    await client.call('TransactionEvent', { eventType: 'Updated', timestamp: minutesAgo(5), triggerReason: 'MeterValuePeriodic', seqNo: 1, transactionInfo: late, meterValue: energy201(minutesAgo(5), 2000) });
    await client.call('TransactionEvent', { eventType: 'Ended', timestamp: now(), triggerReason: 'EVDeparted', seqNo: 2, transactionInfo: late, meterValue: energy201(now(), 3000) });
    expect(await sessionOf(reg.identity, late.transactionId)).toMatchObject({ energy_wh: 1000, energy_estimated: true });
  });

  it('answers an unknown token Unknown and records the session flagged', async () => {
    const { reg, client } = await aCharger('ocpp2.0.1');
    const tx = { transactionId: `U-${aSerial('T')}` };
    const res = (await client.call('TransactionEvent', { eventType: 'Started', timestamp: now(), triggerReason: 'Authorized', seqNo: 0, transactionInfo: tx, evse: { id: 1, connectorId: 1 }, idToken: { idToken: 'STRANGER', type: 'ISO14443' } })) as { idTokenInfo: { status: string } };
    expect(res.idTokenInfo.status).toBe('Unknown');
    expect(await sessionOf(reg.identity, tx.transactionId)).toMatchObject({ status: 'active', token_flagged: true, payment_method: null });
  });
});

describe('session queries', () => {
  it('lists a charge point\'s, a team\'s and a driver\'s sessions newest first, paged, with from/to on the start time', async () => {
    const { reg, client, id } = await aCharger('ocpp1.6');
    const starts = [minutesAgo(300), minutesAgo(200), minutesAgo(100)];
    const txs: number[] = [];
    for (const t of starts) {
      const s = (await client.call('StartTransaction', { connectorId: 1, idTag: CARD, meterStart: 0, timestamp: t })) as { transactionId: number };
      await client.call('StopTransaction', { transactionId: s.transactionId, meterStop: 100, timestamp: t.replace(/:\d\d\./, ':59.') });
      txs.push(s.transactionId);
    }
    const ids = await Promise.all(txs.map(async (t) => (await sessionOf(reg.identity, t)).session_id));

    const page1 = await api<{ sessions: Array<{ session_id: string }>; next_cursor: string | null }>('GET', `/api/v1/operator/charge-points/${id}/sessions` + '?limit=2', op());
    expect(page1.status).toBe(200);
    expect(page1.body.sessions.map((s) => s.session_id)).toEqual([ids[2], ids[1]]);
    const page2 = await api<{ sessions: Array<{ session_id: string }>; next_cursor: string | null }>('GET', `/api/v1/operator/charge-points/${id}/sessions` + `?limit=2&cursor=${page1.body.next_cursor}`, op());
    expect(page2.body.sessions.map((s) => s.session_id)).toEqual([ids[0]]);
    expect(page2.body.next_cursor).toBeNull();
    // The same genuine cursor with a range it does not lie in (its sort key is ids[1]'s start, ~200
    // minutes ago): outside the key condition, which DynamoDB refuses: a 400, not a 500.
    for (const range of [`from=${encodeURIComponent(minutesAgo(150))}`, `to=${encodeURIComponent(minutesAgo(250))}`, `from=${encodeURIComponent(minutesAgo(150))}&to=${encodeURIComponent(minutesAgo(50))}`]) {
      const reused = await api<{ errors: Array<{ field: string }> }>('GET', `/api/v1/operator/charge-points/${id}/sessions?limit=2&${range}&cursor=${page1.body.next_cursor}`, op());
      expect([reused.status, reused.body.errors?.[0]?.field], range).toEqual([400, 'query.cursor']);
    }
    const inRange = await api<{ sessions: Array<{ session_id: string }> }>('GET', `/api/v1/operator/charge-points/${id}/sessions?limit=2&from=${encodeURIComponent(minutesAgo(350))}&cursor=${page1.body.next_cursor}`, op());
    expect(inRange.body.sessions.map((s) => s.session_id)).toEqual([ids[0]]);

    const ranged = await api<{ sessions: Array<{ session_id: string }> }>('GET', `/api/v1/operator/charge-points/${id}/sessions` + `?from=${encodeURIComponent(minutesAgo(250))}&to=${encodeURIComponent(minutesAgo(150))}`, op());
    expect(ranged.body.sessions.map((s) => s.session_id)).toEqual([ids[1]]);
    const since = await api<{ sessions: Array<{ session_id: string }> }>('GET', `/api/v1/operator/charge-points/${id}/sessions` + `?from=${encodeURIComponent(minutesAgo(250))}`, op());
    expect(since.body.sessions.map((s) => s.session_id)).toEqual([ids[2], ids[1]]);

    const team = await api<{ sessions: Array<{ session_id: string }> }>('GET', `/api/v1/operator/teams/${rt.seed!.teamId}/sessions` + `?from=${encodeURIComponent(minutesAgo(350))}&to=${encodeURIComponent(minutesAgo(50))}&limit=200`, op());
    expect(team.body.sessions.map((s) => s.session_id)).toEqual(expect.arrayContaining(ids));
    const driver = await api<{ sessions: Array<{ session_id: string; user_id: string }> }>('GET', `/api/v1/operator/drivers/${USER}/sessions` + `?to=${encodeURIComponent(minutesAgo(150))}&limit=1`, op());
    expect(driver.body.sessions).toHaveLength(1);
    expect(driver.body.sessions[0]).toMatchObject({ session_id: ids[1], user_id: USER });
  });

  it('keeps the session item out of every index (its list entry carries the keys) and pages across a session written before entries', async () => {
    const { reg, client, id } = await aCharger('ocpp1.6');
    const ids: string[] = [];
    // Long ago, so the team's other sessions (the tests above start theirs in the last hours) stay out of the range.
    for (const t of [minutesAgo(1040), minutesAgo(1020)]) {
      const s = (await client.call('StartTransaction', { connectorId: 1, idTag: CARD, meterStart: 0, timestamp: t })) as { transactionId: number };
      await client.call('MeterValues', { connectorId: 1, transactionId: s.transactionId, meterValue: [energy16(t, '50')] });
      await client.call('StopTransaction', { transactionId: s.transactionId, meterStop: 100, timestamp: t });
      ids.push((await sessionOf(reg.identity, s.transactionId)).session_id);
      const { Item } = await documentClient().send(new GetCommand({ TableName: config().tableName, Key: keys.transaction(reg.identity, String(s.transactionId)) }));
      expect(Item).toBeDefined();
      expect(Object.keys(Item!).filter((k) => k.startsWith('gsi'))).toEqual([]);
      const entry = await documentClient().send(new GetCommand({ TableName: config().tableName, Key: keys.sessionListEntry(reg.identity, String(s.transactionId)) }));
      expect(entry.Item).toMatchObject({ type: 'session_list_entry', gsi1pk: `CP#${id}#SESSIONS`, gsi2pk: `TEAM#${rt.seed!.teamId}#SESSIONS` });
    }
    // A session as the code before list entries wrote it: the index keys on the session item itself.
    const legacyTx = '999000';
    const { sessionIdOf } = await import('../../lib/db/sessions');
    const legacyId = sessionIdOf(reg.identity, legacyTx);
    const legacyAt = minutesAgo(1030);
    await documentClient().send(
      new PutCommand({
        TableName: config().tableName,
        Item: {
          ...keys.transaction(reg.identity, legacyTx),
          ...keys.sessionByChargePoint(id, legacyAt, legacyId),
          ...keys.sessionByTeam(rt.seed!.teamId, legacyAt, legacyId),
          type: 'transaction',
          identity: reg.identity,
          chargePointId: id,
          operatorId: rt.seed!.operatorId,
          teamId: rt.seed!.teamId,
          transactionId: legacyTx,
          sessionId: legacyId,
          status: 'ended',
          startedAt: legacyAt,
          stoppedAt: legacyAt,
          rev: 1,
        },
      }),
    );
    // Newest first, one a page: entry, legacy item, entry, each cursor positioned after the right kind.
    for (const path of [`/api/v1/operator/charge-points/${id}/sessions`, `/api/v1/operator/teams/${rt.seed!.teamId}/sessions`]) {
      const seen: string[] = [];
      let cursor: string | null = null;
      const range = `from=${encodeURIComponent(minutesAgo(1045))}&to=${encodeURIComponent(minutesAgo(1010))}`;
      do {
        const page: { status: number; body: { sessions: Array<{ session_id: string }>; next_cursor: string | null } } = await api('GET', `${path}?limit=1&${range}${cursor ? `&cursor=${cursor}` : ''}`, op());
        expect(page.status).toBe(200);
        seen.push(...page.body.sessions.map((x) => x.session_id));
        cursor = page.body.next_cursor;
      } while (cursor && seen.length < 10);
      expect(seen).toEqual([ids[1], legacyId, ids[0]]);
    }
  });

  it('answers 404 for an unknown session, team or driver, and 400 naming a bad cursor or date', async () => {
    expect((await api('GET', '/api/v1/operator/sessions/ses_bm9wZQpub3Bl', op())).status).toBe(404);
    expect((await api('GET', '/api/v1/operator/teams/team_nope/sessions', op())).status).toBe(404);
    expect((await api('GET', '/api/v1/operator/drivers/usr_nope/sessions', op())).status).toBe(404);
    const cursor = await api<{ errors: Array<{ field: string }> }>('GET', `/api/v1/operator/teams/${rt.seed!.teamId}/sessions` + '?cursor=garbage', op());
    expect(cursor.status).toBe(400);
    expect(cursor.body.errors[0]!.field).toBe('query.cursor');
    // Well formed, but a sort key longer than any session's (DynamoDB would refuse it as a key).
    const long = Buffer.from(JSON.stringify({ sk: `${'x'.repeat(1200)}#ses_${Buffer.from('CP-1\n12').toString('base64url')}`, entry: true })).toString('base64url');
    const tooLong = await api<{ errors: Array<{ field: string }> }>('GET', `/api/v1/operator/teams/${rt.seed!.teamId}/sessions?cursor=${long}`, op());
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.errors[0]!.field).toBe('query.cursor');
    const date = await api<{ errors: Array<{ field: string }> }>('GET', `/api/v1/operator/teams/${rt.seed!.teamId}/sessions` + '?from=yesterday', op());
    expect(date.status).toBe(400);
    expect(date.body.errors[0]!.field).toContain('from');
  });
});

describe('lost chargers', () => {
  it('ends by timeout the sessions of a charger disconnected longer than the bound, billing what was read; a late stop corrects it', async () => {
    const { reg, client } = await aCharger('ocpp1.6');
    const start = (await client.call('StartTransaction', { connectorId: 1, idTag: CARD, meterStart: 0, timestamp: minutesAgo(200) })) as { transactionId: number };
    await client.call('MeterValues', { connectorId: 1, transactionId: start.transactionId, meterValue: [energy16(minutesAgo(190), '1000')] });
    // Still connected: the sweep leaves it alone.
    expect(await closeLostSessions()).not.toContain((await sessionOf(reg.identity, start.transactionId)).session_id);
    await client.close({ force: true });
    await vi.waitFor(async () => expect((await getChargePoint(reg.chargePoint.chargePointId, true))?.connection).toBeUndefined());
    // Disconnected 3 hours ago (beyond the 2-hour bound).
    await documentClient().send(new UpdateCommand({ TableName: config().tableName, Key: keys.chargePoint(reg.chargePoint.chargePointId), UpdateExpression: 'SET lastDisconnectedAt = :t', ExpressionAttributeValues: { ':t': minutesAgo(180) } }));
    const sid = (await sessionOf(reg.identity, start.transactionId)).session_id;
    expect(await closeLostSessions()).toContain(sid);
    expect(await closeLostSessions()).not.toContain(sid);
    expect(await sessionOf(reg.identity, start.transactionId)).toMatchObject({ status: 'ended', ended_by: 'timeout', stop_reason: 'Timeout', energy_wh: 1000, cost: { energy_minor: 30 } });

    const back = await aConnectedClient(rt, { identity: reg.identity, password: reg.provisioningPassword, protocol: 'ocpp1.6' });
    clients.push(back);
    await back.call('BootNotification', BOOT['ocpp1.6']);
    await back.call('StopTransaction', { transactionId: start.transactionId, meterStop: 2000, timestamp: minutesAgo(100), reason: 'PowerLoss' });
    expect(await sessionOf(reg.identity, start.transactionId)).toMatchObject({ status: 'ended', energy_wh: 2000, stop_reason: 'PowerLoss', cost: { energy_minor: 60 } });
    await vi.waitFor(() => expect(eventsOf(sid).map((e) => e.type).sort()).toEqual(['session.ended', 'session.started']), { timeout: 15_000 });
  });
});

describe('replays', () => {
  it('answers a retried 1.6 MeterValues and StopTransaction (same message id) the same and applies each once', async () => {
    const reg = await aCommissionedChargePoint(rt, { protocol: 'ocpp1.6', connectorCount: 1 });
    await setFreeVend(rt.seed!.operatorId, reg.chargePoint.chargePointId, false, now());
    clearAuthorisationCache();
    const raw = await aRawSocket(rt, { identity: reg.identity, password: reg.provisioningPassword, protocol: 'ocpp1.6' });
    try {
      const call = async (id: string, action: string, payload: unknown) => {
        raw.send(JSON.stringify([2, id, action, payload]));
        return raw.next(15_000);
      };
      await call('boot', 'BootNotification', BOOT['ocpp1.6']);
      const started = JSON.parse((await call('start', 'StartTransaction', { connectorId: 1, idTag: CARD, meterStart: 0, timestamp: minutesAgo(10) }))!) as [3, string, { transactionId: number }];
      const tx = started[2].transactionId;
      const meter = { connectorId: 1, transactionId: tx, meterValue: [energy16(minutesAgo(5), '400')] };
      const first = await call('mv-1', 'MeterValues', meter);
      expect(await call('mv-1', 'MeterValues', meter)).toBe(first);
      const stop = { transactionId: tx, meterStop: 1000, timestamp: now(), idTag: CARD };
      const stopped = await call('stop-1', 'StopTransaction', stop);
      expect(await call('stop-1', 'StopTransaction', stop)).toBe(stopped);
      const s = await sessionOf(reg.identity, tx);
      // meterStart, the one MeterValues reading, meterStop: the retry added no point.
      expect(s.meter_curve.map((p) => p.meter_wh)).toEqual([0, 400, 1000]);
      expect(s.energy_wh).toBe(1000);
      await vi.waitFor(() => expect(eventsOf(s.session_id).map((e) => e.type).sort()).toEqual(['session.ended', 'session.started']), { timeout: 15_000 });
    } finally {
      raw.close();
    }
  });

  it('answers a retried 2.0.1 TransactionEvent the same and applies it once', async () => {
    const reg = await aCommissionedChargePoint(rt, { protocol: 'ocpp2.0.1', connectorCount: 1 });
    const raw = await aRawSocket(rt, { identity: reg.identity, password: reg.provisioningPassword, protocol: 'ocpp2.0.1' });
    try {
      const call = async (id: string, action: string, payload: unknown) => {
        raw.send(JSON.stringify([2, id, action, payload]));
        return raw.next(15_000);
      };
      await call('boot', 'BootNotification', BOOT['ocpp2.0.1']);
      const t = { transactionId: `R-${aSerial('T')}` };
      await call('e0', 'TransactionEvent', { eventType: 'Started', timestamp: minutesAgo(10), triggerReason: 'CablePluggedIn', seqNo: 0, transactionInfo: t, evse: { id: 1, connectorId: 1 }, meterValue: energy201(minutesAgo(10), 100) });
      const update = { eventType: 'Updated', timestamp: minutesAgo(5), triggerReason: 'MeterValuePeriodic', seqNo: 1, transactionInfo: t, meterValue: energy201(minutesAgo(5), 600) };
      const first = await call('e1', 'TransactionEvent', update);
      expect(await call('e1', 'TransactionEvent', update)).toBe(first);
      expect((await sessionOf(reg.identity, t.transactionId)).meter_curve.map((p) => p.meter_wh)).toEqual([100, 600]);
    } finally {
      raw.close();
    }
  });
});

describe('webhooks', () => {
  it('sends session.started and session.ended once per session, also when the charger retries a stop', async () => {
    const { reg, client } = await aCharger('ocpp1.6');
    const start = (await client.call('StartTransaction', { connectorId: 1, idTag: CARD, meterStart: 0, timestamp: minutesAgo(3) })) as { transactionId: number };
    const stop = { transactionId: start.transactionId, meterStop: 100, timestamp: now() };
    await client.call('StopTransaction', stop);
    // A second stop (a new message id: the charger did not get our answer and sent it again).
    await client.call('StopTransaction', stop);
    const sid = (await sessionOf(reg.identity, start.transactionId)).session_id;
    await vi.waitFor(() => expect(eventsOf(sid).map((e) => e.type).sort()).toEqual(['session.ended', 'session.started']), { timeout: 15_000 });
    // Give a duplicate the time to arrive, if one were coming (deliveries are immediate locally).
    await new Promise((r) => setTimeout(r, 500));
    expect(eventsOf(sid)).toHaveLength(2);
  });
});
