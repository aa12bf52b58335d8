// Transactions: 1.6 StartTransaction / StopTransaction (integer ids we assign, §4.8 / §4.10),
// 2.0.1 TransactionEvent (string ids the station makes, ordered by seqNo, E01–E07), MeterValues.
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../../aws/clients';
import { config } from '../../config';
import { ENTITY, keys } from '../../db/keys';
import { meterValuesSession16, repeatedStart16, startSession16, stopSession16, transactionEventSession201, type ChargerRef, type TransactionEvent201 } from '../../domain/sessions';
import { drawReading, energyReadings } from '../../domain/session-meter';
import { utcTime, withUtcMeterTimes } from '../time';
import type { ActionContext, ActionHandler } from './types';

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

function chargerOf(ctx: ActionContext): ChargerRef {
  return { version: ctx.version, identity: ctx.identity, chargePointId: ctx.connection.chargePointId, operatorId: ctx.connection.operatorId, receivedAt: ctx.receivedAt };
}

/**
 * 1.6 StartTransaction (§4.8): a charging session begins (domain/sessions.ts). The token is checked
 * (authorizeIdToken); an unknown, blocked or expired one is answered so, but the session is still
 * recorded and flagged: the charger may already be charging (§4.8: it decides what to do).
 */
export const startTransaction: ActionHandler = async (ctx, received: { connectorId: number; idTag: string; meterStart: number; timestamp: string; reservationId?: number }) => {
  const payload = { ...received, timestamp: utcTime(received.timestamp) };
  const again = await repeatedStart16(chargerOf(ctx), payload);
  if (again) return { category: 'transaction', replayGuard: true, response: { transactionId: again.transactionId, idTagInfo: again.idTagInfo }, writes: [], effects: [] };
  const transactionId = await nextTransactionId();
  const step = await startSession16(chargerOf(ctx), { ...payload, transactionId });
  return {
    category: 'transaction',
    replayGuard: true,
    response: { transactionId, idTagInfo: step.idTagInfo ?? { status: 'Accepted' } },
    writes: step.writes,
    effects: step.effects,
    effectsNeedWrites: true,
  };
};

/** 1.6 StopTransaction (§4.10): the session ends with its energy and cost. A stop we never saw is still answered. */
export const stopTransaction: ActionHandler = async (
  ctx,
  received: { transactionId: number; meterStop: number; timestamp: string; reason?: string; idTag?: string; transactionData?: Parameters<typeof energyReadings>[0] },
) => {
  const payload = { ...received, timestamp: utcTime(received.timestamp), transactionData: withUtcMeterTimes(received.transactionData) };
  const step = await stopSession16(chargerOf(ctx), payload, energyReadings(payload.transactionData));
  return {
    category: 'transaction',
    replayGuard: true,
    response: payload.idTag ? { idTagInfo: step.idTagInfo ?? { status: 'Accepted' } } : {},
    writes: step.writes,
    effects: step.effects,
    effectsNeedWrites: true,
  };
};

/**
 * 2.0.1 TransactionEvent (E01–E07): the first event of a transaction starts the session, Ended ends
 * it; meter values join its meter; later seqNo wins (domain/sessions.ts transactionEventSession201).
 * A remote-started transaction may arrive without idToken (DESIGN.md §3).
 */
export const transactionEvent: ActionHandler = async (ctx, received: TransactionEvent201) => {
  const payload: TransactionEvent201 = { ...received, timestamp: utcTime(received.timestamp), ...(received.meterValue ? { meterValue: withUtcMeterTimes(received.meterValue) } : {}) };
  const step = await transactionEventSession201(chargerOf(ctx), payload, energyReadings(payload.meterValue), drawReading(payload.meterValue, ctx.receivedAt));
  return {
    category: 'transaction',
    ...(step.alone ? { writesAlone: true } : { replayGuard: true }),
    response: payload.idToken ? { idTokenInfo: step.idTagInfo ?? { status: 'Accepted' } } : {},
    writes: step.writes,
    effects: step.effects,
    effectsNeedWrites: true,
  };
};

/**
 * MeterValues: kept in the log (one write). 1.6 readings with a transactionId also join that
 * session's meter (a read and a write conditional on the session's `rev`, then the log: no
 * transaction, since a retry's readings are already applied and change nothing); a current or power
 * reading alone updates the session's draw without reading it (sessions.ts).
 * 2.0.1 sends a transaction's readings in TransactionEvent (J02); its MeterValues stay in the log.
 */
export const meterValues: ActionHandler = async (ctx, received: { transactionId?: number; meterValue: Parameters<typeof energyReadings>[0] }) => {
  const payload = { ...received, meterValue: withUtcMeterTimes(received.meterValue)! };
  if (ctx.version !== 'ocpp1.6' || payload.transactionId === undefined) return { category: 'transaction', response: {} };
  const step = await meterValuesSession16(chargerOf(ctx), String(payload.transactionId), energyReadings(payload.meterValue), drawReading(payload.meterValue, ctx.receivedAt));
  if (step.writes.length === 0) return { category: 'transaction', response: {} };
  return { category: 'transaction', response: {}, ...(step.alone ? { writesAlone: true } : { replayGuard: true }), writes: step.writes };
};
