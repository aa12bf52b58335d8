// The shared DynamoDB client does not run the SDK's logger middleware (lib/aws/clients.ts: it copies
// and redacts every input and output for a no-op logger, CPU on every call).
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { documentClient, dynamoClient, SDK_LOGGER_MIDDLEWARE } from '../../../lib/aws/clients';

describe('the shared DynamoDB client', () => {
  it('is built without the SDK logger middleware, and keeps the rest of the stack', () => {
    // The name must be the one the SDK uses, or the removal would silently do nothing after an upgrade.
    const stock = new DynamoDBClient({ region: 'eu-west-1' }).middlewareStack.identify();
    expect(stock).toContain(`${SDK_LOGGER_MIDDLEWARE} - initialize`);

    const ours = dynamoClient().middlewareStack.identify();
    expect(ours.some((m) => m.startsWith(`${SDK_LOGGER_MIDDLEWARE} `))).toBe(false);
    expect(ours.length).toBe(stock.length - 1);
    // The document client sends through the same stack.
    expect(documentClient().middlewareStack.identify()).toEqual(ours);
  });
});
