// Sessions that started before running-transaction pointers existed (AP-28) get one: for every
// running session in the sweep's shards (AP-52) without a pointer, put it, conditional on the session
// still running and on no pointer being there. Idempotent.
import { transactWrite } from '../../aws/transact';
import { config } from '../../config';
import { ENTITY, keys } from '../keys';
import { ACTIVE_SESSION_SHARDS, listActiveSessionPointers } from '../sessions';

export interface RunningPointersReport {
  /** Pointers put for sessions that had none. */
  readonly runningPointers: number;
}

export async function migrateRunningPointers(): Promise<RunningPointersReport> {
  let put = 0;
  for (let shard = 0; shard < ACTIVE_SESSION_SHARDS; shard += 1) {
    for (const p of await listActiveSessionPointers(shard)) {
      const out = await transactWrite([
        {
          ConditionCheck: {
            TableName: config().tableName,
            Key: keys.transaction(p.identity, p.transactionId),
            ConditionExpression: '#s = :active',
            ExpressionAttributeNames: { '#s': 'status' },
            ExpressionAttributeValues: { ':active': 'active' },
          },
        },
        {
          Put: {
            TableName: config().tableName,
            Item: { ...keys.runningTransaction(p.identity, p.transactionId), type: ENTITY.runningTransaction, transactionId: p.transactionId },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
      ]);
      if (!out.cancelled) put += 1;
    }
  }
  return { runningPointers: put };
}
