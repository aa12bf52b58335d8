// Counts SDK calls (and DynamoDB consumed capacity) through a middleware on the client itself, so
// tests and benchmarks count what really went over the wire instead of estimating it.
import type { MiddlewareStack } from '@smithy/types';

export interface CallRecord {
  readonly command: string;
  readonly capacityUnits?: number;
}

export interface CallCounter {
  readonly calls: CallRecord[];
  reset(): void;
  count(filter?: (c: CallRecord) => boolean): number;
  detach(): void;
}

const WRITE_COMMANDS = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'TransactWriteItemsCommand', 'BatchWriteItemCommand', 'PutCommand', 'UpdateCommand', 'DeleteCommand', 'TransactWriteCommand', 'BatchWriteCommand']);
export const isWrite = (c: CallRecord) => WRITE_COMMANDS.has(c.command);

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function attachCallCounter(client: { middlewareStack: MiddlewareStack<any, any> }, name = 'call-counter'): CallCounter {
  const calls: CallRecord[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      const output = result.output as { ConsumedCapacity?: { CapacityUnits?: number } | Array<{ CapacityUnits?: number }> };
      const consumed = Array.isArray(output?.ConsumedCapacity)
        ? output.ConsumedCapacity.reduce((s, c) => s + (c.CapacityUnits ?? 0), 0)
        : output?.ConsumedCapacity?.CapacityUnits;
      calls.push({ command: String(context.commandName), ...(consumed !== undefined ? { capacityUnits: consumed } : {}) });
      return result;
    },
    { step: 'initialize', name },
  );
  return {
    calls,
    reset: () => void calls.splice(0),
    count: (filter) => (filter ? calls.filter(filter).length : calls.length),
    detach: () => void client.middlewareStack.remove(name),
  };
}
