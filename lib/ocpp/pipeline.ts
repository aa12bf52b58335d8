// $default: every OCPP-J frame from a charge point. Strict decode → schema validation → boot gate →
// handler → one write (log, or log + state in one transaction) → answer. Never throws: anything
// unexpected is answered CALLERROR InternalError (DESIGN.md §2.6).
import { createHash } from 'node:crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../aws/clients';
import { transactWrite, writeAlone, type TransactItem } from '../aws/transact';
import { config } from '../config';
import { getConnection, type ConnectionRecord } from '../db/charge-points';
import { ENTITY, keys } from '../db/keys';
import { logInvalidFrame, logItem, logPut, putLogEntry, type LogEntry } from '../db/logs';
import { closeConnection, postToConnection } from '../aws/connections';
import { log } from '../log';
import { handlerFor } from './actions';
import type { ActionContext } from './actions/types';
import { decodeFrame, encodeCallResult, encodeOcppError, type Decoded } from './codec';
import { receiveCallResponse } from './commands';
import { wasAskedFor } from './pending-gate';
import { OcppError, toOcppError } from './errors';
import { validateRequest, validateResponse } from './validate';

/** How long a retried CALL is recognised (its answer is replayed). */
const REPLAY_TTL_SECONDS = 24 * 3600;

export interface FrameInput {
  readonly connectionId: string;
  readonly body: string;
  readonly receivedAt: string;
  /**
   * The connection as $connect recorded it, from the $connect authorizer's context on the event
   * (connection-context.ts). Absent: it is read from the table (AP-10).
   */
  readonly connection?: ConnectionRecord;
}

/**
 * Handles one frame and sends the answer, if there is one, through @connections: a CALLRESULT or
 * CALLERROR for a CALL, nothing at all for a CALLRESULT/CALLERROR from the charger. A connection that
 * is already gone (410) is not an error: the charger will reconnect and retry.
 */
export async function handleFrameAndReply(input: FrameInput): Promise<void> {
  const reply = await handleFrame(input);
  if (reply === undefined) return;
  const sent = await postToConnection(input.connectionId, reply).catch((err: unknown) => {
    log.error('could not send the answer to a frame', { connectionId: input.connectionId, err });
    return true;
  });
  if (!sent) log.warn('answer not sent: the connection is gone', { connectionId: input.connectionId });
}

/** Returns the frame to send back on the socket, or undefined for none. */
export async function handleFrame(input: FrameInput): Promise<string | undefined> {
  try {
    // The hot path reads nothing: who the charger is came with the event. What can change during a
    // connection is its boot status, and only through a BootNotification answered on it (Pending →
    // Accepted once commissioning completes). So the item is read only while the context says the
    // boot is not Accepted, and only for a CALL the boot gate applies to. An Accepted boot is taken
    // as final for the connection: this CSMS answers Pending again only after a re-provisioning,
    // which issues a new password the charger reconnects with (fresh context) — until then its
    // frames are treated as Accepted, as they were before its next BootNotification anyway.
    const known = input.connection;
    let conn = known ?? (await getConnection(input.connectionId));
    if (!conn) return await closeUnknown(input.connectionId);
    const decoded = decodeFrame(input.body, conn.protocol);
    if (known && known.bootStatus !== 'Accepted' && decoded.kind === 'call' && decoded.action !== 'BootNotification') {
      conn = await getConnection(input.connectionId);
      if (!conn) return await closeUnknown(input.connectionId);
    }
    switch (decoded.kind) {
      case 'call':
        return await handleCall(conn, decoded, input);
      case 'callresult':
      case 'callerror':
        await receiveCallResponse(conn, decoded, input.body, input.receivedAt);
        return undefined;
      case 'invalid':
        if (decoded.answer && decoded.messageId !== undefined) {
          // A broken answer to one of our CALLs settles it as an error (or, unmatched, is logged as an invalid frame).
          await receiveCallResponse(conn, { kind: 'malformed', messageId: decoded.messageId, reason: decoded.reason }, input.body, input.receivedAt);
          return undefined;
        }
        await logInvalidFrame(
          {
            identity: conn.identity,
            at: input.receivedAt,
            category: 'ocpp_state',
            kind: 'invalid_frame',
            ...(decoded.messageId ? { messageId: decoded.messageId } : {}),
            frameIn: input.body,
            ...(decoded.reply ? { frameOut: decoded.reply } : {}),
            detail: { reason: decoded.reason },
          },
          conn.connectionId,
        );
        return decoded.reply ?? undefined;
    }
  } catch (err) {
    log.error('unexpected failure handling a frame', { connectionId: input.connectionId, err });
    return lastResortError(input.body);
  }
}

/** No record: refused, expired or superseded. The charger must reconnect (and authenticate) again. */
async function closeUnknown(connectionId: string): Promise<undefined> {
  log.warn('frame on an unknown connection; closing it', { connectionId });
  await closeConnection(connectionId);
  return undefined;
}

type Call = Extract<Decoded, { kind: 'call' }>;

async function handleCall(conn: ConnectionRecord, call: Call, input: FrameInput): Promise<string> {
  const version = conn.protocol;
  const base: LogEntry = {
    identity: conn.identity,
    at: input.receivedAt,
    category: 'ocpp_state',
    kind: 'call_in',
    action: call.action,
    messageId: call.messageId,
    frameIn: input.body,
  };
  try {
    // Also refuses an action this CSMS does not take part in: NotImplemented or NotSupported (validate.ts).
    const valid = validateRequest(version, call.action, call.payload);
    if (!valid.ok) throw valid.error;
    // Until the boot is Accepted or Pending, only BootNotification is allowed (2.0.1 B02.FR.09, 1.6 §4.2).
    if (call.action !== 'BootNotification' && conn.bootStatus !== 'Accepted' && conn.bootStatus !== 'Pending') {
      throw new OcppError('SecurityError', `${call.action} before an accepted BootNotification`);
    }
    // While Pending, only what the CSMS asked for (TriggerMessage, GetBaseReport, GetReport) is
    // allowed (2.0.1 B02.FR.09, TC_B_30_CSMS; 1.6 §4.2): see pending-gate.ts.
    if (call.action !== 'BootNotification' && conn.bootStatus === 'Pending' && !(await wasAskedFor(version, conn.identity, call.action, input.receivedAt))) {
      throw new OcppError('SecurityError', `${call.action} while the BootNotification is Pending and not requested by the CSMS`);
    }
    const handler = handlerFor(version, call.action);
    // Unreachable while every request validator has its handler (actions/index.ts); the action passed
    // its schema, so it is one the version defines.
    if (!handler) throw new OcppError('NotSupported', `${call.action} is not implemented by this CSMS`);

    const ctx: ActionContext = { version, identity: conn.identity, connection: conn, messageId: call.messageId, receivedAt: input.receivedAt };
    const result = await handler(ctx, call.payload);
    const checked = validateResponse(version, call.action, result.response);
    if (!checked.ok) {
      // Our own answer breaks the official schema: a bug. Answer InternalError rather than send it.
      // Kept on the hot path on purpose; its validators (the `answers` role) are 12 KiB of the
      // $default bundle's 392 (npm run bundle-sizes): a strict charger drops a malformed answer without a word,
      // while this logs the bug and answers a CALLERROR the charger understands.
      log.error('response failed its own schema', { action: call.action, error: checked.error.message, response: result.response });
      throw new OcppError('InternalError', 'The CSMS produced an invalid response');
    }
    const reply = encodeCallResult(call.messageId, result.response);
    const entry: LogEntry = { ...base, category: result.category, frameOut: reply };
    const writes = result.writes ?? [];

    let written = true;
    if (result.writesAlone && !result.replayGuard) {
      const skipped: string[] = [];
      for (const w of writes) {
        const out = await writeAlone(w);
        if (!out.ok) skipped.push(out.reason);
      }
      written = skipped.length === 0;
      if (!written) log.warn('state write skipped', { identity: conn.identity, action: call.action, reasons: skipped });
      await putLogEntry({ ...entry, ...(written ? {} : { detail: { stateWriteSkipped: skipped } }) }, result.logExtra);
    } else if (!result.replayGuard && writes.length === 0) {
      // The common case (Heartbeat, StatusNotification, MeterValues…): exactly one PutItem.
      await documentClient().send(new PutCommand({ TableName: config().tableName, Item: logItem(entry, result.logExtra) }));
    } else {
      const requestHash = createHash('sha256').update(call.action).update('\0').update(JSON.stringify(call.payload)).digest('base64url');
      const guard: TransactItem[] = result.replayGuard
        ? [
            {
              Put: {
                TableName: config().tableName,
                Item: {
                  ...keys.replay(conn.identity, call.messageId),
                  type: ENTITY.replay,
                  requestHash,
                  reply,
                  expiresAt: Math.floor(Date.now() / 1000) + REPLAY_TTL_SECONDS,
                },
                // Same id and same request within the window = a retry. A reused id with a different request is new.
                ConditionExpression: 'attribute_not_exists(pk) OR requestHash <> :h OR expiresAt < :now',
                ExpressionAttributeValues: { ':h': requestHash, ':now': Math.floor(Date.now() / 1000) },
                ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
              },
            },
          ]
        : [];
      const outcome = await transactWrite([...guard, ...writes, logPut(entry, result.logExtra)]);
      if (outcome.cancelled) {
        const old = guard.length ? outcome.oldItems[0] : undefined;
        if (guard.length && outcome.reasons[0] === 'ConditionalCheckFailed' && typeof old?.reply === 'string') {
          await putLogEntry({ ...entry, frameOut: old.reply, detail: { replayed: true } });
          return old.reply;
        }
        // A state write's condition failed (stale seqNo, unknown transaction…): the answer stands, the log records why.
        written = false;
        log.warn('state write skipped', { identity: conn.identity, action: call.action, reasons: outcome.reasons });
        await putLogEntry({ ...entry, detail: { stateWriteSkipped: outcome.reasons } });
      }
    }
    for (const effect of result.effectsNeedWrites && !written ? [] : (result.effects ?? [])) {
      await effect().catch((err: unknown) => log.error('post-response effect failed', { identity: conn.identity, action: call.action, err }));
    }
    return reply;
  } catch (err) {
    const error = toOcppError(err);
    if (error.kind === 'InternalError') log.error('CALL failed', { identity: conn.identity, action: call.action, err });
    const reply = encodeOcppError(version, call.messageId, error);
    const entry: LogEntry = { ...base, category: error.kind === 'SecurityError' ? 'security' : 'ocpp_state', frameOut: reply, detail: { error: error.kind } };
    // A CALL refused for its content (unknown action, schema, values) is an invalid frame: counted,
    // and logged in full only within the connection's budget. Our own failures (InternalError) and
    // the security trail (SecurityError) are always logged in full.
    const invalid = error.kind !== 'InternalError' && error.kind !== 'SecurityError';
    await (invalid ? logInvalidFrame(entry, conn.connectionId) : putLogEntry(entry)).catch((logErr: unknown) => log.error('could not log a CALLERROR', { err: logErr }));
    return reply;
  }
}

/**
 * When even the connection lookup failed we do not know the version; InternalError is spelled the
 * same in both, so answer a readable CALL with it and drop anything else.
 */
function lastResortError(body: string): string | undefined {
  try {
    const frame: unknown = JSON.parse(body);
    if (Array.isArray(frame) && frame[0] === 2 && typeof frame[1] === 'string' && frame[1].length > 0 && frame[1].length <= 36) {
      return JSON.stringify([4, frame[1], 'InternalError', 'An internal error occurred', {}]);
    }
  } catch {
    // not JSON: nothing to answer
  }
  return undefined;
}
