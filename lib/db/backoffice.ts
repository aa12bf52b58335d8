// A charger's backoffice connection (issue #17 §3, docs/site-devices.md): one item per charge point
// in its own partition (`CP#{id}` / `BACKOFFICE`), pending until the operator asked accepts it. The
// billing copy on the charge point item (`billing`) and the departure (`departed`) are written in the
// same transactions as this item, so the session hot path never reads it. ACCESS_PATTERNS.md AP-100–AP-104.
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../aws/clients';
import { transactWrite, type TransactItem } from '../aws/transact';
import { config } from '../config';
import { ENTITY, keys } from './keys';
import { queryAll } from './query';

export const BACKOFFICE_ROLES = ['billing', 'monitoring'] as const;
export type BackofficeRole = (typeof BACKOFFICE_ROLES)[number];

export interface BackofficeConnection {
  readonly chargePointId: string;
  /** The operator asked (the one whose backoffice the charger joins). */
  readonly operatorId: string;
  readonly role: BackofficeRole;
  readonly status: 'pending' | 'connected';
  /** The location's operator, which keeps ownership of the charger. */
  readonly locationOperatorId: string;
  readonly siteId: string;
  /** Shown to the operator asked, so it knows what it accepts (copied at request time). */
  readonly locationName: string;
  readonly serialNumber: string | null;
  readonly requestedBy: string;
  readonly requestedAt: string;
  readonly acceptedAt?: string;
  /** Billing only: the connected operator's price group new sessions are priced with. */
  readonly priceGroupId?: string;
}

/** AP-100: the connection of a charger (strongly consistent for the location's and the operator's changes). */
export async function getBackofficeConnection(chargePointId: string, consistent = false): Promise<BackofficeConnection | undefined> {
  const out = await documentClient().send(new GetCommand({ TableName: config().tableName, Key: keys.backofficeConnection(chargePointId), ConsistentRead: consistent }));
  return out.Item as BackofficeConnection | undefined;
}

/** AP-101: a new request, only while the charger has none and has not left. False when either holds. */
export async function putBackofficeRequest(c: BackofficeConnection): Promise<boolean> {
  const outcome = await transactWrite([
    {
      Put: {
        TableName: config().tableName,
        Item: { ...keys.backofficeConnection(c.chargePointId), ...keys.backofficeConnectionByOperator(c.operatorId, c.requestedAt, c.chargePointId), type: ENTITY.backofficeConnection, ...c },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    {
      ConditionCheck: {
        TableName: config().tableName,
        Key: keys.chargePoint(c.chargePointId),
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(departed)',
      },
    },
  ]);
  return !outcome.cancelled;
}

/** AP-102: the operator's requests and connected chargers, oldest first. */
export async function listBackofficeConnectionsOfOperator(operatorId: string): Promise<BackofficeConnection[]> {
  return queryAll<BackofficeConnection>({
    TableName: config().tableName,
    IndexName: 'gsi1',
    KeyConditionExpression: 'gsi1pk = :pk',
    ExpressionAttributeValues: { ':pk': keys.backofficeConnectionsOfOperator(operatorId).gsi1pk },
  });
}

/**
 * AP-103: the operator asked accepts (conditional on the request still pending and addressed to it);
 * a billing connection also sets the charge point's `billing` copy in the same transaction.
 */
export async function acceptBackofficeRequest(c: BackofficeConnection, at: string, priceGroupId: string | undefined): Promise<boolean> {
  const items: TransactItem[] = [
    {
      Update: {
        TableName: config().tableName,
        Key: keys.backofficeConnection(c.chargePointId),
        UpdateExpression: `SET #s = :connected, acceptedAt = :at${priceGroupId ? ', priceGroupId = :pg' : ''}`,
        ConditionExpression: '#s = :pending AND operatorId = :op',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':connected': 'connected', ':pending': 'pending', ':op': c.operatorId, ':at': at, ...(priceGroupId ? { ':pg': priceGroupId } : {}) },
      },
    },
  ];
  if (c.role === 'billing' && priceGroupId) {
    items.push({
      Update: {
        TableName: config().tableName,
        Key: keys.chargePoint(c.chargePointId),
        UpdateExpression: 'SET billing = :b, updatedAt = :at',
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(departed)',
        ExpressionAttributeValues: { ':b': { operatorId: c.operatorId, priceGroupId, since: at }, ':at': at },
      },
    });
  }
  return !(await transactWrite(items)).cancelled;
}

/**
 * AP-104: a connection ends (the location disconnects or withdraws, the operator declines): the item
 * is deleted, conditional on the operator and status read, and the charge point's `billing` copy goes
 * with it in the same transaction. False when the connection changed meanwhile.
 */
export async function deleteBackofficeConnection(c: BackofficeConnection, at: string): Promise<boolean> {
  const outcome = await transactWrite([
    {
      Delete: {
        TableName: config().tableName,
        Key: keys.backofficeConnection(c.chargePointId),
        ConditionExpression: '#s = :s AND operatorId = :op',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':s': c.status, ':op': c.operatorId },
      },
    },
    {
      Update: {
        TableName: config().tableName,
        Key: keys.chargePoint(c.chargePointId),
        UpdateExpression: 'REMOVE billing SET updatedAt = :at',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':at': at },
      },
    },
  ]);
  return !outcome.cancelled;
}

/**
 * AP-104: the charger has moved to an external backoffice: `departed` on the charge point, and any
 * operator connection (and its billing copy) ends with it, in one transaction.
 */
export async function recordDeparture(chargePointId: string, departed: { url: string; at: string }): Promise<void> {
  await transactWrite([
    {
      Update: {
        TableName: config().tableName,
        Key: keys.chargePoint(chargePointId),
        UpdateExpression: 'SET departed = :d, updatedAt = :at REMOVE billing',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':d': departed, ':at': departed.at },
      },
    },
    { Delete: { TableName: config().tableName, Key: keys.backofficeConnection(chargePointId) } },
  ]).then((o) => {
    if (o.cancelled) throw new Error(`departure of ${chargePointId} not recorded: ${o.reasons.join(', ')}`);
  });
}
