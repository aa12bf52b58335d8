// $connect over real WebSockets: identity, Basic auth, subprotocol, supersession.
import { randomBytes, scryptSync } from 'node:crypto';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { documentClient } from '../../lib/aws/clients';
import { config } from '../../lib/config';
import { keys } from '../../lib/db/keys';
import type { LocalRuntime } from '../../local/runtime';
import { getChargePoint } from '../../lib/db/charge-points';
import { listLog } from '../../lib/db/logs';
import type { RegisteredChargePoint } from '../../lib/domain/charge-points';
import { WebSocket } from 'ws';
import { authorizeChargePoint, connectChargePoint } from '../../lib/ocpp/connect';
import { aCommissionedChargePoint, aConnectedClient, aRawSocket, aRegisteredChargePoint, basic, BOOT, markCommissioned, upgradeResponse, upgradeStatus } from './support/ocpp';
import { startTestRuntime } from './support/runtime';

let rt: LocalRuntime;
let cp16: RegisteredChargePoint;
let cp201: RegisteredChargePoint;

beforeAll(async () => {
  rt = await startTestRuntime();
  cp16 = await aRegisteredChargePoint(rt, { protocol: 'ocpp1.6' });
  cp201 = await aRegisteredChargePoint(rt, { protocol: 'ocpp2.0.1' });
});
afterAll(async () => rt?.stop());

const url = (identity: string) => `${rt.ocppUrl}/${identity}`;

describe('$connect', () => {
  it('refuses an unknown identity with 401, like a wrong password (no serial oracle)', async () => {
    expect(await upgradeStatus(url('NOBODY-HERE'), { protocols: ['ocpp1.6'], authorization: basic('NOBODY-HERE', 'x'.repeat(40)) })).toBe(401);
  });

  it('refuses missing, wrong and mismatched credentials with 401 and logs each as a security event', async () => {
    const u = url(cp16.identity);
    expect(await upgradeStatus(u, { protocols: ['ocpp1.6'] })).toBe(401);
    expect(await upgradeStatus(u, { protocols: ['ocpp1.6'], authorization: basic(cp16.identity, 'wrong-password-0000000') })).toBe(401);
    expect(await upgradeStatus(u, { protocols: ['ocpp1.6'], authorization: basic(`${cp16.identity}X`, cp16.provisioningPassword) })).toBe(401);
    const security = await listLog(cp16.identity, { category: 'security' });
    expect(security.entries.filter((e) => e.kind === 'auth_failure')).toHaveLength(3);
  });

  it('challenges a 401 with WWW-Authenticate: Basic, so chargers that wait for a challenge send their credentials', async () => {
    const u = url(cp16.identity);
    for (const authorization of [undefined, basic(cp16.identity, 'wrong-password-0000000')]) {
      const refused = await upgradeResponse(u, { protocols: ['ocpp1.6'], ...(authorization ? { authorization } : {}) });
      expect(refused.status).toBe(401);
      expect(refused.headers['www-authenticate']).toBe('Basic realm="OCPP", charset="UTF-8"');
    }
    // An unknown identity is challenged the same way (ocpp-refusals.test.ts); not a refusal after authentication, nor success.
    const unknown = await upgradeResponse(url('NOBODY-HERE'), { protocols: ['ocpp1.6'], authorization: basic('NOBODY-HERE', 'x'.repeat(40)) });
    expect(unknown.status).toBe(401);
    expect(unknown.headers['www-authenticate']).toBe('Basic realm="OCPP", charset="UTF-8"');
    const badProtocol = await upgradeResponse(u, { protocols: ['ocpp2.0.1'], authorization: basic(cp16.identity, cp16.provisioningPassword) });
    expect(badProtocol.status).toBe(400);
    expect(badProtocol.headers['www-authenticate']).toBeUndefined();
    const ok = await upgradeResponse(u, { protocols: ['ocpp1.6'], authorization: basic(cp16.identity, cp16.provisioningPassword) });
    expect(ok.status).toBe(101);
    expect(ok.headers['www-authenticate']).toBeUndefined();
  });

  it('refuses a subprotocol the charge point is not registered for with 400', async () => {
    expect(await upgradeStatus(url(cp16.identity), { protocols: ['ocpp2.0.1'], authorization: basic(cp16.identity, cp16.provisioningPassword) })).toBe(400);
    expect(await upgradeStatus(url(cp16.identity), { protocols: [], authorization: basic(cp16.identity, cp16.provisioningPassword) })).toBe(400);
  });

  it('accepts the identity in any case and the 1.6 key as raw bytes', async () => {
    const raw = Buffer.from(cp16.provisioningPassword, 'hex');
    expect(raw).toHaveLength(20);
    expect(await upgradeStatus(url(cp16.identity.toLowerCase()), { protocols: ['ocpp1.6'], authorization: basic(cp16.identity.toLowerCase(), raw) })).toBe(101);
  });

  it('picks the first offered protocol the charge point is registered for, tolerating odd spacing', async () => {
    const client = await aConnectedClient(rt, { identity: cp201.identity, password: cp201.provisioningPassword, protocol: 'ocpp2.0.1' }, { protocols: ['ocpp1.6', 'ocpp2.0.1'] });
    expect(client.protocol).toBe('ocpp2.0.1');
    await client.close({ force: true });
  });

  it('lets a newer connection supersede an older one, which is closed and does not mark the charge point disconnected', async () => {
    const creds = { identity: cp201.identity, password: cp201.provisioningPassword, protocol: 'ocpp2.0.1' as const };
    await markCommissioned(cp201.chargePoint.chargePointId);
    const first = await aConnectedClient(rt, creds);
    const firstClosed = new Promise((r) => first.once('close', r));
    await first.call('BootNotification', BOOT['ocpp2.0.1']);
    const second = await aConnectedClient(rt, creds);
    await firstClosed;
    await rt.drain();
    const cp = await getChargePoint(cp201.chargePoint.chargePointId, true);
    expect(cp?.connection).toBeDefined();
    // The new connection works at once: the boot answered on the old one still holds.
    await expect(second.call('Heartbeat', {})).resolves.toHaveProperty('currentTime');
    const kinds = (await listLog(cp201.identity, { category: 'connection' })).entries.map((e) => e.kind);
    expect(kinds).toContain('superseded');
    await second.close({ force: true });
    await vi.waitFor(async () => expect((await getChargePoint(cp201.chargePoint.chargePointId, true))?.connection).toBeUndefined());
  });

  describe('two connections of one charge point opened at the same moment', () => {
    const headersOf = (cp: RegisteredChargePoint) => ({ authorization: basic(cp.identity, cp.provisioningPassword), 'sec-websocket-protocol': 'ocpp1.6' });
    /** The authorizer's decision taken now, before any connection exists: as for a socket whose $connect runs beside another's. */
    const authorizedBeforeTheOther = (cp: RegisteredChargePoint) => authorizeChargePoint({ identityParam: cp.identity, headers: headersOf(cp), at: new Date().toISOString() });

    it('the later write replaces the connection it raced and closes it, instead of leaving it open untracked', async () => {
      const cp = await aRegisteredChargePoint(rt, { protocol: 'ocpp1.6' });
      const ctx = await authorizedBeforeTheOther(cp);
      expect(ctx).toMatchObject({ outcome: 'admitted' });
      expect(ctx).not.toHaveProperty('previousConnectionId');
      const first = await aRawSocket(rt, { identity: cp.identity, password: cp.provisioningPassword, protocol: 'ocpp1.6' });
      let firstClosed = false;
      first.ws.once('close', () => (firstClosed = true));
      const firstId = (await getChargePoint(cp.chargePoint.chargePointId, true))?.connection?.connectionId;
      expect(firstId).toBeDefined();

      const outcome = await connectChargePoint({ connectionId: 'raced-second', identityParam: cp.identity, headers: headersOf(cp), at: new Date().toISOString() }, ctx);
      expect(outcome).toMatchObject({ ok: true, superseded: firstId });
      await vi.waitFor(() => expect(firstClosed).toBe(true));
      await rt.drain();
      expect((await getChargePoint(cp.chargePoint.chargePointId, true))?.connection?.connectionId).toBe('raced-second');
    });

    it('an older one that writes last is refused with 409 (not 401, which reads as a wrong password) and the newer one stays', async () => {
      const cp = await aRegisteredChargePoint(rt, { protocol: 'ocpp1.6' });
      const ctx = await authorizedBeforeTheOther(cp);
      const olderAt = new Date(Date.now() - 1000).toISOString();
      const newer = await aRawSocket(rt, { identity: cp.identity, password: cp.provisioningPassword, protocol: 'ocpp1.6' });
      const newerId = (await getChargePoint(cp.chargePoint.chargePointId, true))?.connection?.connectionId;

      const outcome = await connectChargePoint({ connectionId: 'raced-older', identityParam: cp.identity, headers: headersOf(cp), at: olderAt }, ctx);
      expect(outcome).toEqual({ ok: false, status: 409, reason: 'superseded by a newer connection' });
      expect(newer.ws.readyState).toBe(newer.ws.OPEN);
      expect((await getChargePoint(cp.chargePoint.chargePointId, true))?.connection?.connectionId).toBe(newerId);
      newer.close();
    });

    it('over real sockets, six at once leave exactly one open, and it is the one the platform records', async () => {
      const cp = await aRegisteredChargePoint(rt, { protocol: 'ocpp1.6' });
      const sockets = Array.from({ length: 6 }, () => new WebSocket(url(cp.identity), ['ocpp1.6'], { headers: { Authorization: basic(cp.identity, cp.provisioningPassword) } }));
      const refusals: number[] = [];
      for (const ws of sockets) {
        ws.on('error', () => undefined);
        ws.on('unexpected-response', (req, res) => {
          refusals.push(res.statusCode ?? 0);
          req.destroy(); // with this listener, ending the refused request is ours to do (ws docs)
        });
      }
      // A refused upgrade leaves its socket CONNECTING (the request was ended by us): count it by its refusal.
      const settled = () => sockets.filter((ws) => ws.readyState === ws.OPEN || ws.readyState === ws.CLOSED).length + refusals.length === sockets.length;
      await vi.waitFor(() => expect({ settled: settled(), open: sockets.filter((ws) => ws.readyState === ws.OPEN).length, states: sockets.map((ws) => ws.readyState) }).toMatchObject({ settled: true, open: 1 }), { timeout: 15_000, interval: 100 });
      expect(refusals.every((s) => s === 409)).toBe(true);
      expect((await getChargePoint(cp.chargePoint.chargePointId, true))?.connection).toBeDefined();
      // Closing the open one disconnects the charge point: it was the recorded one.
      sockets.find((ws) => ws.readyState === ws.OPEN)!.close();
      await vi.waitFor(async () => expect((await getChargePoint(cp.chargePoint.chargePointId, true))?.connection).toBeUndefined());
    });
  });

  it('lets a charger that reconnects without rebooting carry on (no new BootNotification needed)', async () => {
    const cp = await aCommissionedChargePoint(rt, { protocol: 'ocpp1.6' });
    const creds = { identity: cp.identity, password: cp.provisioningPassword, protocol: 'ocpp1.6' as const };
    const first = await aConnectedClient(rt, creds);
    await first.call('BootNotification', BOOT['ocpp1.6']);
    await first.call('Heartbeat', {});
    await first.close({ force: true });
    // API Gateway closes every socket after 2 h; the charger reconnects and just goes on.
    const again = await aConnectedClient(rt, creds);
    await expect(again.call('Heartbeat', {})).resolves.toHaveProperty('currentTime');
    await expect(again.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Available' })).resolves.toEqual({});
    await again.close({ force: true });
  });

  it('still requires a BootNotification from a charge point that never booted', async () => {
    const cp = await aRegisteredChargePoint(rt, { protocol: 'ocpp2.0.1' });
    const client = await aConnectedClient(rt, { identity: cp.identity, password: cp.provisioningPassword, protocol: 'ocpp2.0.1' });
    await expect(client.call('Heartbeat', {})).rejects.toMatchObject({ rpcErrorCode: 'SecurityError' });
    await client.close({ force: true });
  });

  it('accepts a password whose stored hash is a legacy scrypt one, and stores its SHA-256 form on that login', async () => {
    const cp = await aRegisteredChargePoint(rt, { protocol: 'ocpp1.6' });
    const salt = randomBytes(16);
    const legacy = ['scrypt', 8192, 8, 1, salt.toString('base64url'), scryptSync(Buffer.from(cp.provisioningPassword), salt, 32, { N: 8192, r: 8, p: 1 }).toString('base64url')].join('$');
    await documentClient().send(
      new UpdateCommand({
        TableName: config().tableName,
        Key: keys.chargePoint(cp.chargePoint.chargePointId),
        UpdateExpression: 'SET credentials.#current = :h',
        ExpressionAttributeNames: { '#current': 'current' },
        ExpressionAttributeValues: { ':h': legacy },
      }),
    );
    const login = { identity: cp.identity, password: cp.provisioningPassword, protocol: 'ocpp1.6' as const };

    const first = await aConnectedClient(rt, login);
    await first.close({ force: true });
    await rt.drain();
    const upgraded = (await getChargePoint(cp.chargePoint.chargePointId, true))?.credentials?.current;
    expect(upgraded).toMatch(/^sha256\$/);

    const second = await aConnectedClient(rt, login);
    await second.close({ force: true });
    expect(await upgradeStatus(url(cp.identity), { protocols: ['ocpp1.6'], authorization: basic(cp.identity, 'f'.repeat(40)) })).toBe(401);
  });
});
