import type { OcppVersion } from './versions';

// OCPP-J 1.6 §4.2.3 Table 7. The errata sheet (§5.1, §5.2) keeps the misspelled
// "OccurenceConstraintViolation" and the old name "FormationViolation" on the wire.
export const OCPP16_ERROR_CODES = [
  'NotImplemented',
  'NotSupported',
  'InternalError',
  'ProtocolError',
  'SecurityError',
  'FormationViolation',
  'PropertyConstraintViolation',
  'OccurenceConstraintViolation',
  'TypeConstraintViolation',
  'GenericError',
] as const;

// OCPP 2.0.1 Part 4 §4.3 Table 8.
export const OCPP201_ERROR_CODES = [
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
] as const;

export type Ocpp16ErrorCode = (typeof OCPP16_ERROR_CODES)[number];
export type Ocpp201ErrorCode = (typeof OCPP201_ERROR_CODES)[number];
export type OcppErrorCode = Ocpp16ErrorCode | Ocpp201ErrorCode;
export type ErrorCodeOf<V extends OcppVersion> = V extends 'ocpp1.6' ? Ocpp16ErrorCode : Ocpp201ErrorCode;

/**
 * Version-neutral error kind. The 2.0.1 table names every 1.6 meaning with the corrected
 * spelling and adds two frame-level codes, so the kinds are the 2.0.1 names;
 * {@link errorCodeFor} turns a kind into the code a given version puts on the wire.
 */
export type OcppErrorKind = Ocpp201ErrorCode;
export const OCPP_ERROR_KINDS: readonly OcppErrorKind[] = OCPP201_ERROR_CODES;

export const ERROR_CODES: { readonly [V in OcppVersion]: readonly ErrorCodeOf<V>[] } = {
  'ocpp1.6': OCPP16_ERROR_CODES,
  'ocpp2.0.1': OCPP201_ERROR_CODES,
};

const OCPP16_CODE_FOR_KIND: { readonly [K in OcppErrorKind]: Ocpp16ErrorCode } = {
  // Same code under its 1.6 name (errata §5.2).
  FormatViolation: 'FormationViolation',
  // Same code under its 1.6 spelling (errata §5.1).
  OccurrenceConstraintViolation: 'OccurenceConstraintViolation',
  // 1.6 has no code for a broken RPC envelope (unreadable frame, wrong element count, action not a
  // string) nor for an unknown MessageTypeId (§4.1.3). FormationViolation is the only 1.6 code about
  // structure ("not conform the PDU structure", Table 7); GenericError would tell the sender less.
  RpcFrameworkError: 'FormationViolation',
  MessageTypeNotSupported: 'FormationViolation',
  GenericError: 'GenericError',
  InternalError: 'InternalError',
  NotImplemented: 'NotImplemented',
  NotSupported: 'NotSupported',
  PropertyConstraintViolation: 'PropertyConstraintViolation',
  ProtocolError: 'ProtocolError',
  SecurityError: 'SecurityError',
  TypeConstraintViolation: 'TypeConstraintViolation',
};

/** The exact errorCode spelling `version` uses for `kind`; always a member of `ERROR_CODES[version]`. */
export function errorCodeFor(version: 'ocpp1.6', kind: OcppErrorKind): Ocpp16ErrorCode;
export function errorCodeFor(version: 'ocpp2.0.1', kind: OcppErrorKind): Ocpp201ErrorCode;
export function errorCodeFor(version: OcppVersion, kind: OcppErrorKind): OcppErrorCode;
export function errorCodeFor(version: OcppVersion, kind: OcppErrorKind): OcppErrorCode {
  return version === 'ocpp1.6' ? OCPP16_CODE_FOR_KIND[kind] : kind;
}

/** The kind of a code from either table (e.g. a received CALLERROR), or undefined for a non-OCPP code. */
export function errorKindFor(code: string): OcppErrorKind | undefined {
  if (code === 'FormationViolation') return 'FormatViolation';
  if (code === 'OccurenceConstraintViolation') return 'OccurrenceConstraintViolation';
  return (OCPP201_ERROR_CODES as readonly string[]).includes(code) ? (code as OcppErrorKind) : undefined;
}

export function isErrorCode<V extends OcppVersion>(version: V, code: string): code is ErrorCodeOf<V> {
  return (ERROR_CODES[version] as readonly string[]).includes(code);
}

/** An error that becomes a CALLERROR: a version-neutral kind, a description and errorDetails. */
export class OcppError extends Error {
  override readonly name = 'OcppError';
  readonly kind: OcppErrorKind;
  readonly details: Record<string, unknown>;

  constructor(kind: OcppErrorKind, description: string, details: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(description, options);
    this.kind = kind;
    this.details = details;
  }

  get description(): string {
    return this.message;
  }

  codeFor(version: OcppVersion): OcppErrorCode {
    return errorCodeFor(version, this.kind);
  }
}

/**
 * Any thrown value as an OcppError: OcppErrors pass through, anything else becomes InternalError
 * with a fixed description (internals stay in `cause`, not on the wire).
 */
export function toOcppError(error: unknown): OcppError {
  if (error instanceof OcppError) return error;
  return new OcppError('InternalError', 'An internal error occurred', {}, { cause: error });
}
