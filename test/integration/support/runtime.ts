// One local runtime per test file, on a free port, with its own table in the shared DynamoDB Local.
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { startLocalRuntime, type LocalRuntime, type RuntimeOptions } from '../../../local/runtime';

export async function startTestRuntime(opts: RuntimeOptions = {}): Promise<LocalRuntime> {
  process.env.LOG_LEVEL ??= 'warn';
  return startLocalRuntime({
    port: 0,
    inMemory: true,
    dynamodbEndpoint: inject('dynamodbEndpoint'),
    tableName: `test-${randomBytes(6).toString('hex')}`,
    retry: { maxAttempts: 4, baseDelayMs: 20, maxDelayMs: 100 },
    schedules: 'manual',
    ...opts,
  });
}
