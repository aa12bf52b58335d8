// Page cursors come back from the network: decodeCursor answers a 400 for anything this code did not
// hand out, including a well-formed cursor whose sort key DynamoDB would refuse as a key (> 1,024 bytes).
import { describe, expect, it } from 'vitest';
import { ValidationFailed } from '../../../lib/domain/errors';
import { decodeCursor, encodeCursor } from '../../../lib/db/query';

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
