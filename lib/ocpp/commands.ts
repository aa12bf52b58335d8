// Calling a charge point (DESIGN.md §2.8): a CALLRESULT carries no action name, so we keep one
// pending-call record per charge point (conditional put: at most one outstanding), send the CALL
// with postToConnection, and match the answer that arrives on $default. The caller waits for the
// outcome by polling the command record: accepted, rejected, error, timed_out or not_connected.
import { randomUUID } from 'node:crypto';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../aws/clients';
import { postToConnection } from '../aws/connections';
import { transactWrite, type TransactItem } from '../aws/transact';
import { config } from '../config';
import { getChargePoint, getConnection, getIdentityGuard, type ChargePoint, type ConnectionRecord } from '../db/charge-points';
import { targetAnswerWrite, type ActivationTag } from '../db/powerbank-activations';
import { ENTITY, keys } from '../db/keys';
import { logInvalidFrame, logPut, putLogEntry } from '../db/logs';
import { Conflict, NotFound, ValidationFailed } from '../domain/errors';
import { makeEvent, publish } from '../events/publish';
import { intEnv } from '../env';
import { log } from '../log';
import { connectorFactWrites } from './actions/status';
import { encodeCall, type Decoded, type JsonObject } from './codec';
import { markDisconnected } from './disconnect';
import { redactPayload } from './secrets';
import { COMMAND_ACTIONS } from './action-names';
import { validateCommandRequest } from './validate-command';
import { validateResponse } from './validate';
import type { OcppVersion } from './versions';

/** The commands this CSMS sends (lib/ocpp/action-names.ts). */
export { COMMAND_ACTIONS };

/**
 * Commands a charge point whose boot is Pending must not get. OCPP 1.6 §4.2: "While in pending
 * state, the following Central System initiated messages are not allowed: RemoteStartTransaction.req
 * and RemoteStopTransaction.req"; OCPP 2.0.1 use case B02 (Pending) says the same of
 * RequestStartTransaction/RequestStopTransaction.
 */
const NOT_WHILE_PENDING: ReadonlySet<string> = new Set(['RemoteStartTransaction', 'RemoteStopTransaction', 'RequestStartTransaction', 'RequestStopTransaction']);

export type CommandOutcome = 'sent' | 'accepted' | 'partially_accepted' | 'rejected' | 'error' | 'timed_out' | 'not_connected';

export interface CommandRecord {
  readonly commandId: string;
  readonly identity: string;
  readonly action: string;
  readonly request: JsonObject;
  readonly messageId: string;
  readonly status: CommandOutcome;
  readonly protocol?: OcppVersion;
  readonly response?: JsonObject;
  readonly error?: { readonly code: string; readonly description: string };
  readonly requestedBy?: string;
  readonly sentAt: string;
  readonly completedAt?: string;
  /** Sent for a PowerBank activation: its answer is also recorded on the activation's charger item. */
  readonly activation?: ActivationTag;
}

export interface CallOptions {
  /** How long to wait for the answer. Default COMMAND_TIMEOUT_MS or 20 s (inside API Gateway's 29 s). */
  readonly timeoutMs?: number;
  /** How long to wait for another command to the same charge point to finish. Default 5 s, then busy (409). */
  readonly waitForSlotMs?: number;
  readonly requestedBy?: string;
  /**
   * false: return as soon as the CALL is sent (status `sent`), without polling for the answer. For a
   * fan-out to many chargers (PowerBank activations), where the answer is recorded when it arrives
   * (`activation`) instead of by a waiting caller. The slot is held until the answer or `timeoutMs`.
   * @default true
   */
  readonly wait?: boolean;
  /**
   * The PowerBank activation step this command is (receiveCallResponse records the answer on it).
   * Sent without waiting, such a command keeps no command record: the activation's charger item is
   * its record (sent, answered, outcome, error), and nobody waits on or polls a record for it.
   */
  readonly activation?: ActivationTag;
  /**
   * The charge point and its connection as the caller just read them (strongly consistent), so a
   * fan-out does not read them a second time. A connection gone meanwhile shows as not_connected
   * when the post fails. @default read here
   */
  readonly known?: { readonly chargePoint: ChargePoint; readonly connection: ConnectionRecord | undefined };
}

const POLL_MS = 75;
/** Polls between checks that the connection still exists (≈ 1 s). */
const CONNECTION_CHECK_EVERY = 13;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function getCommand(commandId: string): Promise<CommandRecord | undefined> {
  const out = await documentClient().send(new GetCommand({ TableName: config().tableName, Key: keys.command(commandId), ConsistentRead: true }));
  return out.Item as CommandRecord | undefined;
}

/** The per-attribute result lists of 2.0.1 SetVariables/GetVariables: they have no top-level status. */
const RESULT_LISTS = ['setVariableResult', 'getVariableResult'] as const;

/**
 * `accepted` unless the response says otherwise: most confirmations carry a status enum.
 * SetVariablesResponse and GetVariablesResponse carry none: each attribute has its own
 * `attributeStatus` (2.0.1 B05/B06), so all Accepted (or RebootRequired) → accepted, none → rejected, some → partially_accepted.
 */
export function outcomeOf(response: JsonObject): 'accepted' | 'partially_accepted' | 'rejected' {
  for (const list of RESULT_LISTS) {
    const results = response[list];
    if (!Array.isArray(results)) continue;
    // RebootRequired: the value is stored and applies after a reboot (2.0.1 B05), so it was accepted.
    const accepted = results.filter((r) => ['Accepted', 'RebootRequired'].includes(String((r as { attributeStatus?: unknown }).attributeStatus))).length;
    return accepted === results.length && accepted > 0 ? 'accepted' : accepted === 0 ? 'rejected' : 'partially_accepted';
  }
  const status = response.status;
  return status === undefined || status === 'Accepted' || status === 'Scheduled' || status === 'Unlocked' ? 'accepted' : 'rejected';
}

/** A command checked and built, ready to take its charge point's slot and go out. */
interface PreparedCall {
  readonly record: CommandRecord;
  readonly frame: string;
  readonly connection: ConnectionRecord | undefined;
  readonly timeoutMs: number;
  readonly waitForSlotMs: number;
  readonly wait: boolean;
  readonly activation: ActivationTag | undefined;
  /** False: no command record is written, read or settled (a non-waiting activation send: CallOptions.activation). */
  readonly recorded: boolean;
}

/** Reads what it is not given, checks the command is allowed and valid, and builds its record and frame. */
async function prepareCall(identity: string, action: string, payload: JsonObject, opts: CallOptions): Promise<PreparedCall> {
  const timeoutMs = opts.timeoutMs ?? intEnv('COMMAND_TIMEOUT_MS', 20_000);
  let cp: ChargePoint | undefined;
  let connection: ConnectionRecord | undefined;
  if (opts.known) {
    ({ chargePoint: cp, connection } = opts.known);
  } else {
    const guard = await getIdentityGuard(identity);
    if (!guard) throw new NotFound(`No charge point with identity ${identity}`);
    cp = await getChargePoint(guard.chargePointId, true);
    connection = cp?.connection ? await getConnection(cp.connection.connectionId) : undefined;
  }
  const version = connection?.protocol ?? cp?.protocol;
  if (!version) throw new NotFound(`Charge point ${identity} has no OCPP registration`);
  if (!(COMMAND_ACTIONS[version] as readonly string[]).includes(action)) {
    throw new ValidationFailed(`${action} is not a command for ${version}`, [{ field: 'action', message: `must be one of ${COMMAND_ACTIONS[version].join(', ')}` }]);
  }
  if (connection?.bootStatus === 'Pending' && NOT_WHILE_PENDING.has(action)) {
    throw new Conflict(`${identity} has booted Pending (commissioning is not complete); ${action} is not allowed until its boot is Accepted`, { identity, field: 'action' });
  }
  const valid = validateCommandRequest(version, action, payload);
  if (!valid.ok) throw new ValidationFailed(`Invalid ${action} request: ${valid.error.message}`, [{ field: 'payload', message: valid.error.message }]);

  const commandId = `cmd_${randomUUID()}`;
  const messageId = randomUUID();
  const sentAt = new Date().toISOString();
  // The record is what operators and webhooks see: a password rotation's secret is not kept in it.
  const record: CommandRecord = {
    commandId,
    identity,
    action,
    request: redactPayload(action, 'req', payload),
    messageId,
    status: 'sent',
    protocol: version,
    sentAt,
    ...(opts.requestedBy ? { requestedBy: opts.requestedBy } : {}),
    ...(opts.activation ? { activation: opts.activation } : {}),
  };
  return { record, frame: encodeCall(messageId, action, payload), connection, timeoutMs, waitForSlotMs: opts.waitForSlotMs ?? 5_000, wait: opts.wait !== false, activation: opts.activation, recorded: opts.wait !== false || !opts.activation };
}

/**
 * What taking the slot writes, in one transaction: the pending call (only if the charge point has
 * none, or its last one expired), the command record and the outgoing frame's log entry.
 */
function slotItems(p: PreparedCall, connection: ConnectionRecord, nowSec: number, alsoWrite: readonly TransactItem[] = []): TransactItem[] {
  const { record } = p;
  return [
    ...alsoWrite,
    {
      Put: {
        TableName: config().tableName,
        Item: {
          ...keys.pendingCall(record.identity),
          type: ENTITY.pendingCall,
          messageId: record.messageId,
          commandId: record.commandId,
          action: record.action,
          connectionId: connection.connectionId,
          expiresAt: nowSec + Math.ceil(p.timeoutMs / 1000) + 5,
          // The send time travels with the tag: the answer records it with its own (no extra write per charger).
          ...(p.activation ? { activation: { ...p.activation, sentAt: record.sentAt } } : {}),
          ...(p.recorded ? {} : { recorded: false }),
        },
        ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now',
        ExpressionAttributeValues: { ':now': nowSec },
      },
    },
    ...(p.recorded ? [{ Put: { TableName: config().tableName, Item: { ...keys.command(record.commandId), type: ENTITY.command, ...record } } }] : []),
    logPut({ identity: record.identity, at: record.sentAt, category: categoryOf(record.action), kind: 'call_out', action: record.action, messageId: record.messageId, frameOut: p.frame }),
  ];
}

/** How many items slotItems writes for a charge point besides what it is asked to also write. */
const slotItemCount = (p: PreparedCall) => (p.recorded ? 3 : 2);

/** Takes the charge point's single call slot, waiting in turn (OCPP-J: one outstanding CALL per direction); busy past the wait: 409. */
async function takeSlot(p: PreparedCall, connection: ConnectionRecord, alsoWrite: readonly TransactItem[] = []): Promise<void> {
  const slotDeadline = Date.now() + p.waitForSlotMs;
  for (;;) {
    const taken = await transactWrite(slotItems(p, connection, Math.floor(Date.now() / 1000), alsoWrite));
    if (!taken.cancelled) return;
    if (Date.now() > slotDeadline) {
      throw new Conflict(`Charge point ${p.record.identity} is busy with another command; try again in a few seconds`, { identity: p.record.identity });
    }
    await sleep(POLL_MS);
  }
}

/** Sends the CALL whose slot is taken; then waits for its answer unless told not to. */
async function dispatch(p: PreparedCall, connection: ConnectionRecord): Promise<CommandRecord> {
  const { record } = p;
  const sent = await postToConnection(connection.connectionId, p.frame).catch((err: unknown) => {
    log.error('postToConnection failed', { identity: record.identity, err });
    return false;
  });
  if (!sent) {
    await markDisconnected(connection, 'gone', new Date().toISOString()).catch((err: unknown) => log.warn('markDisconnected failed', { err }));
    return complete(record, { status: 'not_connected' }, p.recorded);
  }
  if (!p.wait) return record;

  const deadline = Date.now() + p.timeoutMs;
  for (let poll = 1; Date.now() < deadline; poll += 1) {
    await sleep(POLL_MS);
    const current = await getCommand(record.commandId);
    if (current && current.status !== 'sent') {
      await announce(current, connection);
      return current;
    }
    // A charger that went away will not answer on this connection: stop waiting (about once a
    // second) instead of holding the caller, or a stopping local runtime, for the whole timeout.
    if (poll % CONNECTION_CHECK_EVERY === 0 && !(await getConnection(connection.connectionId))) {
      return complete(record, { status: 'not_connected' });
    }
  }
  return complete(record, { status: 'timed_out' });
}

export async function callChargePoint(identity: string, action: string, payload: JsonObject, opts: CallOptions = {}): Promise<CommandRecord> {
  const p = await prepareCall(identity, action, payload, opts);
  if (!p.connection) return finishWithoutSending(p.record, 'not_connected', p.recorded);
  await takeSlot(p, p.connection);
  return dispatch(p, p.connection);
}

export interface FanOutCall {
  readonly identity: string;
  readonly action: string;
  readonly payload: JsonObject;
  readonly opts: CallOptions & { readonly wait: false };
  /** Written in the transaction that takes this charge point's slot, so it exists before the CALL goes out (a fan-out's own record of it). */
  readonly alsoWrite?: readonly TransactItem[];
}

/**
 * Items one slot transaction may hold (TransactWriteItems' limit): 3 per charge point (pending call,
 * command, log entry; 2 for an activation's send, which keeps no command record) plus what it also
 * writes, so 33 charge points, or 33 for an activation writing its target item too.
 * A fan-out's cost is then its answers: one transaction per 25–33 sends instead of one per send.
 */
export const MAX_TRANSACTION_ITEMS = 100;
/**
 * Slot transactions of one fan-out in flight at once. Each worker posts a batch's frames while the
 * next batch takes its slots; 16 keep the sends ahead of the answers, which arrive at once and also
 * write (`npm run bench -- --only powerbank`: with 4, half the 1,000 posts waited for answers' writes).
 */
const FANOUT_TRANSACTIONS_IN_FLIGHT = 16;

/**
 * Sends many commands without waiting for their answers (a fan-out: PowerBank activations), each to
 * its own charge point, exactly as callChargePoint with `wait: false` would, but taking the slots
 * of up to 33 charge points in one transaction. A charge point whose slot is busy (or whose batch
 * conflicted with another write) goes the single way, waiting for its slot in turn. Results are in
 * the order of `calls`: the command record, or the error callChargePoint would have thrown.
 */
export async function sendToChargePoints(calls: readonly FanOutCall[]): Promise<Array<PromiseSettledResult<CommandRecord>>> {
  const results = new Array<PromiseSettledResult<CommandRecord>>(calls.length);
  const settle = async (i: number, work: () => Promise<CommandRecord>) => {
    try {
      results[i] = { status: 'fulfilled', value: await work() };
    } catch (reason) {
      results[i] = { status: 'rejected', reason };
    }
  };
  type Ready = { i: number; p: PreparedCall; connection: ConnectionRecord; alsoWrite: readonly TransactItem[] };
  const ready: Ready[] = [];
  const single: Ready[] = [];
  const prepared = new Array<Ready | undefined>(calls.length);
  await Promise.all(
    calls.map((c, i) =>
      settle(i, async () => {
        const p = await prepareCall(c.identity, c.action, c.payload, c.opts);
        if (!p.connection) return finishWithoutSending(p.record, 'not_connected', p.recorded);
        prepared[i] = { i, p, connection: p.connection, alsoWrite: c.alsoWrite ?? [] };
        return p.record;
      }),
    ),
  );
  // In the order given (the caller's priority). One transaction may not touch an item twice: a
  // second command to the same charge point goes the single way, after the first.
  const seen = new Set<string>();
  for (const r of prepared) {
    if (!r) continue;
    (seen.has(r.p.record.identity) ? single : ready).push(r);
    seen.add(r.p.record.identity);
  }
  const chunks: Ready[][] = [];
  let size = 0;
  for (const r of ready) {
    const n = slotItemCount(r.p) + r.alsoWrite.length;
    if (!chunks.length || size + n > MAX_TRANSACTION_ITEMS) {
      chunks.push([]);
      size = 0;
    }
    chunks[chunks.length - 1]!.push(r);
    size += n;
  }
  let next = 0;
  const dispatches: Array<Promise<unknown>> = [];
  const worker = async () => {
    while (next < chunks.length) {
      let batch = chunks[next++]!;
      // A cancelled batch wrote nothing: the charge points that failed it go the single way, the rest try once more together.
      for (let attempt = 0; batch.length > 0; attempt += 1) {
        const nowSec = Math.floor(Date.now() / 1000);
        const items = batch.map((b) => slotItems(b.p, b.connection, nowSec, b.alsoWrite));
        const out = await transactWrite(items.flat()).catch((reason: unknown) => {
          for (const b of batch) results[b.i] = { status: 'rejected', reason };
          return undefined;
        });
        if (!out) break;
        if (!out.cancelled) {
          // Posted while the next batch takes its slots: a worker waits for its transaction, not for the posts.
          const sent = batch;
          dispatches.push(Promise.all(sent.map((b) => settle(b.i, () => dispatch(b.p, b.connection)))));
          break;
        }
        // The reasons come one per item, in order: find each charge point's own.
        const firstOf = items.map((_, j) => items.slice(0, j).reduce((n, x) => n + x.length, 0));
        const failed = batch.filter((_, j) => out.reasons.slice(firstOf[j], firstOf[j]! + items[j]!.length).some((r) => r !== 'None'));
        single.push(...(attempt === 0 ? failed : batch));
        batch = attempt === 0 ? batch.filter((b) => !failed.includes(b)) : [];
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(FANOUT_TRANSACTIONS_IN_FLIGHT, chunks.length) }, worker));
  await Promise.all(dispatches);
  // One charge point's commands in the order given, each waiting for the slot in turn; charge points in parallel.
  const byIdentity = new Map<string, Ready[]>();
  for (const b of single.sort((x, y) => x.i - y.i)) byIdentity.set(b.p.record.identity, [...(byIdentity.get(b.p.record.identity) ?? []), b]);
  await Promise.all(
    [...byIdentity.values()].map(async (queue) => {
      for (const b of queue) {
        await settle(b.i, async () => {
          await takeSlot(b.p, b.connection, b.alsoWrite);
          return dispatch(b.p, b.connection);
        });
      }
    }),
  );
  return results;
}

/** Settles a command that is still `sent` (timeout, gone) and frees the slot if it is still ours. */
async function complete(record: CommandRecord, patch: { status: CommandOutcome }, recorded = true): Promise<CommandRecord> {
  const completedAt = new Date().toISOString();
  if (!recorded) {
    await releaseSlot(record.identity, record.messageId);
    const final = { ...record, ...patch, completedAt };
    await announce(final);
    return final;
  }
  const result = await transactWrite([
    {
      Update: {
        TableName: config().tableName,
        Key: keys.command(record.commandId),
        UpdateExpression: 'SET #s = :s, completedAt = :at',
        ConditionExpression: '#s = :sent',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':s': patch.status, ':at': completedAt, ':sent': 'sent' },
      },
    },
  ]);
  await releaseSlot(record.identity, record.messageId);
  const final = result.cancelled ? ((await getCommand(record.commandId)) ?? record) : { ...record, ...patch, completedAt };
  await announce(final);
  return final;
}

async function finishWithoutSending(record: CommandRecord, status: 'not_connected', recorded = true): Promise<CommandRecord> {
  const final = { ...record, status, completedAt: record.sentAt };
  if (recorded) {
    await documentClient().send(
      new PutCommand({ TableName: config().tableName, Item: { ...keys.command(record.commandId), type: ENTITY.command, ...final } }),
    );
  }
  await announce(final);
  return final;
}

async function releaseSlot(identity: string, messageId: string): Promise<void> {
  await transactWrite([
    {
      Delete: {
        TableName: config().tableName,
        Key: keys.pendingCall(identity),
        ConditionExpression: 'messageId = :m',
        ExpressionAttributeValues: { ':m': messageId },
      },
    },
  ]);
}

async function announce(record: CommandRecord, connection?: ConnectionRecord): Promise<void> {
  const operatorId = connection?.operatorId ?? (await getIdentityGuard(record.identity))?.operatorId;
  if (!operatorId || record.status === 'sent') return;
  await publish([
    makeEvent('charge_point.command_completed', operatorId, {
      charge_point_identity: record.identity,
      command_id: record.commandId,
      action: record.action,
      outcome: record.status,
      ...(record.response ? { response: record.response } : {}),
    }),
  ]).catch((err: unknown) => log.error('publish command_completed failed', { err }));
}

function categoryOf(action: string) {
  return /Transaction/.test(action) ? ('transaction' as const) : ('ocpp_state' as const);
}

/** A charger's answer; `malformed`: a broken CALLRESULT/CALLERROR whose id could be read (codec.ts `answer`). */
type Response = Extract<Decoded, { kind: 'callresult' | 'callerror' }> | { readonly kind: 'malformed'; readonly messageId: string; readonly reason: string };

/**
 * A CALLRESULT/CALLERROR arrived on $default. Match it to the pending call, validate it against the
 * response schema of the action we sent, record the outcome and free the slot, all in one
 * transaction. Late or unknown answers are logged and dropped; nothing is ever sent back.
 */
export async function receiveCallResponse(conn: ConnectionRecord, frame: Response, raw: string, at: string): Promise<void> {
  const pendingOut = await documentClient().send(new GetCommand({ TableName: config().tableName, Key: keys.pendingCall(conn.identity), ConsistentRead: true }));
  const pending = pendingOut.Item as { messageId: string; commandId: string; action: string; activation?: ActivationTag; recorded?: false } | undefined;
  const base = { identity: conn.identity, at, kind: 'result_in' as const, messageId: frame.messageId, frameIn: raw };
  if (!pending || pending.messageId !== frame.messageId) {
    // An answer to nothing we asked is an invalid frame: counted, stored in full only within the connection's budget.
    await logInvalidFrame({ ...base, category: 'ocpp_state', detail: { unmatched: true } }, conn.connectionId);
    return;
  }
  let status: 'accepted' | 'partially_accepted' | 'rejected' | 'error';
  let response: JsonObject | undefined;
  let error: { code: string; description: string } | undefined;
  if (frame.kind === 'callresult') {
    const valid = validateResponse(conn.protocol, pending.action, frame.payload);
    if (valid.ok) {
      status = outcomeOf(frame.payload);
      response = redactPayload(pending.action, 'conf', frame.payload);
    } else {
      status = 'error';
      error = { code: valid.error.kind, description: `Invalid ${pending.action} response: ${valid.error.message}` };
    }
  } else if (frame.kind === 'malformed') {
    // Broken framing, not a CALLERROR: the command fails now instead of waiting for its timeout.
    status = 'error';
    error = { code: 'FormatViolation', description: `Malformed ${pending.action} response: ${frame.reason}` };
  } else {
    status = 'error';
    error = { code: frame.errorCode, description: frame.errorDescription };
  }
  const result = await transactWrite([
    // A command without a record (an activation's send) is settled by the pending call alone: its
    // delete below is conditional on this answer's message id.
    ...(pending.recorded === false
      ? []
      : [
          {
            Update: {
              TableName: config().tableName,
              Key: keys.command(pending.commandId),
              UpdateExpression: `SET #s = :s, completedAt = :at${response ? ', #r = :r' : ''}${error ? ', #e = :e' : ''}`,
              ConditionExpression: '#s = :sent',
              ExpressionAttributeNames: { '#s': 'status', ...(response ? { '#r': 'response' } : {}), ...(error ? { '#e': 'error' } : {}) },
              ExpressionAttributeValues: { ':s': status, ':at': at, ':sent': 'sent', ...(response ? { ':r': response } : {}), ...(error ? { ':e': error } : {}) },
            },
          },
        ]),
    {
      Delete: {
        TableName: config().tableName,
        Key: keys.pendingCall(conn.identity),
        ConditionExpression: 'messageId = :m',
        ExpressionAttributeValues: { ':m': frame.messageId },
      },
    },
    logPut({ ...base, category: categoryOf(pending.action), action: pending.action, detail: { commandId: pending.commandId, outcome: status, ...(error ? { error } : {}) } }),
    ...connectorFactWrites(conn, pending.action, response, at),
    // A PowerBank activation's profile or restore: the answer and its time land on the charger's item.
    ...(pending.activation ? [targetAnswerWrite(pending.activation, status === 'partially_accepted' ? 'accepted' : status, at, error ? `${error.code}: ${error.description}` : undefined)] : []),
  ]);
  if (result.cancelled) {
    // Beside, never over, the entry of an answer that counted (a duplicate can arrive in the same millisecond).
    await putLogEntry({ ...base, category: 'ocpp_state', action: pending.action, detail: { late: true, commandId: pending.commandId } }, {}, 'late');
  }
}
