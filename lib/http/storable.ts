// What a parsed JSON request body may hold before any route sees it: values DynamoDB can store and
// every strict JSON parser can read back. Checked once, in the one place JSON bodies are parsed
// (lib/http/handler.ts), so no route can store what a later GET cannot answer:
// - a number that cannot be stored: DynamoDB refuses a magnitude below 1E-130 ("Number underflow",
//   a 500 at write time), and the document client one above Number.MAX_SAFE_INTEGER (it would be
//   imprecise). JSON.parse gives a double, whose shortest form has at most 17 significant digits
//   (DynamoDB takes 38), so magnitude is the only limit; 1e400 parses to Infinity, past the top.
// - a string with a lone UTF-16 surrogate (JSON "\udfff"): stored as it is, and then written back
//   as "\udfff", which strict parsers (jq, Go, Python with surrogates refused) refuse as a whole
//   document; or with U+0000 (NUL), which C-string consumers (and the CSV exports' readers) cut at.
//   Tabs and newlines stay allowed.
// Object keys are strings too: a key with such a character is named by the object that holds it
// (the key itself is not echoed into the problem, which would carry the same bad character).
import type { FieldIssue } from '../domain/errors';

/** DynamoDB's smallest non-zero magnitude (exact: the double nearest 1E-130 prints as 1e-130). */
export const DYNAMODB_MIN_MAGNITUDE = 1e-130;
/**
 * The largest magnitude stored as given: DynamoDB itself takes up to 9.99…E+125, but the document
 * client (lib/aws/clients.ts, without `allowImpreciseNumbers`) refuses a number past
 * Number.MAX_SAFE_INTEGER rather than store it imprecisely, which was a 500 too. No field of this API
 * needs more (a millisecond timestamp is below 2^43).
 */
export const MAX_STORABLE_MAGNITUDE = Number.MAX_SAFE_INTEGER;

/** Issues reported for one body, at most: a body of a million bad numbers is not a million-line problem. */
const MAX_ISSUES = 20;

export function numberProblem(n: number): string | undefined {
  const m = Math.abs(n);
  if (m !== 0 && m < DYNAMODB_MIN_MAGNITUDE) return 'is too close to 0 to be stored: use 0 or a magnitude of at least 1e-130';
  if (!(m <= MAX_STORABLE_MAGNITUDE)) return `is too large to be stored: the magnitude must be at most ${MAX_STORABLE_MAGNITUDE}`;
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

interface Node {
  readonly value: unknown;
  /** Parent's node and this value's key in it; the path is only built for a value that is refused. */
  readonly parent?: Node;
  readonly key?: string;
}

function pathOf(node: Node | undefined, root: string): string {
  const parts: string[] = [];
  for (let n = node; n?.key !== undefined; n = n.parent) parts.push(n.key);
  return parts.length ? parts.reverse().join('.') : root;
}

/**
 * The values of a parsed JSON body DynamoDB or a strict JSON reader would refuse, named as the
 * request validation names fields (`share`, `current_a.0`; the body itself is `body`). Walked
 * without recursion: a deeply nested body cannot exhaust the stack.
 */
export function unstorableValues(body: unknown, root = 'body'): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const stack: Node[] = [{ value: body }];
  while (stack.length > 0 && issues.length < MAX_ISSUES) {
    const node = stack.pop()!;
    const v = node.value;
    if (typeof v === 'number') {
      const message = numberProblem(v);
      if (message) issues.push({ field: pathOf(node, root), message });
    } else if (typeof v === 'string') {
      const message = stringProblem(v);
      if (message) issues.push({ field: pathOf(node, root), message });
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i -= 1) stack.push({ value: v[i], parent: node, key: String(i) });
    } else if (v !== null && typeof v === 'object') {
      const entries = Object.entries(v);
      for (let i = entries.length - 1; i >= 0; i -= 1) {
        const [key, value] = entries[i]!;
        const message = stringProblem(key);
        if (message) issues.push({ field: pathOf(node, root), message: `field names ${message}` });
        else stack.push({ value, parent: node, key });
      }
    }
  }
  return issues.slice(0, MAX_ISSUES);
}
