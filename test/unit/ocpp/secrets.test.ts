// The secret-field table: what is redacted in stored frames and payloads, and what is left alone.
import { describe, expect, it } from 'vitest';
import { redactFrame, redactPayload, REDACTED, secretsIn } from '../../../lib/ocpp/secrets';

const SECRET = 'S3cretS3cretS3cret';

describe('secret fields', () => {
  it.each([
    ['ChangeConfiguration', 'req', { key: 'AuthorizationKey', value: SECRET }, ['/value']],
    ['ChangeConfiguration', 'req', { key: 'authorizationkey', value: SECRET }, ['/value']],
    // A probe got " AuthorizationKey" past the operator's guard, stored unredacted: a charger that trims keys takes it.
    ['ChangeConfiguration', 'req', { key: ' AuthorizationKey', value: SECRET }, ['/value']],
    ['ChangeConfiguration', 'req', { key: 'AuthorizationKey ', value: SECRET }, ['/value']],
    ['SetVariables', 'req', { setVariableData: [{ attributeValue: SECRET, component: { name: 'SecurityCtrlr' }, variable: { name: 'BasicAuthPassword ' } }] }, ['/setVariableData/0/attributeValue']],
    ['GetConfiguration', 'conf', { configurationKey: [{ key: 'HeartbeatInterval', readonly: false, value: '300' }, { key: 'AuthorizationKey', readonly: false, value: SECRET }] }, ['/configurationKey/1/value']],
    ['SetVariables', 'req', { setVariableData: [{ attributeValue: SECRET, component: { name: 'SecurityCtrlr' }, variable: { name: 'BasicAuthPassword' } }] }, ['/setVariableData/0/attributeValue']],
    ['GetVariables', 'conf', { getVariableResult: [{ attributeStatus: 'Accepted', component: { name: 'SecurityCtrlr' }, variable: { name: 'BasicAuthPassword' }, attributeValue: SECRET }] }, ['/getVariableResult/0/attributeValue']],
    [
      'SetNetworkProfile',
      'req',
      { configurationSlot: 1, connectionData: { vpn: { server: 'v', user: 'u', password: SECRET, key: SECRET, type: 'IPSec' }, apn: { apn: 'a', apnAuthentication: 'AUTO', apnPassword: SECRET } } },
      ['/connectionData/vpn/password', '/connectionData/vpn/key', '/connectionData/apn/apnPassword'],
    ],
  ] as const)('%s.%s: finds and redacts the secret', (action, direction, payload, pointers) => {
    expect(secretsIn(action, direction, payload).map((s) => s.pointer)).toEqual(pointers);
    const redacted = redactPayload(action, direction, payload);
    expect(JSON.stringify(redacted)).not.toContain(SECRET);
    expect(JSON.stringify(redacted)).toContain(REDACTED);
    expect(JSON.stringify(payload)).toContain(SECRET); // the original is not changed: it is still sent
  });

  it('leaves other configuration keys, variables and actions alone (same object, no copy)', () => {
    const p = { key: 'HeartbeatInterval', value: '300' };
    expect(redactPayload('ChangeConfiguration', 'req', p)).toBe(p);
    const v = { setVariableData: [{ attributeValue: '300', component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } }] };
    expect(redactPayload('SetVariables', 'req', v)).toBe(v);
    expect(secretsIn('DataTransfer', 'req', { vendorId: 'x', data: 'AuthorizationKey' })).toEqual([]);
  });

  it('redacts a CALL by its action and a CALLRESULT by the action it answers, or by every rule when that is unknown', () => {
    const call = JSON.stringify([2, 'm1', 'ChangeConfiguration', { key: 'AuthorizationKey', value: SECRET }]);
    expect(JSON.parse(redactFrame(call))).toEqual([2, 'm1', 'ChangeConfiguration', { key: 'AuthorizationKey', value: REDACTED }]);
    const result = JSON.stringify([3, 'm2', { configurationKey: [{ key: 'AuthorizationKey', readonly: false, value: SECRET }] }]);
    expect(redactFrame(result, 'GetConfiguration')).not.toContain(SECRET);
    expect(redactFrame(result)).not.toContain(SECRET);
  });

  it('replaces an unreadable frame that names a secret field, and returns other frames unchanged', () => {
    expect(redactFrame(`[2,"m1","ChangeConfiguration",{"key":"AuthorizationKey","value":"${SECRET}"`)).not.toContain(SECRET);
    const heartbeat = '[2,"h","Heartbeat",{}]';
    expect(redactFrame(heartbeat)).toBe(heartbeat);
  });
});

describe('secret fields already redacted', () => {
  it('are still reported (a "[redacted]" password is still a password) but not copied again', () => {
    const p = { key: 'AuthorizationKey', value: REDACTED };
    expect(secretsIn('ChangeConfiguration', 'req', p)).toHaveLength(1);
    expect(redactPayload('ChangeConfiguration', 'req', p)).toBe(p);
  });
});
