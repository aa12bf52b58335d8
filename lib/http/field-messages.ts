// What a person reads when a field fails validation. zod's own messages name its internals
// ("expected int to be <=9007199254740991", "received NaN", `"a"|"b"`); this error map, passed to
// every request parse in lib/http/handler.ts, says the rule in words. A message set on the schema
// itself (e.g. the country regex) still wins: zod prefers schema-level messages to this map.
import type { z } from 'zod';

type Issue = z.core.$ZodRawIssue;

const KIND: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'a JSON object',
  array: 'a JSON array',
  record: 'a JSON object',
};

const MAX_WHOLE = Number.MAX_SAFE_INTEGER;

function sizeRule(issue: Issue & { origin?: string }, bound: number | bigint, word: 'at most' | 'at least'): string | undefined {
  switch (issue.origin) {
    case 'string':
      return word === 'at least' && Number(bound) === 1 ? 'must not be empty' : `must be ${word} ${bound} characters`;
    case 'array':
    case 'set':
      return `must have ${word} ${bound} items`;
    case 'number':
    case 'int':
      return Math.abs(Number(bound)) >= MAX_WHOLE ? `is too ${word === 'at most' ? 'large' : 'small'}` : `must be ${word} ${bound}`;
    default:
      return undefined;
  }
}

export function fieldMessage(issue: Issue): string | undefined {
  switch (issue.code) {
    case 'invalid_type': {
      if (issue.input === undefined) return 'is required';
      const kind = KIND[issue.expected];
      return kind ? `must be ${kind}` : undefined;
    }
    case 'too_big':
      return sizeRule(issue, issue.maximum, 'at most');
    case 'too_small':
      return sizeRule(issue, issue.minimum, 'at least');
    case 'invalid_value':
      return issue.values.length === 1 ? `must be ${String(issue.values[0])}` : `must be one of ${issue.values.map(String).join(', ')}`;
    case 'invalid_format':
      return issue.format === 'email' ? 'must be an email address' : issue.format === 'url' ? 'must be a URL' : `must be a valid ${issue.format}`;
    case 'unrecognized_keys':
      return `is not a field this request takes (${issue.keys.join(', ')})`;
    default:
      return undefined;
  }
}
