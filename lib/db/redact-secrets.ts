// One-shot migration: rewrite stored log entries and command records that still hold a charger
// password from before secrets were redacted on write (lib/ocpp/secrets.ts). Idempotent: an item
// with nothing to redact is left alone, so running it again (every local start) costs one Scan.
// On AWS run `npm run redact-stored-secrets` once after deploying (docs/deploy.md).
import { ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../aws/clients';
import { config } from '../config';
import type { JsonObject } from '../ocpp/codec';
import { redactFrame, redactPayload } from '../ocpp/secrets';
import { ENTITY } from './keys';

export interface RedactionReport {
  readonly scanned: number;
  readonly rewritten: number;
}

interface Stored {
  pk: string;
  sk: string;
  type: string;
  action?: string;
  frameIn?: string;
  frameOut?: string;
  request?: JsonObject;
  response?: JsonObject;
}

/** The attributes of `item` that change once redacted (empty when it holds no secret). */
function redactedAttributes(item: Stored): Record<string, unknown> {
  const changed: Record<string, unknown> = {};
  if (item.type === ENTITY.logEntry) {
    for (const field of ['frameIn', 'frameOut'] as const) {
      const text = item[field];
      if (typeof text !== 'string') continue;
      const redacted = redactFrame(text, item.action);
      if (redacted !== text) changed[field] = redacted;
    }
  } else if (item.type === ENTITY.command && item.action) {
    if (item.request && redactPayload(item.action, 'req', item.request) !== item.request) changed.request = redactPayload(item.action, 'req', item.request);
    if (item.response && redactPayload(item.action, 'conf', item.response) !== item.response) changed.response = redactPayload(item.action, 'conf', item.response);
  }
  return changed;
}

/** AP-29: scans the table for log entries and command records and redacts the secrets they hold. */
export async function redactStoredSecrets(): Promise<RedactionReport> {
  let scanned = 0;
  let rewritten = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const out = await documentClient().send(
      new ScanCommand({
        TableName: config().tableName,
        FilterExpression: '#t IN (:log, :cmd)',
        ExpressionAttributeNames: { '#t': 'type' },
        ExpressionAttributeValues: { ':log': ENTITY.logEntry, ':cmd': ENTITY.command },
        ExclusiveStartKey: start,
      }),
    );
    for (const item of (out.Items ?? []) as Stored[]) {
      scanned++;
      const changed = redactedAttributes(item);
      const names = Object.keys(changed);
      if (names.length === 0) continue;
      await documentClient().send(
        new UpdateCommand({
          TableName: config().tableName,
          Key: { pk: item.pk, sk: item.sk },
          UpdateExpression: `SET ${names.map((n, i) => `#f${i} = :v${i}`).join(', ')}`,
          // An item that expired and was deleted meanwhile is not recreated.
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: Object.fromEntries(names.map((n, i) => [`#f${i}`, n])),
          ExpressionAttributeValues: Object.fromEntries(names.map((n, i) => [`:v${i}`, changed[n]])),
        }),
      );
      rewritten++;
    }
    start = out.LastEvaluatedKey;
  } while (start);
  return { scanned, rewritten };
}
