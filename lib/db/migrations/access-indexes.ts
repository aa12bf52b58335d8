// Index attributes items made before issue #16 lack (AP-79). The #16 code writes them on every new
// item; items written by older code are found only through their base-table keys until this runs:
// - operators: gsi1 `OPERATORS` (AP-65: `npm run admin -- list-operators` misses them);
// - sites: gsi1 `SITE#{siteId}` (AP-70: not found as locations, so GET /api/v1/locations/{id} is 404);
// - projects: gsi2 `SITE#{siteId}#PROJECTS` (AP-78: a location shows none of its chargers);
// - API keys: gsi1 `OP#{operatorId}#APIKEYS` (AP-60: not listed; a key gets them at its next use
//   as well, AP-61, but a key nobody uses must still be listed so it can be revoked).
//
// Run by `npm run admin -- migrate` after deploying and by `npm start` at boot (lib/db/migrations/index.ts).
// Idempotent and safe while traffic runs: each item is updated with `SET` of its index attributes
// only while they are absent (`attribute_not_exists`), so an item written or touched meanwhile by the
// current code is left as it is, and a second run finds nothing to do.
//
// Teams made before #16 have an `ownerEmail` and no owner member. The migration makes nobody owner
// (docs/access.md, "Teams made before #16"): the operator invites the owner
// (POST /api/v1/operator/teams/{team_id}/owner-invitation).
import { ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../../aws/clients';
import { config } from '../../config';
import { ENTITY, keys } from '../keys';

export interface AccessIndexesReport {
  readonly operators: number;
  readonly sites: number;
  readonly projects: number;
  readonly apiKeys: number;
}

type Backfill = { readonly report: keyof AccessIndexesReport; readonly index: 'gsi1' | 'gsi2'; readonly attributes: (item: Record<string, unknown>) => Record<string, string> };

/** What each entity type lacks, and the attributes the current code would have written. */
const BACKFILLS: Readonly<Record<string, Backfill>> = {
  [ENTITY.operator]: { report: 'operators', index: 'gsi1', attributes: (i) => keys.operatorInList(String(i.createdAt), String(i.operatorId)) },
  [ENTITY.site]: { report: 'sites', index: 'gsi1', attributes: (i) => keys.siteById(String(i.siteId)) },
  [ENTITY.project]: { report: 'projects', index: 'gsi2', attributes: (i) => keys.projectBySite(String(i.siteId), String(i.createdAt), String(i.projectId)) },
  [ENTITY.apiKey]: { report: 'apiKeys', index: 'gsi1', attributes: (i) => keys.apiKeyByOperator(String(i.operatorId), String(i.createdAt), String(i.keyId)) },
};

const conditionFailed = (err: unknown) => (err as { name?: string }).name === 'ConditionalCheckFailedException';

/** Sets the index attributes while the item still lacks them; false when it has them (or is gone). */
async function backfill(item: Record<string, unknown>, b: Backfill): Promise<boolean> {
  const attrs = b.attributes(item);
  const names = Object.keys(attrs);
  try {
    await documentClient().send(
      new UpdateCommand({
        TableName: config().tableName,
        Key: { pk: item.pk, sk: item.sk },
        UpdateExpression: `SET ${names.map((n, i) => `#a${i} = :a${i}`).join(', ')}`,
        ConditionExpression: `attribute_exists(pk) AND attribute_not_exists(#a0)`,
        ExpressionAttributeNames: Object.fromEntries(names.map((n, i) => [`#a${i}`, n])),
        ExpressionAttributeValues: Object.fromEntries(names.map((n, i) => [`:a${i}`, attrs[n]])),
      }),
    );
    return true;
  } catch (err) {
    if (conditionFailed(err)) return false;
    throw err;
  }
}

/** AP-79: one paged Scan for operators, sites, projects and API keys without their #16 index attributes. */
export async function migrateAccessIndexes(): Promise<AccessIndexesReport> {
  const report = { operators: 0, sites: 0, projects: 0, apiKeys: 0 };
  let start: Record<string, unknown> | undefined;
  do {
    const out = await documentClient().send(
      new ScanCommand({
        TableName: config().tableName,
        FilterExpression: '(#t IN (:op, :key, :site) AND attribute_not_exists(gsi1pk)) OR (#t = :project AND attribute_not_exists(gsi2pk))',
        ExpressionAttributeNames: { '#t': 'type' },
        ExpressionAttributeValues: { ':op': ENTITY.operator, ':key': ENTITY.apiKey, ':site': ENTITY.site, ':project': ENTITY.project },
        ExclusiveStartKey: start,
      }),
    );
    for (const item of out.Items ?? []) {
      const b = BACKFILLS[String(item.type)];
      if (b && (await backfill(item, b))) report[b.report] += 1;
    }
    start = out.LastEvaluatedKey;
  } while (start);
  return report;
}
