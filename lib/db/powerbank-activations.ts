// PowerBank activations (issue #19, "Activations"): the activation, its external-id guard, and one
// item per charger it asked. Keys in keys.ts; queries AP-127–AP-134 in ACCESS_PATTERNS.md.
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../aws/clients';
import { transactWrite, type TransactItem } from '../aws/transact';
import { config } from '../config';
import type { Zone } from '../domain/powerbank/zones';
import { ENTITY, keys } from './keys';
import { queryAll } from './query';

export const ACTIVATION_STATUSES = ['scheduled', 'starting', 'active', 'ending', 'ended'] as const;
export type ActivationStatus = (typeof ACTIVATION_STATUSES)[number];

/** What the caller asked, as given (the idempotency fingerprint is over this). */
export interface ActivationRequest {
  readonly external_id: string;
  readonly zone: Zone;
  readonly direction: 'up';
  readonly power_kw?: number | undefined;
  readonly share?: number | undefined;
  readonly start?: string | undefined;
  readonly duration_s: number;
}

export interface ActivationStart {
  readonly at: string;
  /** Enrolled chargers in the zone (AP-122) and how many of them were charging (the targets). */
  readonly enrolled: number;
  readonly asked: number;
  /** The targets' estimated present power, summed. */
  readonly presentW: number;
  readonly requestedW: number;
  /** What the limits sent plan to shed (≥ requested unless the targets cannot give it). */
  readonly plannedShedW: number;
  readonly shortfallW: number;
}

export interface Activation {
  readonly activationId: string;
  readonly operatorId: string;
  readonly externalId: string;
  /** SHA-256 of the request as given: the same external id with another body is a 409. */
  readonly fingerprint: string;
  readonly request: ActivationRequest;
  readonly zone: Zone;
  readonly startAt: string;
  readonly endAt: string;
  readonly status: ActivationStatus;
  readonly createdBy: string;
  readonly createdAt: string;
  readonly started?: ActivationStart;
  readonly ended?: { readonly at: string; readonly restoreAsked: number };
  readonly updatedAt: string;
}

export type ActivationStep = 'limit' | 'restore';

/** What a command sent for an activation carries, so its answer lands on the charger's item (commands.ts). */
export interface ActivationTag {
  readonly activationId: string;
  readonly chargePointId: string;
  readonly step: ActivationStep;
  /** When the command was recorded (set by callChargePoint on the pending call). */
  readonly sentAt?: string;
}

export type TargetOutcome = 'accepted' | 'rejected' | 'error' | 'not_connected' | 'not_sent';

export interface ActivationTarget {
  readonly activationId: string;
  readonly chargePointId: string;
  readonly identity: string;
  readonly protocol: 'ocpp1.6' | 'ocpp2.0.1';
  readonly siteId: string;
  readonly transactionId: string;
  /** 1.6 connector, 2.0.1 EVSE of the running transaction. */
  readonly connectorId: number;
  readonly presentW: number;
  /** Where presentW came from: the session's energy register, the power planner's limit, the rating. */
  readonly presentSource: 'meter' | 'planner_limit' | 'rated';
  readonly phases: number;
  readonly voltageV: number;
  readonly limitA: number;
  readonly unit: 'A' | 'W';
  readonly value: number;
  readonly plannedShedW: number;
  readonly limitSentAt?: string;
  readonly limitOutcome?: TargetOutcome;
  readonly limitAnsweredAt?: string;
  readonly limitError?: string;
  readonly restoreSentAt?: string;
  readonly restoreOutcome?: TargetOutcome;
  readonly restoreAnsweredAt?: string;
  readonly restoreError?: string;
}

const table = () => config().tableName;

/**
 * How long a start or an end may run before the tick takes it over (a crashed or timed-out run):
 * above the event function's 1-minute timeout, so a run in progress is never taken over.
 */
export const ACTIVATION_LEASE_MS = 2 * 60_000;

function activationItem(a: Activation) {
  const lease = () => new Date(Date.parse(a.updatedAt) + ACTIVATION_LEASE_MS).toISOString();
  const waiting = a.status === 'scheduled' ? a.startAt : a.status === 'active' ? a.endAt : a.status === 'ended' ? undefined : lease();
  return {
    ...keys.powerbankActivation(a.operatorId, a.activationId),
    ...keys.powerbankActivationListed(a.operatorId, a.createdAt, a.activationId),
    ...(waiting ? keys.powerbankActivationDue(waiting, a.activationId) : {}),
    type: ENTITY.powerbankActivation,
    ...a,
  };
}

function strip(item: Record<string, unknown> | undefined): Activation | undefined {
  if (!item) return undefined;
  const { pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _g1s, gsi2pk: _g2, gsi2sk: _g2s, type: _t, ...a } = item;
  return a as unknown as Activation;
}

/**
 * AP-127: a new activation and its external-id guard, in one transaction: of two requests with the
 * same external id, one creates and the other reads the winner. Undefined when the id was taken.
 */
export async function createActivation(a: Activation): Promise<{ created: true } | { created: false; activationId: string | undefined }> {
  const result = await transactWrite([
    {
      Put: {
        TableName: table(),
        Item: { ...keys.powerbankActivationExternalId(a.operatorId, a.externalId), type: ENTITY.powerbankActivationExternalId, activationId: a.activationId, fingerprint: a.fingerprint },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    { Put: { TableName: table(), Item: activationItem(a), ConditionExpression: 'attribute_not_exists(pk)' } },
  ]);
  if (!result.cancelled) return { created: true };
  const guard = await documentClient().send(new GetCommand({ TableName: table(), Key: keys.powerbankActivationExternalId(a.operatorId, a.externalId), ConsistentRead: true }));
  return { created: false, activationId: guard.Item?.activationId as string | undefined };
}

/** AP-127: one activation of the operator (strongly consistent). */
export async function getActivation(operatorId: string, activationId: string): Promise<Activation | undefined> {
  const out = await documentClient().send(new GetCommand({ TableName: table(), Key: keys.powerbankActivation(operatorId, activationId), ConsistentRead: true }));
  return strip(out.Item);
}

/**
 * AP-127: moves an activation from one status to the next, conditional on the status and the
 * `updatedAt` read, so the tick and the start event never both start (or end) one, and two ticks
 * never both take over a stalled one. The due key follows the status (a lease while starting or
 * ending). Undefined when another run moved it first.
 */
export async function moveActivation(a: Activation, from: ActivationStatus, patch: Partial<Pick<Activation, 'status' | 'started' | 'ended'>>, at: string): Promise<Activation | undefined> {
  const next: Activation = { ...a, ...patch, updatedAt: at };
  try {
    await documentClient().send(
      new PutCommand({
        TableName: table(),
        Item: activationItem(next),
        ConditionExpression: '#s = :from AND updatedAt = :u',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':from': from, ':u': a.updatedAt },
      }),
    );
    return next;
  } catch (err) {
    if ((err as { name?: string }).name === 'ConditionalCheckFailedException') return undefined;
    throw err;
  }
}

/** AP-128: an operator's activations, newest first. */
export async function listActivations(operatorId: string, limit: number): Promise<Activation[]> {
  const out = await documentClient().send(
    new QueryCommand({ TableName: table(), IndexName: 'gsi2', KeyConditionExpression: 'gsi2pk = :pk', ExpressionAttributeValues: { ':pk': keys.powerbankActivationsOf(operatorId).gsi2pk }, ScanIndexForward: false, Limit: limit }),
  );
  return (out.Items ?? []).map((i) => strip(i)!);
}

/** AP-129: activations whose start or end is due (the sparse due key), oldest first. */
export async function listDueActivations(nowIso: string): Promise<Array<{ operatorId: string; activationId: string }>> {
  const items = await queryAll<{ operatorId: string; activationId: string }>({
    TableName: table(),
    IndexName: 'gsi1',
    KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk <= :now',
    ExpressionAttributeValues: { ':pk': keys.powerbankActivationsDue().gsi1pk, ':now': `${nowIso}#~` },
  });
  return items.map((i) => ({ operatorId: i.operatorId, activationId: i.activationId }));
}

/**
 * AP-130: a charger an activation asks, as a write: the fan-out puts it in the transaction that takes
 * the charger's call slot (ocpp/commands.ts sendToChargePoints), so it exists before its profile goes
 * out and every answer has an item to land on, at no extra request.
 */
export function targetPut(t: ActivationTarget): TransactItem {
  return { Put: { TableName: table(), Item: { ...keys.powerbankActivationTarget(t.activationId, t.chargePointId), type: ENTITY.powerbankActivationTarget, ...t } } };
}

/** AP-130: chargers an activation asked whose profile did not go out (with why): written 25 a transaction. */
export async function putTargets(targets: readonly ActivationTarget[]): Promise<void> {
  const CHUNK = 25;
  const chunks: ActivationTarget[][] = [];
  for (let i = 0; i < targets.length; i += CHUNK) chunks.push(targets.slice(i, i + CHUNK));
  // Transactions of 25 rather than BatchWrite: no unprocessed items to retry by hand; 8 at once, so
  // 1,000 targets are written in a few round trips before the first profile goes out.
  let next = 0;
  const worker = async () => {
    while (next < chunks.length) {
      const chunk = chunks[next++]!;
      await transactWrite(chunk.map(targetPut));
    }
  };
  await Promise.all(Array.from({ length: Math.min(8, chunks.length) }, worker));
}

/** AP-131: every charger an activation asked (its report, its restore). */
export async function listTargets(activationId: string): Promise<ActivationTarget[]> {
  const k = keys.powerbankActivationTargetsOf(activationId);
  const items = await queryAll<ActivationTarget & { pk?: string; sk?: string; type?: string }>({
    TableName: table(),
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
    ExpressionAttributeValues: { ':pk': k.pk, ':p': k.skPrefix },
    ConsistentRead: true,
  });
  return items.map(({ pk: _pk, sk: _sk, type: _t, ...t }) => t as ActivationTarget);
}

/** AP-132: what the sender knows of one step: why it was not sent (a sent one's time comes with its answer). */
export async function recordTargetSend(tag: ActivationTag, patch: { sentAt?: string; outcome?: TargetOutcome; error?: string }): Promise<void> {
  const fields: Array<[string, string, string | undefined]> = [
    [`${tag.step}SentAt`, ':sent', patch.sentAt],
    [`${tag.step}Outcome`, ':o', patch.outcome],
    [`${tag.step}Error`, ':e', patch.error],
  ];
  const given = fields.filter(([, , v]) => v !== undefined);
  if (!given.length) return;
  const set = given.map(([name, ref]) => `${name} = ${ref}`);
  const values = Object.fromEntries(given.map(([, ref, v]) => [ref, v]));
  await documentClient().send(
    new UpdateCommand({ TableName: table(), Key: keys.powerbankActivationTarget(tag.activationId, tag.chargePointId), UpdateExpression: `SET ${set.join(', ')}`, ExpressionAttributeValues: values }),
  );
}

/**
 * AP-132: the charger's answer, as a write inside the transaction that settles its command
 * (ocpp/commands.ts receiveCallResponse): recorded once, when the CALLRESULT/CALLERROR arrives.
 */
export function targetAnswerWrite(tag: ActivationTag, outcome: TargetOutcome, at: string, error?: string): TransactItem {
  return {
    Update: {
      TableName: table(),
      Key: keys.powerbankActivationTarget(tag.activationId, tag.chargePointId),
      UpdateExpression: `SET ${tag.step}Outcome = :o, ${tag.step}AnsweredAt = :at${error ? `, ${tag.step}Error = :e` : ''}${tag.sentAt ? `, ${tag.step}SentAt = :sent` : ''}`,
      ExpressionAttributeValues: { ':o': outcome, ':at': at, ...(error ? { ':e': error } : {}), ...(tag.sentAt ? { ':sent': tag.sentAt } : {}) },
    },
  };
}
