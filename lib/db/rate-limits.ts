// Fixed-window request counters in the single table (Lambdas are stateless, so counters cannot
// live in memory). One conditional UpdateItem per request: it counts and refuses in one step, so
// concurrent requests cannot both slip under the limit.
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../aws/clients';
import { config } from '../config';
import { ENTITY, keys } from './keys';

export interface WindowHit {
  /** False when this request is over the limit (it was not counted). */
  readonly allowed: boolean;
  /** Seconds until the current window ends. */
  readonly retryAfterSeconds: number;
}

/** Counts one request of `action` by `subject` in the current window of `windowSeconds`, unless `limit` is reached. */
export async function hitWindow(action: string, subject: string, limit: number, windowSeconds: number, nowMs = Date.now()): Promise<WindowHit> {
  const now = Math.floor(nowMs / 1000);
  const windowStart = now - (now % windowSeconds);
  const windowEnd = windowStart + windowSeconds;
  const retryAfterSeconds = Math.max(1, windowEnd - now);
  try {
    await documentClient().send(
      new UpdateCommand({
        TableName: config().tableName,
        Key: keys.rateLimit(action, subject, windowStart),
        UpdateExpression: 'SET #c = if_not_exists(#c, :zero) + :one, expiresAt = :end, #t = :type',
        ConditionExpression: 'attribute_not_exists(#c) OR #c < :limit',
        ExpressionAttributeNames: { '#c': 'count', '#t': 'type' },
        ExpressionAttributeValues: { ':zero': 0, ':one': 1, ':limit': limit, ':end': windowEnd, ':type': ENTITY.rateLimit },
      }),
    );
    return { allowed: true, retryAfterSeconds };
  } catch (err) {
    if ((err as { name?: string }).name === 'ConditionalCheckFailedException') return { allowed: false, retryAfterSeconds };
    throw err;
  }
}
