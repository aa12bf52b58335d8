// The chargers operators ship, loaded by serial + PIN (issue #17, docs/site-devices.md §1), and the
// wrong serial + PIN attempts that lock them. ACCESS_PATTERNS.md AP-81 – AP-85.
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../aws/clients';
import { transactWrite, type TransactItem } from '../aws/transact';
import { config } from '../config';
import { ENTITY, keys, type Key } from './keys';
import { queryPrefixPage } from './query';

export interface Device {
  readonly operatorId: string;
  /** Canonical (ocpp/credentials.ts canonicalIdentity): what the keys and the OCPP identity use. */
  readonly serial: string;
  /** As the operator loaded it. */
  readonly displaySerial: string;
  /** lib/auth/passwords.ts hashUserPassword of the PIN; never leaves this module's callers' views. */
  readonly pinHash: string;
  readonly vendor: string;
  readonly model: string;
  readonly protocol: 'ocpp1.6' | 'ocpp2.0.1';
  readonly connectors: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export type NewDeviceValues = Omit<Device, 'createdAt' | 'updatedAt'>;

const conditionFailed = (err: unknown) => (err as { name?: string }).name === 'ConditionalCheckFailedException';

/**
 * AP-81 + AP-82: loads devices in ONE transaction (≤ 50 devices: two items each), so a file is all
 * or nothing even against another operator loading one of its serials at the same moment. Per
 * device: the serial's guard, put unless another operator holds it; the catalogue item, created or
 * updated (its `createdAt` kept). Answers the serials another operator holds, or which were new.
 */
export async function putDevices(devices: readonly NewDeviceValues[], at: string): Promise<{ taken: string[] } | { created: string[] }> {
  const guards = await Promise.all(devices.map((d) => getDeviceGuard(d.serial)));
  const items: TransactItem[] = devices.flatMap((d): TransactItem[] => [
    {
      Put: {
        TableName: config().tableName,
        Item: { ...keys.deviceGuard(d.serial), type: ENTITY.deviceGuard, serial: d.serial, operatorId: d.operatorId },
        ConditionExpression: 'attribute_not_exists(pk) OR operatorId = :op',
        ExpressionAttributeValues: { ':op': d.operatorId },
      },
    },
    {
      Update: {
        TableName: config().tableName,
        Key: keys.device(d.operatorId, d.serial),
        UpdateExpression:
          'SET #t = :type, operatorId = :op, serial = :serial, displaySerial = :display, pinHash = :hash, vendor = :vendor, model = :model, protocol = :protocol, connectors = :connectors, updatedAt = :at, createdAt = if_not_exists(createdAt, :at)',
        ExpressionAttributeNames: { '#t': 'type' },
        ExpressionAttributeValues: {
          ':type': ENTITY.device,
          ':op': d.operatorId,
          ':serial': d.serial,
          ':display': d.displaySerial,
          ':hash': d.pinHash,
          ':vendor': d.vendor,
          ':model': d.model,
          ':protocol': d.protocol,
          ':connectors': d.connectors,
          ':at': at,
        },
      },
    },
  ]);
  const result = await transactWrite(items);
  if (!result.cancelled) return { created: devices.filter((_d, i) => !guards[i]).map((d) => d.serial) };
  const taken = devices.filter((_d, i) => result.reasons[2 * i] === 'ConditionalCheckFailed').map((d) => d.serial);
  // Cancelled for another reason (a conflicting concurrent transaction on the same items): the caller retries.
  if (!taken.length) throw new Error(`Loading devices was cancelled: ${result.reasons.join(', ')}`);
  return { taken };
}

/** AP-81: who loaded a serial (strongly consistent: the add-by-PIN path must see a load at once). */
export async function getDeviceGuard(serial: string): Promise<{ operatorId: string } | undefined> {
  const out = await documentClient().send(new GetCommand({ TableName: config().tableName, Key: keys.deviceGuard(serial), ConsistentRead: true }));
  return out.Item as { operatorId: string } | undefined;
}

/** AP-82 */
export async function getDevice(operatorId: string, serial: string): Promise<Device | undefined> {
  const out = await documentClient().send(new GetCommand({ TableName: config().tableName, Key: keys.device(operatorId, serial), ConsistentRead: true }));
  return out.Item as Device | undefined;
}

/** AP-83: an operator's catalogue by serial, one page. */
export async function listDevices(operatorId: string, limit: number, cursor?: string): Promise<{ items: Device[]; nextCursor: string | null }> {
  return queryPrefixPage<Device>(keys.devicesOfOperator(operatorId), limit, cursor);
}

// --- Wrong attempts ---------------------------------------------------------------------------------

/** A counter of wrong attempts: a window that starts with its first failure, and a lock once it reached its limit. */
export interface PinFailures {
  readonly count: number;
  /** Epoch ms of the window's first failure. */
  readonly windowStart: number;
  /** Epoch ms until which the subject is locked. */
  readonly lockedUntil?: number;
}

/** AP-84: the counters of one attempt (strongly consistent: a lock holds at once). */
export async function getPinFailures(key: Key): Promise<PinFailures | undefined> {
  const out = await documentClient().send(new GetCommand({ TableName: config().tableName, Key: key, ConsistentRead: true }));
  return out.Item as PinFailures | undefined;
}

/**
 * AP-85: counts one wrong attempt; at `limit` within `windowMs` of the window's first failure, locks
 * for `lockMs` from now. Conditional updates, no read first, so concurrent attempts cannot both slip
 * under the limit: one increments a live window, else one starts a new window (a window older than
 * `windowMs` starts again at 1; a lock outlives it, being its own attribute). TTL: the window's end,
 * or the lock's end once locked. DynamoDB Local never deletes expired items; readers compare times.
 */
export async function countPinFailure(key: Key, limit: number, windowMs: number, lockMs: number, nowMs: number): Promise<PinFailures> {
  const cutoff = nowMs - windowMs;
  const table = config().tableName;
  let counted: PinFailures | undefined;
  for (let attempt = 0; attempt < 3 && !counted; attempt += 1) {
    try {
      const out = await documentClient().send(
        new UpdateCommand({
          TableName: table,
          Key: key,
          UpdateExpression: 'SET #c = #c + :one',
          ConditionExpression: 'windowStart > :cutoff',
          ExpressionAttributeNames: { '#c': 'count' },
          ExpressionAttributeValues: { ':one': 1, ':cutoff': cutoff },
          ReturnValues: 'ALL_NEW',
        }),
      );
      counted = out.Attributes as PinFailures;
    } catch (err) {
      if (!conditionFailed(err)) throw err;
      try {
        const out = await documentClient().send(
          new UpdateCommand({
            TableName: table,
            Key: key,
            UpdateExpression: 'SET #c = :one, windowStart = :now, expiresAt = :end, #t = :type',
            ConditionExpression: 'attribute_not_exists(pk) OR windowStart <= :cutoff',
            ExpressionAttributeNames: { '#c': 'count', '#t': 'type' },
            ExpressionAttributeValues: { ':one': 1, ':now': nowMs, ':cutoff': cutoff, ':end': Math.ceil((nowMs + windowMs) / 1000), ':type': ENTITY.pinFailures },
            ReturnValues: 'ALL_NEW',
          }),
        );
        counted = out.Attributes as PinFailures;
      } catch (again) {
        // Another attempt started the window meanwhile: count in it.
        if (!conditionFailed(again)) throw again;
      }
    }
  }
  if (!counted) throw new Error('Could not count a wrong serial + PIN attempt');
  if (counted.count < limit) return counted;
  const until = nowMs + lockMs;
  try {
    // Only a lock that is not running: a concurrent 6th attempt does not push the end further.
    await documentClient().send(
      new UpdateCommand({
        TableName: table,
        Key: key,
        UpdateExpression: 'SET lockedUntil = :until, expiresAt = :end',
        ConditionExpression: 'attribute_not_exists(lockedUntil) OR lockedUntil <= :now',
        ExpressionAttributeValues: { ':until': until, ':end': Math.ceil(until / 1000), ':now': nowMs },
      }),
    );
    return { ...counted, lockedUntil: until };
  } catch (err) {
    if (!conditionFailed(err)) throw err;
    return (await getPinFailures(key)) ?? { ...counted, lockedUntil: until };
  }
}
