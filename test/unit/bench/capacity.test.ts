// Write units computed from item sizes (bench/lib/capacity.ts), by DynamoDB's published rules.
import { describe, expect, it } from 'vitest';
import { applyUpdate, attributeValueSize, indexCount, ItemShadow, itemSize, transactionWriteUnits, writeUnits } from '../../../bench/lib/capacity';

describe('item size', () => {
  it('counts attribute names and UTF-8 string bytes', () => {
    expect(itemSize({ pk: 'a', sk: 'bc' })).toBe(2 + 1 + 2 + 2);
    expect(attributeValueSize('é')).toBe(2);
  });

  it('counts a number as about half its significant digits plus one', () => {
    expect(attributeValueSize(123)).toBe(3);
    expect(attributeValueSize(1_000_000)).toBe(2);
    expect(attributeValueSize(-12.5)).toBe(3);
  });

  it('counts 3 bytes per map or list plus 1 per element, booleans and nulls as 1', () => {
    expect(attributeValueSize({ a: 'xy' })).toBe(3 + 1 + 1 + 2);
    expect(attributeValueSize(['x', true])).toBe(3 + 1 + 1 + 1 + 1);
    expect(attributeValueSize(null)).toBe(1);
  });

  it('needs one write unit per started KB', () => {
    expect(writeUnits(1)).toBe(1);
    expect(writeUnits(1024)).toBe(1);
    expect(writeUnits(1025)).toBe(2);
    expect(writeUnits(0)).toBe(1);
  });

  it('puts an item in an index only when it has both index keys', () => {
    expect(indexCount({ pk: 'a', sk: 'b', gsi2pk: 'x', gsi2sk: 'y' })).toBe(1);
    expect(indexCount({ pk: 'a', sk: 'b', gsi1pk: 'x' })).toBe(0);
  });
});

describe('applyUpdate', () => {
  it('applies SET (with if_not_exists), REMOVE and ADD with attribute names', () => {
    const after = applyUpdate(
      { pk: 'p', sk: 's', old: 1, kept: 'k', '#count': 0, value: 2 },
      'SET #s = :s, kept = if_not_exists(kept, :k), fresh = if_not_exists(fresh, :f) REMOVE old ADD #v :one',
      { '#s': 'status', '#v': 'value' },
      { ':s': 'ended', ':k': 'new', ':f': 'f', ':one': 1 },
    );
    expect(after).toMatchObject({ status: 'ended', kept: 'k', fresh: 'f', value: 3 });
    expect(after).not.toHaveProperty('old');
  });

  it('leaves nested paths alone (REMOVE credentials.previous)', () => {
    expect(applyUpdate({ credentials: { previous: 'x' } }, 'REMOVE credentials.previous')).toEqual({ credentials: { previous: 'x' } });
  });
});

describe('transactionWriteUnits', () => {
  it('charges 2 units per item of up to 1 KB, whatever the number of items', () => {
    const shadow = new ItemShadow();
    const put = (pk: string) => ({ Put: { Item: { pk, sk: 'x' } } });
    expect(transactionWriteUnits([put('a'), put('b'), put('c')], shadow)).toEqual({ table: 6, indexes: 0 });
  });

  it('charges the index write of an item that is in an index', () => {
    const units = transactionWriteUnits([{ Put: { Item: { pk: 'LOG#1', sk: 't', gsi2pk: 'S', gsi2sk: 't' } } }], new ItemShadow());
    expect(units).toEqual({ table: 2, indexes: 2 });
  });

  it('sizes an update from the item it changes (the larger of before and after)', () => {
    const shadow = new ItemShadow();
    shadow.put({ pk: 'CP#1', sk: 'CP', gsi1pk: 'P', gsi1sk: 'C', blob: 'x'.repeat(1100) });
    const units = transactionWriteUnits([{ Update: { Key: { pk: 'CP#1', sk: 'CP' }, UpdateExpression: 'SET blob = :b', ExpressionAttributeValues: { ':b': 'small' } } }], shadow);
    expect(units).toEqual({ table: 4, indexes: 4 });
    expect(shadow.get({ pk: 'CP#1', sk: 'CP' })).toMatchObject({ blob: 'small' });
  });

  it('treats an update of an unknown item as an upsert from its key, and a delete as removing it', () => {
    const shadow = new ItemShadow();
    expect(transactionWriteUnits([{ Update: { Key: { pk: 'TX#1', sk: 'TX#a' }, UpdateExpression: 'SET s = :s', ExpressionAttributeValues: { ':s': 'active' } } }], shadow)).toEqual({ table: 2, indexes: 0 });
    expect(shadow.get({ pk: 'TX#1', sk: 'TX#a' })).toMatchObject({ s: 'active' });
    transactionWriteUnits([{ Delete: { Key: { pk: 'TX#1', sk: 'TX#a' } } }], shadow);
    expect(shadow.get({ pk: 'TX#1', sk: 'TX#a' })).toBeUndefined();
  });

  it('does not keep log items (they are never updated)', () => {
    const shadow = new ItemShadow();
    shadow.put({ pk: 'LOG#x', sk: '1' });
    expect(shadow.size).toBe(0);
  });
});
