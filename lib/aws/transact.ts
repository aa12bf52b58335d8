// TransactWriteItems with the cancellation reasons surfaced, so callers can tell which condition
// failed (and read the item that failed it) without parsing error strings.
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
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
