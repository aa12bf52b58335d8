// The Authorize cache (lib/domain/authorization.ts): its TTLs and LRU bound, with the DynamoDB
// adapter mocked so every read is counted (aws-sdk-client-mock: adapters only, STYLE.md).
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

process.env.TABLE_NAME ??= 'unit-test-table';
const { authorizeIdToken, clearAuthorisationCache, CACHE_TTL_MS, NEGATIVE_TTL_MS } = await import('../../../lib/domain/authorization');

const ddb = mockClient(DynamoDBDocumentClient);
const cp = { operatorId: 'op_1', teamId: 'team_1', chargePointId: 'cp_1', freeVend: false };
const items: Record<string, Record<string, unknown>> = {
  'IDTOKEN#op_1#CARD-1': { userId: 'usr_1', value: 'CARD-1', canonical: 'CARD-1', status: 'active', tokenType: 'ISO14443' },
  'OP#op_1|DRIVER#usr_1': { userId: 'usr_1', operatorId: 'op_1', name: 'Dana', teamId: 'team_1' },
};
const reads = () => ddb.commandCalls(GetCommand).length;

beforeAll(() => vi.useFakeTimers({ toFake: ['Date'] }));
afterAll(() => {
  vi.useRealTimers();
  ddb.restore();
});
beforeEach(() => {
  clearAuthorisationCache();
  ddb.reset();
  ddb.on(GetCommand).callsFake((input: { Key: { pk: string; sk: string } }) => ({ Item: items[input.Key.pk] ?? items[`${input.Key.pk}|${input.Key.sk}`] }));
});
afterEach(() => ddb.reset());

describe('the Authorize cache', () => {
  it('reads a known token and its driver once per TTL', async () => {
    expect((await authorizeIdToken(cp, 'CARD-1')).verdict).toBe('Accepted');
    expect(reads()).toBe(2);
    vi.advanceTimersByTime(CACHE_TTL_MS - 1);
    expect((await authorizeIdToken(cp, 'card-1')).verdict).toBe('Accepted');
    expect(reads()).toBe(2);
    vi.advanceTimersByTime(2);
    await authorizeIdToken(cp, 'CARD-1');
    expect(reads()).toBe(4);
  });

  it('forgets an unknown token sooner, so a card registered after a failed tap works soon', async () => {
    expect((await authorizeIdToken(cp, 'NEW-CARD')).verdict).toBe('Unknown');
    await authorizeIdToken(cp, 'NEW-CARD');
    expect(reads()).toBe(1);
    vi.advanceTimersByTime(NEGATIVE_TTL_MS + 1);
    await authorizeIdToken(cp, 'NEW-CARD');
    expect(reads()).toBe(2);
  });
});
