// Charger passwords never reach the log, the command record or the operator API, in either
// direction and either version; and an operator cannot set one with a raw command (it would lock
// the charger out at its next reconnect: the stored hash would still be the old one).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RPCClient } from 'ocpp-rpc';
import type { LocalRuntime } from '../../local/runtime';
import type { RegisteredChargePoint } from '../../lib/domain/charge-points';
import type { callChargePoint as CallFn } from '../../lib/ocpp/commands';
import { aConnectedClient, aRegisteredChargePoint, BOOT } from './support/ocpp';
import { startTestRuntime } from './support/runtime';

let rt: LocalRuntime;
let cp16: RegisteredChargePoint;
let cp201: RegisteredChargePoint;
let c16: RPCClient;
let c201: RPCClient;
let callChargePoint: typeof CallFn;
const received: Array<{ method: string; params: unknown }> = [];

// Distinct, greppable secrets: a 1.6 AuthorizationKey (40 hex) and a 2.0.1 BasicAuthPassword.
const KEY16 = 'ab'.repeat(20);
const PASS201 = 'Secr3tPassw0rdXYZ-2026';
// A non-conforming charger that reports its write-only key back.
const LEAKY_CONFIG = { configurationKey: [{ key: 'AuthorizationKey', readonly: false, value: KEY16 }], unknownKey: [] };
const LEAKY_VARIABLES = {
  getVariableResult: [{ attributeStatus: 'Accepted', component: { name: 'SecurityCtrlr' }, variable: { name: 'BasicAuthPassword' }, attributeValue: PASS201 }],
};

beforeAll(async () => {
  rt = await startTestRuntime();
  ({ callChargePoint } = await import('../../lib/ocpp/commands'));
  cp16 = await aRegisteredChargePoint(rt, { protocol: 'ocpp1.6' });
  cp201 = await aRegisteredChargePoint(rt, { protocol: 'ocpp2.0.1' });
  c16 = await aConnectedClient(rt, { identity: cp16.identity, password: cp16.provisioningPassword, protocol: 'ocpp1.6' });
  c201 = await aConnectedClient(rt, { identity: cp201.identity, password: cp201.provisioningPassword, protocol: 'ocpp2.0.1' });
  await c16.call('BootNotification', BOOT['ocpp1.6']);
  await c201.call('BootNotification', BOOT['ocpp2.0.1']);
  for (const c of [c16, c201]) {
    c.handle(async ({ method, params }) => {
      received.push({ method: method!, params });
      if (method === 'GetConfiguration') return LEAKY_CONFIG;
      if (method === 'GetVariables') return LEAKY_VARIABLES;
      if (method === 'SetVariables') {
        return { setVariableResult: [{ attributeStatus: 'Accepted', component: { name: 'SecurityCtrlr' }, variable: { name: 'BasicAuthPassword' } }] };
      }
      return { status: 'Accepted' };
    });
  }
});
afterAll(async () => {
  await c16?.close({ force: true }).catch(() => undefined);
  await c201?.close({ force: true }).catch(() => undefined);
  await rt?.stop();
});

const api = (path: string, init: RequestInit = {}) =>
  fetch(`${rt.url}/api/v1/operator${path}`, {
    ...init,
    headers: { authorization: `Bearer ${rt.seed!.operatorApiKey}`, 'content-type': 'application/json' },
  });
const logText = async (cp: RegisteredChargePoint) => {
  const res = await api(`/charge-points/${cp.chargePoint.chargePointId}/logs?limit=200`);
  expect(res.status).toBe(200);
  return res.text();
};

describe('secrets in logged frames and command records', () => {
  it('1.6: ChangeConfiguration(AuthorizationKey) reaches the charger but not the log, the record or the API', async () => {
    const result = await callChargePoint(cp16.identity, 'ChangeConfiguration', { key: 'AuthorizationKey', value: KEY16 }, { timeoutMs: 5000 });
    expect(result.status).toBe('accepted');
    expect(received.at(-1)).toEqual({ method: 'ChangeConfiguration', params: { key: 'AuthorizationKey', value: KEY16 } });
    expect(result.request).toEqual({ key: 'AuthorizationKey', value: '[redacted]' });
    await rt.drain();
    const text = await logText(cp16);
    expect(text).toContain('ChangeConfiguration');
    expect(text).toContain('[redacted]');
    expect(text.toLowerCase()).not.toContain(KEY16);
  });

  it('2.0.1: SetVariables(BasicAuthPassword) reaches the charger but not the log, the record or the API', async () => {
    const payload = { setVariableData: [{ attributeValue: PASS201, component: { name: 'SecurityCtrlr' }, variable: { name: 'BasicAuthPassword' } }] };
    const result = await callChargePoint(cp201.identity, 'SetVariables', payload, { timeoutMs: 5000 });
    expect(result.status).toBe('accepted');
    expect(received.at(-1)).toEqual({ method: 'SetVariables', params: payload });
    expect(JSON.stringify(result)).not.toContain(PASS201);
    await rt.drain();
    const text = await logText(cp201);
    expect(text).toContain('SetVariables');
    expect(text).not.toContain(PASS201);
  });

  it.each([
    ['1.6 GetConfiguration', () => cp16, 'GetConfiguration', { key: ['AuthorizationKey'] }, KEY16],
    ['2.0.1 GetVariables', () => cp201, 'GetVariables', { getVariableData: [{ component: { name: 'SecurityCtrlr' }, variable: { name: 'BasicAuthPassword' } }] }, PASS201],
  ] as const)('%s: a charger that reports its password back does not get it stored', async (_name, cp, action, payload, secret) => {
    const result = await callChargePoint(cp().identity, action, payload, { timeoutMs: 5000 });
    expect(result.status).toBe('accepted');
    expect(JSON.stringify(result.response)).toContain('[redacted]');
    expect(JSON.stringify(result)).not.toContain(secret);
    await rt.drain();
    expect((await logText(cp())).toLowerCase()).not.toContain(secret.toLowerCase());
  });
});

describe('operator commands cannot set a charger password', () => {
  it.each([
    ['1.6 ChangeConfiguration', () => cp16, 'ChangeConfiguration', { key: 'AuthorizationKey', value: KEY16 }, 'payload.value'],
    [
      '2.0.1 SetVariables',
      () => cp201,
      'SetVariables',
      { setVariableData: [{ attributeValue: PASS201, component: { name: 'SecurityCtrlr' }, variable: { name: 'BasicAuthPassword' } }] },
      'payload.setVariableData.0.attributeValue',
    ],
  ] as const)('%s of the password is refused with a problem naming the field and the rotation', async (_name, cp, action, payload, field) => {
    const before = received.length;
    const res = await api(`/charge-points/${cp().chargePoint.chargePointId}/commands`, { method: 'POST', body: JSON.stringify({ action, payload }) });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const problem = (await res.json()) as { detail?: string; errors?: Array<{ field: string; message: string }> };
    expect(problem.errors).toEqual([{ field, message: expect.stringContaining('rotation') }]);
    expect(JSON.stringify(problem)).not.toContain(action === 'SetVariables' ? PASS201 : KEY16);
    await rt.drain();
    expect(received.length).toBe(before); // nothing was sent to the charger
  });

  it('still sends other configuration changes', async () => {
    const res = await api(`/charge-points/${cp16.chargePoint.chargePointId}/commands`, {
      method: 'POST',
      body: JSON.stringify({ action: 'ChangeConfiguration', payload: { key: 'HeartbeatInterval', value: '300' } }),
    });
    expect(res.status).toBe(200);
    expect(received.at(-1)).toEqual({ method: 'ChangeConfiguration', params: { key: 'HeartbeatInterval', value: '300' } });
  });
});
