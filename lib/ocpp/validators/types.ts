// What the ahead-of-time validators (*.gen.js, scripts/gen-ocpp-schemas.ts) record of a failure:
// Ajv's ErrorObject without `schemaPath` and `message`, which the generator leaves out (validate.ts
// words the message from keyword and params).

export interface ValidationFailure {
  /** JSON pointer of the failing value in the payload. */
  readonly instancePath: string;
  /** The schema keyword that failed: `type`, `required`, `maxLength`, … */
  readonly keyword: string;
  /** Ajv's parameters of that keyword: `{ limit }`, `{ missingProperty }`, `{ allowedValues }`, … */
  readonly params: Record<string, unknown>;
}

/** An Ajv standalone validate function: true when `data` is valid; else `errors` holds the first failure. */
export interface Validator {
  (data: unknown): boolean;
  errors?: readonly ValidationFailure[] | null;
}
