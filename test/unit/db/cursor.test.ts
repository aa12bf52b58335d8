// Page cursors come back from the network: decodeCursor answers a 400 for anything this code did not
// hand out, including a well-formed cursor whose sort key DynamoDB would refuse as a key (> 1,024 bytes).
import { describe, expect, it } from 'vitest';
import { ValidationFailed } from '../../../lib/domain/errors';
import { decodeCursor, encodeCursor, inSortKeyRange, sortKeyCondition } from '../../../lib/db/query';

const cursorOf = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

describe('decodeCursor', () => {
  it('gives back what encodeCursor made, for the partition it came from', () => {
    expect(decodeCursor(encodeCursor({ pk: 'OP#1#DRIVERS', sk: 'USER#u1' }), 'OP#1#DRIVERS')).toEqual({ pk: 'OP#1#DRIVERS', sk: 'USER#u1' });
  });

  it('refuses another partition, garbage, extra fields and a sort key longer than DynamoDB allows', () => {
    for (const bad of [
      encodeCursor({ pk: 'OP#2#DRIVERS', sk: 'USER#u1' }),
      'garbage',
      cursorOf({ pk: 'OP#1#DRIVERS', sk: 'USER#u1', extra: 1 }),
      cursorOf({ pk: 'OP#1#DRIVERS', sk: 'x'.repeat(1025) }),
      cursorOf({ pk: 'OP#1#DRIVERS', sk: 'é'.repeat(513) }),
    ]) {
      expect(() => decodeCursor(bad, 'OP#1#DRIVERS')).toThrow(ValidationFailed);
    }
    expect(decodeCursor(cursorOf({ pk: 'OP#1#DRIVERS', sk: 'x'.repeat(1024) }), 'OP#1#DRIVERS').sk).toHaveLength(1024);
  });
});

describe('a cursor inside its query\'s sort key condition', () => {
  const base = { pk: 'LOG#CP-1', sk: '2026-01-01T10:00:00.000Z#abc' };

  it('takes a sort key the condition holds for, with the bounds the expression has (BETWEEN inclusive, `to` alone exclusive)', () => {
    expect(decodeCursor(encodeCursor(base), 'LOG#CP-1', { from: '2026-01-01T00:00:00.000Z' }).sk).toBe(base.sk);
    expect(decodeCursor(encodeCursor(base), 'LOG#CP-1', { from: '2026-01-01T00:00:00.000Z', to: base.sk }).sk).toBe(base.sk);
    expect(decodeCursor(encodeCursor(base), 'LOG#CP-1', { to: '2026-01-02T00:00:00.000Z' }).sk).toBe(base.sk);
    expect(decodeCursor(encodeCursor({ pk: 'OP#1', sk: 'DRIVER#u1' }), 'OP#1', { beginsWith: 'DRIVER#' }).sk).toBe('DRIVER#u1');
  });

  it('refuses one outside it with the cursor problem', () => {
    for (const [cursor, pk, range] of [
      [encodeCursor(base), 'LOG#CP-1', { from: '2026-01-02T00:00:00.000Z' }],
      [encodeCursor(base), 'LOG#CP-1', { to: base.sk }],
      [encodeCursor(base), 'LOG#CP-1', { to: '2026-01-01T00:00:00.000Z' }],
      [encodeCursor(base), 'LOG#CP-1', { from: '2025-01-01T00:00:00.000Z', to: '2026-01-01T00:00:00.000Z' }],
      [encodeCursor({ pk: 'OP#1', sk: 'TEAM#t1' }), 'OP#1', { beginsWith: 'DRIVER#' }],
      [encodeCursor({ pk: 'OP#1', sk: 'DRIVER' }), 'OP#1', { beginsWith: 'DRIVER#' }],
    ] as const) {
      expect(() => decodeCursor(cursor, pk, range)).toThrow(expect.objectContaining({ issues: [{ field: 'query.cursor', message: expect.any(String) }] }));
    }
  });

  it('compares as DynamoDB does, by UTF-8 bytes (U+FFFF sorts below an astral character there, above it in UTF-16)', () => {
    expect(inSortKeyRange('a\u{1F600}', { to: 'a\uffff' })).toBe(false);
    expect(inSortKeyRange('a\uffff', { to: 'a\u{1F600}' })).toBe(true);
  });

  it('makes the key condition from the same description', () => {
    expect(sortKeyCondition('gsi1sk', { from: 'a', to: 'b' })).toEqual({ expression: ' AND gsi1sk BETWEEN :from AND :to', values: { ':from': 'a', ':to': 'b' } });
    expect(sortKeyCondition('sk', { to: 'b' })).toEqual({ expression: ' AND sk < :to', values: { ':to': 'b' } });
    expect(sortKeyCondition('sk', { from: 'a' })).toEqual({ expression: ' AND sk >= :from', values: { ':from': 'a' } });
    expect(sortKeyCondition('sk', { beginsWith: 'DLV#' })).toEqual({ expression: ' AND begins_with(sk, :skPrefix)', values: { ':skPrefix': 'DLV#' } });
    expect(sortKeyCondition('sk', {})).toEqual({ expression: '', values: {} });
  });
});
