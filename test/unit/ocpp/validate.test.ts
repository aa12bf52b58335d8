import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CHARGER_ACTIONS, COMMAND_ACTIONS } from '../../../lib/ocpp/action-names';
import { errorCodeFor } from '../../../lib/ocpp/errors';
import { validateCommandRequest } from '../../../lib/ocpp/validate-command';
import ocpp16Schemas from '../../../lib/ocpp/schemas/ocpp16.gen';
import ocpp201Schemas from '../../../lib/ocpp/schemas/ocpp201.gen';
import { isKnownAction, kindForKeyword, validateRequest, validateResponse, type ValidationResult } from '../../../lib/ocpp/validate';
import type { OcppVersion } from '../../../lib/ocpp/versions';

// Builders: valid payloads, overridable per test.
const aBootNotification16 = (over: Record<string, unknown> = {}) => ({
  chargePointVendor: 'VendorX',
  chargePointModel: 'SingleSocketCharger',
  ...over,
});
const aBootNotification201 = (station: Record<string, unknown> = {}, over: Record<string, unknown> = {}) => ({
  reason: 'PowerUp',
  chargingStation: { model: 'SingleSocketCharger', vendorName: 'VendorX', ...station },
  ...over,
});
const aStatusNotification16 = (over: Record<string, unknown> = {}) => ({
  connectorId: 1,
  errorCode: 'NoError',
  status: 'Available',
  timestamp: '2025-03-01T10:00:00.000Z',
  ...over,
});
const aStatusNotification201 = (over: Record<string, unknown> = {}) => ({
  timestamp: '2025-03-01T10:00:00Z',
  connectorStatus: 'Available',
  evseId: 1,
  connectorId: 1,
  ...over,
});
const aRemoteStartWithProfile16 = (limit: number) => ({
  connectorId: 1,
  idTag: 'CARD-1',
  chargingProfile: {
    chargingProfileId: 1,
    stackLevel: 0,
    chargingProfilePurpose: 'TxProfile',
    chargingProfileKind: 'Absolute',
    chargingSchedule: { chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit }] },
  },
});

/** The error of a failed validation as plain data; fails the test when validation passed. */
function failure(result: ValidationResult) {
  if (result.ok) throw new Error('expected validation to fail');
  return { kind: result.error.kind, description: result.error.description, details: result.error.details };
}

describe('validateRequest: valid payloads', () => {
  it('accepts a 1.6 BootNotification with only vendor and model', () => {
    expect(validateRequest('ocpp1.6', 'BootNotification', aBootNotification16())).toEqual({ ok: true });
  });

  it('accepts a 2.0.1 BootNotification', () => {
    expect(validateRequest('ocpp2.0.1', 'BootNotification', aBootNotification201({ firmwareVersion: '1.2.3' }))).toEqual({ ok: true });
  });

  it('accepts StatusNotification in 1.6 and 2.0.1, including connector 0 after a Reset', () => {
    expect(validateRequest('ocpp1.6', 'StatusNotification', aStatusNotification16({ connectorId: 0 }))).toEqual({ ok: true });
    expect(validateRequest('ocpp2.0.1', 'StatusNotification', aStatusNotification201({ evseId: 0, connectorId: 0 }))).toEqual({
      ok: true,
    });
  });

  it('accepts a Heartbeat with the empty payload {}', () => {
    expect(validateRequest('ocpp1.6', 'Heartbeat', {})).toEqual({ ok: true });
    expect(validateRequest('ocpp2.0.1', 'Heartbeat', {})).toEqual({ ok: true });
  });

  it('accepts vendor fields inside 2.0.1 customData, which the schemas leave open', () => {
    const payload = aBootNotification201({ customData: { vendorId: 'com.example', anything: [1, 2] } });
    expect(validateRequest('ocpp2.0.1', 'BootNotification', payload)).toEqual({ ok: true });
  });
});

describe('validateResponse', () => {
  it('accepts BootNotification responses in both versions', () => {
    const conf = { status: 'Accepted', currentTime: '2025-03-01T10:00:00Z', interval: 300 };
    expect(validateResponse('ocpp1.6', 'BootNotification', conf)).toEqual({ ok: true });
    expect(validateResponse('ocpp2.0.1', 'BootNotification', conf)).toEqual({ ok: true });
  });

  it('rejects a 1.6 BootNotification response whose interval is not an integer (1.6-J errata §2.3)', () => {
    const conf = { status: 'Accepted', currentTime: '2025-03-01T10:00:00Z', interval: 300.5 };
    expect(failure(validateResponse('ocpp1.6', 'BootNotification', conf))).toMatchObject({
      kind: 'TypeConstraintViolation',
      description: '/interval must be integer',
    });
  });

  it('validates a ChangeConfiguration response a charge point sends back', () => {
    expect(validateResponse('ocpp1.6', 'ChangeConfiguration', { status: 'Accepted' })).toEqual({ ok: true });
    expect(failure(validateResponse('ocpp1.6', 'ChangeConfiguration', { status: 'OK' })).kind).toBe('PropertyConstraintViolation');
  });
});

describe('validateRequest: one bad payload per error kind', () => {
  it('answers TypeConstraintViolation to a field of the wrong type', () => {
    expect(failure(validateRequest('ocpp1.6', 'StatusNotification', aStatusNotification16({ connectorId: '1' })))).toEqual({
      kind: 'TypeConstraintViolation',
      description: '/connectorId must be integer',
      details: { path: '/connectorId', keyword: 'type' },
    });
  });

  it('answers OccurrenceConstraintViolation to a missing required field, naming the field', () => {
    expect(failure(validateRequest('ocpp1.6', 'BootNotification', { chargePointVendor: 'VendorX' }))).toEqual({
      kind: 'OccurrenceConstraintViolation',
      description: '/chargePointModel is required',
      details: { path: '/chargePointModel', keyword: 'required' },
    });
    expect(failure(validateRequest('ocpp2.0.1', 'BootNotification', aBootNotification201({ vendorName: undefined })))).toMatchObject({
      kind: 'OccurrenceConstraintViolation',
      description: '/chargingStation/vendorName is required',
    });
  });

  it('checks the 1.6 commands this CSMS sends against their message tables too (connectorId ranges)', () => {
    for (const [action, payload] of [
      ['RemoteStartTransaction', { idTag: 'T', connectorId: 0 }],
      ['UnlockConnector', { connectorId: 0 }],
      ['TriggerMessage', { requestedMessage: 'StatusNotification', connectorId: 0 }],
      ['ChangeAvailability', { connectorId: -1, type: 'Operative' }],
    ] as const) {
      expect(failure(validateCommandRequest('ocpp1.6', action, payload))).toMatchObject({ kind: 'PropertyConstraintViolation', details: { path: '/connectorId' } });
    }
    expect(validateCommandRequest('ocpp1.6', 'ChangeAvailability', { connectorId: 0, type: 'Operative' })).toEqual({ ok: true });
    expect(validateCommandRequest('ocpp1.6', 'RemoteStartTransaction', { idTag: 'T', connectorId: 1 })).toEqual({ ok: true });
  });

  it('answers OccurrenceConstraintViolation to too few or too many list elements', () => {
    expect(failure(validateCommandRequest('ocpp2.0.1', 'GetVariables', { getVariableData: [] }))).toMatchObject({
      kind: 'OccurrenceConstraintViolation',
      details: { path: '/getVariableData', keyword: 'minItems' },
    });
    const criteria = ['Active', 'Available', 'Enabled', 'Problem', 'Active'];
    expect(failure(validateCommandRequest('ocpp2.0.1', 'GetReport', { requestId: 1, componentCriteria: criteria }))).toMatchObject({
      kind: 'OccurrenceConstraintViolation',
      details: { keyword: 'maxItems' },
    });
  });

  it('answers PropertyConstraintViolation to a string that is too long', () => {
    const payload = aBootNotification16({ chargePointVendor: 'V'.repeat(21) });
    expect(failure(validateRequest('ocpp1.6', 'BootNotification', payload))).toEqual({
      kind: 'PropertyConstraintViolation',
      description: '/chargePointVendor must NOT have more than 20 characters',
      details: { path: '/chargePointVendor', keyword: 'maxLength' },
    });
  });

  it('answers PropertyConstraintViolation to a 26-character 1.6 chargePointSerialNumber', () => {
    const payload = aBootNotification16({ chargePointSerialNumber: 'S'.repeat(26) });
    expect(failure(validateRequest('ocpp1.6', 'BootNotification', payload)).kind).toBe('PropertyConstraintViolation');
  });

  it('answers PropertyConstraintViolation to a value outside the enumeration, listing the allowed values', () => {
    const result = failure(validateRequest('ocpp1.6', 'StatusNotification', aStatusNotification16({ status: 'Occupied' })));
    expect(result.kind).toBe('PropertyConstraintViolation');
    expect(result.description).toMatch(/^\/status must be one of: Available, Preparing, Charging, /);
  });

  it('answers PropertyConstraintViolation to a date-time without a time zone', () => {
    const payload = aStatusNotification201({ timestamp: '2025-03-01T10:00:00' });
    expect(failure(validateRequest('ocpp2.0.1', 'StatusNotification', payload))).toEqual({
      kind: 'PropertyConstraintViolation',
      description: '/timestamp must match format "date-time"',
      details: { path: '/timestamp', keyword: 'format' },
    });
  });

  it('answers PropertyConstraintViolation to a number above its maximum', () => {
    const payload = {
      evseId: 1,
      chargingNeeds: {
        requestedEnergyTransfer: 'DC',
        dcChargingParameters: { evMaxCurrent: 200, evMaxVoltage: 400, stateOfCharge: 101 },
      },
    };
    expect(failure(validateRequest('ocpp2.0.1', 'NotifyEVChargingNeeds', payload))).toMatchObject({
      kind: 'PropertyConstraintViolation',
      details: { path: '/chargingNeeds/dcChargingParameters/stateOfCharge', keyword: 'maximum' },
    });
  });

  it('answers FormationViolation in 1.6 and ProtocolError in 2.0.1 to a field the message does not define', () => {
    const error16 = failure(validateRequest('ocpp1.6', 'BootNotification', aBootNotification16({ colour: 'red' })));
    const error201 = failure(validateRequest('ocpp2.0.1', 'BootNotification', aBootNotification201({ colour: 'red' })));

    expect(error16).toEqual({
      kind: 'FormatViolation',
      description: '/colour is not a field of this message',
      details: { path: '/colour', keyword: 'additionalProperties' },
    });
    expect(errorCodeFor('ocpp1.6', error16.kind)).toBe('FormationViolation');
    expect(error201).toMatchObject({ kind: 'ProtocolError', description: '/chargingStation/colour is not a field of this message' });
  });

  it('reports the first failing field with its full path inside lists', () => {
    const payload = { connectorId: 1, meterValue: [{ timestamp: '2025-03-01T10:00:00Z', sampledValue: [{ value: 42 }] }] };
    expect(failure(validateRequest('ocpp1.6', 'MeterValues', payload))).toMatchObject({
      kind: 'TypeConstraintViolation',
      description: '/meterValue/0/sampledValue/0/value must be string',
    });
  });

  it('answers TypeConstraintViolation when the payload itself is not an object', () => {
    expect(failure(validateRequest('ocpp1.6', 'Heartbeat', null))).toMatchObject({ kind: 'TypeConstraintViolation', details: { path: '/' } });
  });
});

describe("failure descriptions in Ajv's words", () => {
  // The ahead-of-time validators carry no message text (scripts/gen-ocpp-schemas.ts, messages: false);
  // validate.ts words it. Each case fails one keyword the OCA schemas use, and the description must be
  // what Ajv itself says, compiled from the same schema with the options the generator uses.
  const dcNeeds = (dc: Record<string, unknown>) => ({ evseId: 1, chargingNeeds: { requestedEnergyTransfer: 'DC', dcChargingParameters: { evMaxCurrent: 200, evMaxVoltage: 400, ...dc } } });
  const cases: ReadonlyArray<readonly [string, OcppVersion, string, 'req' | 'conf', unknown]> = [
    ['type', 'ocpp1.6', 'MeterValues', 'req', { connectorId: 1, meterValue: [{ timestamp: '2025-03-01T10:00:00Z', sampledValue: [{ value: 42 }] }] }],
    ['maxLength', 'ocpp1.6', 'BootNotification', 'req', aBootNotification16({ chargePointVendor: 'V'.repeat(21) })],
    ['format', 'ocpp2.0.1', 'StatusNotification', 'req', aStatusNotification201({ timestamp: '2025-03-01T10:00:00' })],
    ['maximum', 'ocpp2.0.1', 'NotifyEVChargingNeeds', 'req', dcNeeds({ stateOfCharge: 101 })],
    ['minimum', 'ocpp2.0.1', 'NotifyEVChargingNeeds', 'req', dcNeeds({ fullSoC: -1 })],
    ['minItems', 'ocpp2.0.1', 'GetVariables', 'req', { getVariableData: [] }],
    ['maxItems', 'ocpp2.0.1', 'GetReport', 'req', { requestId: 1, componentCriteria: ['Active', 'Available', 'Enabled', 'Problem', 'Active'] }],
    ['multipleOf', 'ocpp1.6', 'RemoteStartTransaction', 'req', aRemoteStartWithProfile16(16.15)],
    ['type', 'ocpp2.0.1', 'BootNotification', 'conf', { status: 'Accepted', currentTime: '2025-03-01T10:00:00Z', interval: 'soon' }],
  ];

  it.each(cases)('%s (%s %s.%s)', (keyword, version, action, direction, payload) => {
    const schemas = version === 'ocpp1.6' ? ocpp16Schemas : ocpp201Schemas;
    const { $id: _id, ...schema } = schemas.find((s) => (s as { $id: string }).$id === `urn:${action}.${direction}`) as { $id: string };
    const ajv = new Ajv({ allErrors: false, multipleOfPrecision: 6 });
    addFormats(ajv, ['date-time', 'uri']);
    const reference = ajv.compile(schema);
    expect(reference(payload)).toBe(false);
    const expected = reference.errors![0]!;
    const ours = direction === 'conf' ? validateResponse(version, action, payload) : COMMAND_ACTIONS[version].some((a) => a === action) ? validateCommandRequest(version, action, payload) : validateRequest(version, action, payload);
    expect(expected.keyword).toBe(keyword);
    expect(failure(ours)).toMatchObject({ description: `${expected.instancePath} ${expected.message}`, details: { path: expected.instancePath, keyword } });
  });
});

describe('numbers beyond 2^53 - 1', () => {
  // JSON.parse has rounded them already and DynamoDB refuses them: PropertyConstraintViolation, not InternalError later.
  it.each([
    ['ocpp1.6', 'StatusNotification', { connectorId: 2 ** 60, errorCode: 'NoError', status: 'Available' }, '/connectorId'],
    ['ocpp1.6', 'StartTransaction', { connectorId: 1, idTag: 'T', meterStart: 1e20, timestamp: '2026-01-01T00:00:00Z' }, '/meterStart'],
    ['ocpp2.0.1', 'StatusNotification', { timestamp: '2026-01-01T00:00:00Z', connectorStatus: 'Available', evseId: -(2 ** 54), connectorId: 1 }, '/evseId'],
    ['ocpp2.0.1', 'Heartbeat', { customData: { vendorId: 'x', deep: [{ n: 2 ** 53 }] } }, '/customData/deep/0/n'],
  ] as const)('%s %s: answers PropertyConstraintViolation', (version, action, payload, path) => {
    expect(failure(validateRequest(version, action, payload))).toMatchObject({ kind: 'PropertyConstraintViolation', details: { path } });
  });

  // The same rule as REST bodies (lib/db/storable.ts): DynamoDB's floor, and strings strict JSON readers refuse.
  it.each([
    ['ocpp2.0.1', 'MeterValues', { evseId: 1, meterValue: [{ timestamp: '2026-01-01T00:00:00Z', sampledValue: [{ value: 1e-300 }] }] }, '/meterValue/0/sampledValue/0/value', /1e-130/],
    ['ocpp1.6', 'DataTransfer', { vendorId: 'v', data: 'a\udfffb' }, '/data', /surrogate/],
    ['ocpp1.6', 'Authorize', { idTag: 'A\u0000B' }, '/idTag', /NUL/],
    ['ocpp2.0.1', 'Heartbeat', { customData: { vendorId: 'x', ['k\ud800']: 1 } }, '/customData', /field names/],
  ] as const)('%s %s: answers PropertyConstraintViolation for a value that cannot be stored or read back (%s)', (version, action, payload, path, why) => {
    const error = failure(validateRequest(version, action, payload));
    expect(error).toMatchObject({ kind: 'PropertyConstraintViolation', details: { path } });
    expect(error.description).toMatch(why);
  });

  it('accepts the smallest storable magnitude, paired surrogates, tabs and newlines', () => {
    expect(validateRequest('ocpp2.0.1', 'MeterValues', { evseId: 1, meterValue: [{ timestamp: '2026-01-01T00:00:00Z', sampledValue: [{ value: 1e-130 }, { value: 0 }] }] })).toEqual({ ok: true });
    expect(validateRequest('ocpp1.6', 'DataTransfer', { vendorId: 'v', data: 'tab\there\n🙂' })).toEqual({ ok: true });
  });

  it('accepts the largest safe integer', () => {
    expect(validateRequest('ocpp1.6', 'StatusNotification', { connectorId: Number.MAX_SAFE_INTEGER, errorCode: 'NoError', status: 'Available' })).toEqual({ ok: true });
  });

  it('checks responses too (they are stored in the command record)', () => {
    expect(failure(validateResponse('ocpp2.0.1', 'RequestStartTransaction', { status: 'Accepted', transactionId: 'T', customData: { vendorId: 'v', n: 1e300 } }))).toMatchObject({
      kind: 'PropertyConstraintViolation',
      details: { path: '/customData/n' },
    });
  });
});

describe('kindForKeyword', () => {
  it('falls back to FormatViolation for keywords the OCA schemas do not use', () => {
    expect(kindForKeyword('ocpp2.0.1', 'oneOf')).toBe('FormatViolation');
    expect(kindForKeyword('ocpp2.0.1', 'constructor')).toBe('FormatViolation');
  });
});

describe('multipleOf in the 1.6 schemas', () => {
  it.each([16.1, 0.3, 7, 32.7])('accepts a charging limit of %s A despite floating point', (limit) => {
    expect(validateCommandRequest('ocpp1.6', 'RemoteStartTransaction', aRemoteStartWithProfile16(limit))).toEqual({ ok: true });
  });

  it('answers PropertyConstraintViolation to a charging limit with two decimals', () => {
    expect(failure(validateCommandRequest('ocpp1.6', 'RemoteStartTransaction', aRemoteStartWithProfile16(16.15)))).toMatchObject({
      kind: 'PropertyConstraintViolation',
      details: { path: '/chargingProfile/chargingSchedule/chargingSchedulePeriod/0/limit', keyword: 'multipleOf' },
    });
  });
});

describe('1.6 schema errata (OCPP-J 1.6 errata sheet §2)', () => {
  it('accepts a StopTransaction without reason (§2.5)', () => {
    const payload = { transactionId: 1, timestamp: '2025-03-01T10:00:00Z', meterStop: 1200 };
    expect(validateRequest('ocpp1.6', 'StopTransaction', payload)).toEqual({ ok: true });
  });

  it.each(['Celsius', 'Celcius'])('accepts temperature unit %s in MeterValues (§2.1)', (unit) => {
    const payload = {
      connectorId: 1,
      meterValue: [{ timestamp: '2025-03-01T10:00:00Z', sampledValue: [{ value: '21', measurand: 'Temperature', unit }] }],
    };
    expect(validateRequest('ocpp1.6', 'MeterValues', payload)).toEqual({ ok: true });
  });
});

describe('1.6 message-table rules the official schemas leave out (ocpp-1.6_edition_2 §6, §7)', () => {
  const now = '2025-03-01T10:00:00Z';
  const sample = { timestamp: now, sampledValue: [{ value: '10' }] };
  const aStart16 = (connectorId: number) => ({ connectorId, idTag: 'CARD', meterStart: 0, timestamp: now });
  const aMeterValues16 = (over: Record<string, unknown> = {}) => ({ connectorId: 1, meterValue: [sample], ...over });
  const aStop16 = (transactionData: unknown[]) => ({ transactionId: 1, meterStop: 10, timestamp: now, transactionData });

  it.each<[string, string, Record<string, unknown>, string, string]>([
    ['StartTransaction on connector 0 (§6.45 connectorId > 0)', 'StartTransaction', aStart16(0), '/connectorId', '/connectorId must be > 0'],
    ['StartTransaction on connector -1', 'StartTransaction', aStart16(-1), '/connectorId', '/connectorId must be > 0'],
    ['StatusNotification for connector -1 (§6.47 connectorId >= 0)', 'StatusNotification', aStatusNotification16({ connectorId: -1 }), '/connectorId', '/connectorId must be >= 0'],
    ['MeterValues for connector -1 (§6.31 connectorId >= 0)', 'MeterValues', aMeterValues16({ connectorId: -1 }), '/connectorId', '/connectorId must be >= 0'],
  ])('answers PropertyConstraintViolation to %s', (_what, action, payload, path, description) => {
    const result = validateRequest('ocpp1.6', action, payload);
    expect(failure(result)).toEqual({ kind: 'PropertyConstraintViolation', description, details: { path, keyword: expect.any(String) } });
    expect(errorCodeFor('ocpp1.6', failure(result).kind)).toBe('PropertyConstraintViolation');
  });

  it.each<[string, string, Record<string, unknown>, string]>([
    ['MeterValues with no meterValue (§6.31 1..*)', 'MeterValues', aMeterValues16({ meterValue: [] }), '/meterValue'],
    ['a MeterValue with no sampledValue (§7.33 1..*)', 'MeterValues', aMeterValues16({ meterValue: [sample, { timestamp: now, sampledValue: [] }] }), '/meterValue/1/sampledValue'],
    ['StopTransaction transactionData with no sampledValue (§6.49, §7.33)', 'StopTransaction', aStop16([{ timestamp: now, sampledValue: [] }]), '/transactionData/0/sampledValue'],
  ])('answers OccurenceConstraintViolation to %s', (_what, action, payload, path) => {
    const result = validateRequest('ocpp1.6', action, payload);
    expect(failure(result)).toEqual({
      kind: 'OccurrenceConstraintViolation',
      description: `${path} must NOT have fewer than 1 items`,
      details: { path, keyword: 'minItems' },
    });
    expect(errorCodeFor('ocpp1.6', failure(result).kind)).toBe('OccurenceConstraintViolation');
  });

  it('accepts the edge values the tables allow', () => {
    expect(validateRequest('ocpp1.6', 'StartTransaction', aStart16(1))).toEqual({ ok: true });
    expect(validateRequest('ocpp1.6', 'StatusNotification', aStatusNotification16({ connectorId: 0 }))).toEqual({ ok: true });
    expect(validateRequest('ocpp1.6', 'MeterValues', aMeterValues16({ connectorId: 0 }))).toEqual({ ok: true });
    // transactionData is 0..*: empty or absent is fine.
    expect(validateRequest('ocpp1.6', 'StopTransaction', aStop16([]))).toEqual({ ok: true });
    expect(validateRequest('ocpp1.6', 'StopTransaction', aStop16([sample]))).toEqual({ ok: true });
  });

  it('still reports a schema failure first, and leaves 2.0.1 to its own schemas', () => {
    expect(failure(validateRequest('ocpp1.6', 'StartTransaction', { ...aStart16(0), idTag: 7 })).kind).toBe('TypeConstraintViolation');
    expect(failure(validateRequest('ocpp2.0.1', 'MeterValues', { evseId: 1, meterValue: [] }))).toMatchObject({ kind: 'OccurrenceConstraintViolation', details: { path: '/meterValue' } });
  });
});

describe('unknown actions', () => {
  it('answers NotImplemented to an action without a schema', () => {
    expect(failure(validateRequest('ocpp1.6', 'NotifyReport', {}))).toMatchObject({
      kind: 'NotImplemented',
      description: 'NotifyReport is not a known ocpp1.6 action (no request schema)',
    });
    expect(failure(validateResponse('ocpp2.0.1', 'DiagnosticsStatusNotification', {})).kind).toBe('NotImplemented');
  });

  it('knows an action per version from its request schema', () => {
    expect(isKnownAction('ocpp1.6', 'BootNotification')).toBe(true);
    expect(isKnownAction('ocpp1.6', 'TransactionEvent')).toBe(false);
    expect(isKnownAction('ocpp2.0.1', 'TransactionEvent')).toBe(true);
    expect(isKnownAction('ocpp2.0.1', 'StartTransaction')).toBe(false);
    expect(isKnownAction('ocpp1.6', 'bootnotification')).toBe(false);
  });

  it('does not mistake object prototype names for actions', () => {
    for (const action of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      expect(isKnownAction('ocpp2.0.1', action)).toBe(false);
      expect(failure(validateRequest('ocpp2.0.1', action, {})).kind).toBe('NotImplemented');
    }
  });
});

describe('generated schemas', () => {
  const actions = (schemas: readonly object[], suffix: string) =>
    schemas.map((schema) => (schema as { $id: string }).$id).flatMap((id) => (id.endsWith(suffix) ? [id.slice(4, -suffix.length)] : []));

  it.each<{ version: OcppVersion; schemas: readonly object[]; count: number }>([
    { version: 'ocpp1.6', schemas: ocpp16Schemas, count: 39 },
    { version: 'ocpp2.0.1', schemas: ocpp201Schemas, count: 64 },
  ])('$version has a request and a response schema for each of its $count actions, and every one compiles in strict mode', ({ version, schemas, count }) => {
    const requests = actions(schemas, '.req');

    expect(requests).toHaveLength(count);
    expect(actions(schemas, '.conf').sort()).toEqual([...requests].sort());
    for (const action of requests) expect(isKnownAction(version, action)).toBe(true);
  });

  // Validators are compiled ahead of time for the actions this CSMS takes part in (lib/ocpp/action-names.ts):
  // a missing one would answer a charger's valid CALL, or a command's answer, NotSupported.
  it.each<OcppVersion>(['ocpp1.6', 'ocpp2.0.1'])('%s: every charger action and every command has its validators', (version) => {
    const notImplemented = (r: ValidationResult) => !r.ok && (r.error.kind === 'NotSupported' || r.error.kind === 'NotImplemented');
    const missing = [
      ...CHARGER_ACTIONS[version].filter((a) => notImplemented(validateRequest(version, a, {})) || notImplemented(validateResponse(version, a, {}))),
      ...COMMAND_ACTIONS[version].filter((a) => notImplemented(validateCommandRequest(version, a, {})) || notImplemented(validateResponse(version, a, {}))),
    ];
    expect(missing).toEqual([]);
  });

  // 1.6 §4.2.3 Table 7 / 2.0.1 Part 4 §4.3 Table 8: NotSupported is "recognized but not supported by
  // the receiver"; NotImplemented ("not known by receiver") is for names the version does not define.
  it('answers NotSupported to a known action this CSMS takes no part in, saying so', () => {
    expect(failure(validateRequest('ocpp1.6', 'SetChargingProfile', {}))).toMatchObject({
      kind: 'NotSupported',
      description: 'this CSMS does not take part in SetChargingProfile (no request validator)',
    });
    expect(failure(validateRequest('ocpp2.0.1', 'Get15118EVCertificate', {})).kind).toBe('NotSupported');
  });

  it.each<OcppVersion>(['ocpp1.6', 'ocpp2.0.1'])('%s: answers NotSupported to every action the version defines but no charger CALL of this CSMS uses', (version) => {
    const schemas = version === 'ocpp1.6' ? ocpp16Schemas : ocpp201Schemas;
    const defined = schemas.map((schema) => (schema as { $id: string }).$id).flatMap((id) => (id.endsWith('.req') ? [id.slice(4, -4)] : []));
    const unsupported = defined.filter((a) => !(CHARGER_ACTIONS[version] as readonly string[]).includes(a));

    expect(unsupported.length).toBeGreaterThan(0);
    for (const action of unsupported) expect(failure(validateRequest(version, action, {})).kind, action).toBe('NotSupported');
    for (const action of CHARGER_ACTIONS[version]) {
      const result = validateRequest(version, action, {});
      expect(result.ok || result.error.kind, action).not.toBe('NotSupported');
    }
  });

  it('are valid draft-07 schemas (the runtime skips this check to start faster)', () => {
    const ajv = new Ajv();
    for (const schema of [...ocpp16Schemas, ...ocpp201Schemas]) {
      const { $id: _id, ...rest } = schema as { $id: string };
      expect(ajv.validateSchema(rest), JSON.stringify(ajv.errors)).toBe(true);
    }
  });

  it('carry no documentation keys', () => {
    const text = JSON.stringify([...ocpp16Schemas, ...ocpp201Schemas]);
    expect(text).not.toMatch(/"(description|javaType|comment|\$comment)":"/);
  });
});

describe('compilation', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    vi.resetModules();
  });

  it('never compiles a schema at run time: the validators are compiled ahead of time (scripts/gen-ocpp-schemas.ts)', async () => {
    const compile = vi.spyOn(Ajv.prototype, 'compile');
    vi.resetModules();
    const fresh = await import('../../../lib/ocpp/validate');
    const command = await import('../../../lib/ocpp/validate-command');

    fresh.validateRequest('ocpp2.0.1', 'Heartbeat', {});
    fresh.validateRequest('ocpp2.0.1', 'Heartbeat', { customData: { vendorId: 'x' } });
    fresh.validateResponse('ocpp2.0.1', 'BootNotification', { status: 'Accepted', currentTime: '2025-03-01T10:00:00Z', interval: 300 });
    command.validateCommandRequest('ocpp1.6', 'Reset', { type: 'Soft' });
    fresh.isKnownAction('ocpp2.0.1', 'Authorize');

    expect(compile).not.toHaveBeenCalled();
  });
});
