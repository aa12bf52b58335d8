// Typed domain errors. They are mapped to HTTP (problem+json) in lib/http/problem.ts and to OCPP
// CALLERRORs in lib/ocpp, each in exactly one place (STYLE.md, "Handlers are adapters").

export interface FieldIssue {
  /** JSON pointer-ish path of the field that failed, e.g. `serial_number` or `connectors.0.id`. */
  readonly field: string;
  readonly message: string;
}

export abstract class DomainError extends Error {
  abstract readonly kind: 'validation' | 'unauthorized' | 'forbidden' | 'not_found' | 'conflict' | 'locked' | 'too_many_requests' | 'unavailable' | 'gone' | 'unprocessable' | 'too_large';
  constructor(
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationFailed extends DomainError {
  readonly kind = 'validation';
  constructor(
    message: string,
    readonly issues: readonly FieldIssue[],
  ) {
    super(message, { errors: issues });
  }
}
/**
 * A well-formed request whose content is refused (422): the body parsed, but what it says does not
 * hold or cannot be applied, e.g. a serial number and PIN that do not match a loaded charger, a
 * charger connected to its own operator's backoffice, a URL that does not answer a WebSocket
 * handshake (issue #17). `issues` name the field as ValidationFailed's do; the first one's field is
 * also the problem's `field`.
 */
export class Unprocessable extends DomainError {
  readonly kind = 'unprocessable';
  constructor(
    message: string,
    readonly issues: readonly FieldIssue[],
    extensions: Record<string, unknown> = {},
  ) {
    super(message, { ...(issues[0] ? { field: issues[0].field } : {}), errors: issues, ...extensions });
  }
}
/** A request body over a route's own size limit (413), below the gateway's 10 MB: the message says the limit. */
export class PayloadTooLarge extends DomainError {
  readonly kind = 'too_large';
}
export class Unauthorized extends DomainError {
  readonly kind = 'unauthorized';
}
export class Forbidden extends DomainError {
  readonly kind = 'forbidden';
}
export class NotFound extends DomainError {
  readonly kind = 'not_found';
}
export class Conflict extends DomainError {
  readonly kind = 'conflict';
}
export class Locked extends DomainError {
  readonly kind = 'locked';
}
export class TooManyRequests extends DomainError {
  readonly kind = 'too_many_requests';
}
export class Unavailable extends DomainError {
  readonly kind = 'unavailable';
}
/**
 * Something that existed and no longer works for good (an expired or revoked public job link,
 * issue #14): 410, so a client stops retrying and shows whom to ask instead.
 */
export class Gone extends DomainError {
  readonly kind = 'gone';
}

/**
 * What a person can do about a handed-over project. There is no reopen: the signed certificate has
 * gone to the CPO and the site owner, and a reopened project would no longer match it. Later work
 * (a replacement or an extra charge point) is a new project, which the operator creates.
 */
export const AFTER_HANDOVER = 'a handover is final (its signed certificate has been issued); for more work on this site, ask the operator for a new project';
