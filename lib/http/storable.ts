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
import { numberProblem, stringProblem } from '../db/storable';
import type { FieldIssue } from '../domain/errors';

/** Issues reported for one body, at most: a body of a million bad numbers is not a million-line problem. */
const MAX_ISSUES = 20;

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
