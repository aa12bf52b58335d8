import { describe, expect, it } from 'vitest';
import {
  ERROR_CODES,
  OCPP16_ERROR_CODES,
  OCPP201_ERROR_CODES,
  OCPP_ERROR_KINDS,
  OcppError,
  errorCodeFor,
  errorKindFor,
  isErrorCode,
  toOcppError,
} from '../../../lib/ocpp/errors';
import { OCPP_VERSIONS } from '../../../lib/ocpp/versions';

describe('CALLERROR code tables', () => {
  it('lists the ten 1.6 codes of OCPP-J 1.6 Table 7 with the spellings the errata keep', () => {
    expect([...OCPP16_ERROR_CODES].sort()).toEqual(
      [
        'FormationViolation',
        'GenericError',
        'InternalError',
        'NotImplemented',
        'NotSupported',
        'OccurenceConstraintViolation',
        'PropertyConstraintViolation',
        'ProtocolError',
        'SecurityError',
        'TypeConstraintViolation',
      ].sort(),
    );
  });

  it('lists the twelve 2.0.1 codes of Part 4 Table 8', () => {
    expect([...OCPP201_ERROR_CODES].sort()).toEqual(
      [
        'FormatViolation',
        'GenericError',
        'InternalError',
        'MessageTypeNotSupported',
        'NotImplemented',
        'NotSupported',
        'OccurrenceConstraintViolation',
        'PropertyConstraintViolation',
        'ProtocolError',
        'RpcFrameworkError',
        'SecurityError',
        'TypeConstraintViolation',
      ].sort(),
    );
  });

  it('keeps each version to its own table', () => {
    expect(isErrorCode('ocpp1.6', 'FormationViolation')).toBe(true);
    expect(isErrorCode('ocpp1.6', 'FormatViolation')).toBe(false);
    expect(isErrorCode('ocpp1.6', 'RpcFrameworkError')).toBe(false);
    expect(isErrorCode('ocpp2.0.1', 'OccurenceConstraintViolation')).toBe(false);
    expect(isErrorCode('ocpp2.0.1', 'OccurrenceConstraintViolation')).toBe(true);
  });
});

describe('errorCodeFor', () => {
  it.each(OCPP_VERSIONS)('spells every kind with a code from the %s table', (version) => {
    for (const kind of OCPP_ERROR_KINDS) {
      expect(ERROR_CODES[version]).toContain(errorCodeFor(version, kind));
    }
  });

  it('uses the 1.6 names FormationViolation and OccurenceConstraintViolation (errata §5.1, §5.2)', () => {
    expect(errorCodeFor('ocpp1.6', 'FormatViolation')).toBe('FormationViolation');
    expect(errorCodeFor('ocpp1.6', 'OccurrenceConstraintViolation')).toBe('OccurenceConstraintViolation');
  });

  it('answers the 2.0.1-only frame errors with FormationViolation in 1.6', () => {
    expect(errorCodeFor('ocpp1.6', 'RpcFrameworkError')).toBe('FormationViolation');
    expect(errorCodeFor('ocpp1.6', 'MessageTypeNotSupported')).toBe('FormationViolation');
  });

  it('uses every kind as its own code in 2.0.1', () => {
    for (const kind of OCPP_ERROR_KINDS) expect(errorCodeFor('ocpp2.0.1', kind)).toBe(kind);
  });

  it('can produce every code of each table', () => {
    for (const version of OCPP_VERSIONS) {
      const produced = new Set(OCPP_ERROR_KINDS.map((kind) => errorCodeFor(version, kind)));
      expect([...produced].sort()).toEqual([...ERROR_CODES[version]].sort());
    }
  });
});

describe('errorKindFor', () => {
  it('reads the kind of any code of either table, so code → kind → code round-trips', () => {
    for (const version of OCPP_VERSIONS) {
      for (const code of ERROR_CODES[version]) {
        const kind = errorKindFor(code);
        expect(kind).toBeDefined();
        expect(errorCodeFor(version, kind ?? 'GenericError')).toBe(code);
      }
    }
  });

  it('returns undefined for a code in neither table', () => {
    expect(errorKindFor('VendorSpecificError')).toBeUndefined();
    expect(errorKindFor('formatviolation')).toBeUndefined();
    expect(errorKindFor('constructor')).toBeUndefined();
  });
});

describe('OcppError', () => {
  it('carries a kind, a description and details, and spells its code per version', () => {
    const error = new OcppError('OccurrenceConstraintViolation', '/idTag is required', { path: '/idTag' });

    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('OcppError');
    expect(error.description).toBe('/idTag is required');
    expect(error.details).toEqual({ path: '/idTag' });
    expect(error.codeFor('ocpp1.6')).toBe('OccurenceConstraintViolation');
    expect(error.codeFor('ocpp2.0.1')).toBe('OccurrenceConstraintViolation');
  });

  it('defaults details to an empty object', () => {
    expect(new OcppError('SecurityError', 'not accepted yet').details).toEqual({});
  });
});

describe('toOcppError', () => {
  it('passes an OcppError through unchanged', () => {
    const error = new OcppError('NotSupported', 'no');
    expect(toOcppError(error)).toBe(error);
  });

  it('turns anything else into InternalError without putting its message on the wire', () => {
    const cause = new Error('ConditionalCheckFailedException: table cp-prod');

    const error = toOcppError(cause);

    expect(error.kind).toBe('InternalError');
    expect(error.description).not.toContain('ConditionalCheckFailed');
    expect(error.details).toEqual({});
    expect(error.cause).toBe(cause);
  });
});
