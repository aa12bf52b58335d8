// TransactWriteItems with the cancellation reasons surfaced, so callers can tell which condition
// failed (and read the item that failed it) without parsing error strings.
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, PutCommand, TransactWriteCommand, UpdateCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { documentClient } from './clients';

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

export interface CancelledTransaction {
  readonly cancelled: true;
  /** One per item, in order: 'None' when that item was fine, 'ConditionalCheckFailed', … */
  readonly reasons: string[];
  /** The failed item's old value, where ReturnValuesOnConditionCheckFailure asked for it. */
  readonly oldItems: Array<Record<string, unknown> | undefined>;
}

export async function transactWrite(items: TransactItem[]): Promise<{ cancelled: false } | CancelledTransaction> {
  try {
    await documentClient().send(new TransactWriteCommand({ TransactItems: items }));
    return { cancelled: false };
  } catch (err) {
    if (err instanceof TransactionCanceledException) {
      const reasons = (err.CancellationReasons ?? []).map((r) => r.Code ?? 'None');
      const oldItems = (err.CancellationReasons ?? []).map((r) => (r.Item ? unmarshall(r.Item) : undefined));
      return { cancelled: true, reasons, oldItems };
    }
    throw err;
  }
}

/**
 * One write of a transaction's kind sent alone: a PutItem, UpdateItem or DeleteItem with its
 * condition. Outside a transaction DynamoDB bills an item's write units once instead of twice; for
 * writes that need no other item to change with them (ActionResult.writesAlone).
 */
export async function writeAlone(item: TransactItem): Promise<{ ok: true } | { ok: false; reason: 'ConditionalCheckFailed' }> {
  try {
    if (item.Put) await documentClient().send(new PutCommand(item.Put));
    else if (item.Update) await documentClient().send(new UpdateCommand(item.Update));
    else if (item.Delete) await documentClient().send(new DeleteCommand(item.Delete));
    else throw new Error('writeAlone: a ConditionCheck writes nothing on its own');
    return { ok: true };
  } catch (err) {
    if (err instanceof ConditionalCheckFailedException) return { ok: false, reason: 'ConditionalCheckFailed' };
    throw err;
  }
}
