// Transactions: 1.6 StartTransaction / StopTransaction (integer ids we assign, §4.8 / §4.10),
// 2.0.1 TransactionEvent (string ids the station makes, ordered by seqNo, E01–E07), MeterValues.
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../../aws/clients';
import { config } from '../../config';
import { ENTITY, keys } from '../../db/keys';
import type { ActionHandler } from './types';

/** 1.6 transaction ids are integers unique per central system: one atomic counter. */
async function nextTransactionId(): Promise<number> {
  const out = await documentClient().send(
    new UpdateCommand({
      TableName: config().tableName,
      Key: keys.counter('ocpp16-transaction'),
      UpdateExpression: 'ADD #v :one SET #t = :type',
      ExpressionAttributeNames: { '#v': 'value', '#t': 'type' },
      ExpressionAttributeValues: { ':one': 1, ':type': ENTITY.counter },
      ReturnValues: 'UPDATED_NEW',
    }),
  );
  const value = Number(out.Attributes?.value);
  // OCPP 1.6 transactionId is a (signed 32-bit) integer.
  return ((value - 1) % 2_147_483_647) + 1;
}

export const startTransaction: ActionHandler = async (ctx, payload: { connectorId: number; idTag: string; meterStart: number; timestamp: string; reservationId?: number }) => {
  const transactionId = await nextTransactionId();
  return {
    category: 'transaction',
    replayGuard: true,
    response: { transactionId, idTagInfo: { status: 'Accepted' } },
    writes: [
      {
        Put: {
          TableName: config().tableName,
          Item: {
            ...keys.transaction(ctx.identity, String(transactionId)),
            type: ENTITY.transaction,
            identity: ctx.identity,
            chargePointId: ctx.connection.chargePointId,
            transactionId: String(transactionId),
            connectorId: payload.connectorId,
            idTag: payload.idTag,
            meterStart: payload.meterStart,
            startedAt: payload.timestamp,
            status: 'active',
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
    ],
  };
};

export const stopTransaction: ActionHandler = async (ctx, payload: { transactionId: number; meterStop: number; timestamp: string; reason?: string; idTag?: string }) => ({
  category: 'transaction',
  response: payload.idTag ? { idTagInfo: { status: 'Accepted' } } : {},
  writes: [
    {
      Update: {
        TableName: config().tableName,
        Key: keys.transaction(ctx.identity, String(payload.transactionId)),
        UpdateExpression: 'SET #s = :ended, meterStop = :m, stoppedAt = :t, stopReason = :r',
        // A stop for a transaction we never saw is still answered (1.6 §4.10); the log keeps it.
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':ended': 'ended', ':m': payload.meterStop, ':t': payload.timestamp, ':r': payload.reason ?? 'Local' },
      },
    },
  ],
});

interface TransactionEvent201 {
  eventType: 'Started' | 'Updated' | 'Ended';
  timestamp: string;
  triggerReason: string;
  seqNo: number;
  transactionInfo: { transactionId: string; chargingState?: string; stoppedReason?: string };
  idToken?: { idToken: string; type: string };
  evse?: { id: number; connectorId?: number };
}

/**
 * Later seqNo wins: an event older than the last one applied does not overwrite newer state
 * (DESIGN.md §2.7); it is still answered and logged. A remote-started transaction may arrive
 * without idToken (DESIGN.md §3).
 */
export const transactionEvent: ActionHandler = async (ctx, payload: TransactionEvent201) => {
  const info = payload.transactionInfo;
  const values: Record<string, unknown> = { ':seq': payload.seqNo, ':type': payload.eventType, ':at': payload.timestamp, ':id': ctx.identity, ':cp': ctx.connection.chargePointId, ':tid': info.transactionId, ':entity': ENTITY.transaction };
  const sets = ['lastSeqNo = :seq', 'lastEventType = :type', 'updatedAt = :at', '#identity = :id', 'chargePointId = :cp', 'transactionId = :tid', '#type = :entity', 'startedAt = if_not_exists(startedAt, :at)'];
  if (info.chargingState) {
    sets.push('chargingState = :cs');
    values[':cs'] = info.chargingState;
  }
  if (payload.idToken) {
    sets.push('idToken = if_not_exists(idToken, :tok)');
    values[':tok'] = payload.idToken;
  }
  if (payload.evse) {
    sets.push('evse = :evse');
    values[':evse'] = payload.evse;
  }
  sets.push('#status = :status');
  values[':status'] = payload.eventType === 'Ended' ? 'ended' : 'active';
  if (payload.eventType === 'Ended') {
    sets.push('stoppedAt = :at', 'stoppedReason = :sr');
    values[':sr'] = info.stoppedReason ?? 'Local';
  }
  return {
    category: 'transaction',
    replayGuard: true,
    response: payload.idToken ? { idTokenInfo: { status: 'Accepted' } } : {},
    writes: [
      {
        Update: {
          TableName: config().tableName,
          Key: keys.transaction(ctx.identity, info.transactionId),
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: 'attribute_not_exists(lastSeqNo) OR lastSeqNo < :seq',
          ExpressionAttributeNames: { '#status': 'status', '#type': 'type', '#identity': 'identity' },
          ExpressionAttributeValues: values,
        },
      },
    ],
  };
};

/** Meter values are kept in the log (category transaction): one write. */
export const meterValues: ActionHandler = async () => ({ category: 'transaction', response: {} });
