// Values DynamoDB (through the document client) can store and every strict JSON parser can read
// back. Used by the one walk over REST bodies (lib/http/storable.ts) and by the OCPP payload check
// (lib/ocpp/validate.ts), so neither path can store what a later GET cannot answer.
/** DynamoDB's smallest non-zero magnitude (exact: the double nearest 1E-130 prints as 1e-130). */
export const DYNAMODB_MIN_MAGNITUDE = 1e-130;
/**
 * The largest magnitude stored as given: DynamoDB itself takes up to 9.99…E+125, but the document
 * client (lib/aws/clients.ts, without `allowImpreciseNumbers`) refuses a number past
 * Number.MAX_SAFE_INTEGER rather than store it imprecisely, which was a 500 too. No field of this API
 * needs more (a millisecond timestamp is below 2^43).
 */
export const MAX_STORABLE_MAGNITUDE = Number.MAX_SAFE_INTEGER;

export function numberProblem(n: number): string | undefined {
  const m = Math.abs(n);
  if (m !== 0 && m < DYNAMODB_MIN_MAGNITUDE) return 'is too close to 0 to be stored: use 0 or a magnitude of at least 1e-130';
  // The words request validation uses for an integer beyond the safe range (lib/http/field-messages.ts).
  if (!(m <= MAX_STORABLE_MAGNITUDE)) return 'is too large';
  return undefined;
}

/**
 * A surrogate code unit not part of a pair: with the `u` flag a pair is one code point (not Cs), so
 * only a lone one matches (String.prototype.isWellFormed, which the ES2023 lib typings lack).
 */
const LONE_SURROGATE = /\p{Cs}/u;

export function stringProblem(s: string): string | undefined {
  if (LONE_SURROGATE.test(s)) return 'must not contain a lone UTF-16 surrogate (\\uD800-\\uDFFF without its pair)';
  if (s.includes('\u0000')) return 'must not contain the NUL character (\\u0000)';
  return undefined;
}
