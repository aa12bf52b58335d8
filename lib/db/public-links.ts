// Public job links (issue #14): one item per link, keyed by the SHA-256 of its token, so a public
// request finds its link with one strongly consistent GetItem and a revoke works at once. The token
// itself is never stored. A project's links are listed through gsi1 (AP-38, AP-39).
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../aws/clients';
import { config } from '../config';
import { ENTITY, keys } from './keys';
import { queryAll } from './query';

export interface PublicLink {
  readonly linkId: string;
  readonly projectId: string;
  readonly operatorId: string;
  /** SHA-256 of the token, base64url. */
  readonly tokenHash: string;
  readonly createdAt: string;
  /** The link stops working at this time (ISO). */
  readonly validUntil: string;
  readonly revokedAt?: string;
  /** The last public request made with it (written at most every LAST_USED_RESOLUTION_SECONDS). */
  readonly lastUsedAt?: string;
  /** Who created it, e.g. `operator:op_…`. */
  readonly createdBy: string;
}

/**
 * An ended link (expired or revoked) is kept this long after it ended, so the operator still sees it
 * in the list and the page can say "revoked" rather than "unknown"; then TTL removes it.
 */
export const ENDED_LINK_KEPT_DAYS = 90;

const ttlOf = (validUntil: string) => Math.floor(Date.parse(validUntil) / 1000) + ENDED_LINK_KEPT_DAYS * 86_400;

/** AP-38: a new link; conditional so a (never expected) token-hash collision cannot overwrite a link. */
export async function putPublicLink(link: PublicLink): Promise<void> {
  await documentClient().send(
    new PutCommand({
      TableName: config().tableName,
      Item: {
        ...keys.publicLink(link.tokenHash),
        ...keys.publicLinkByProject(link.projectId, link.createdAt, link.linkId),
        type: ENTITY.publicLink,
        ...link,
        expiresAt: ttlOf(link.validUntil),
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
}

/** AP-38: the link of a token hash, strongly consistent (a revoke is seen by the next request). */
export async function getPublicLinkByHash(tokenHash: string): Promise<PublicLink | undefined> {
  const out = await documentClient().send(new GetCommand({ TableName: config().tableName, Key: keys.publicLink(tokenHash), ConsistentRead: true }));
  const item = out.Item as (PublicLink & { expiresAt?: number }) | undefined;
  // DynamoDB Local never deletes TTL-expired items (ACCESS_PATTERNS.md): filter on read.
  if (!item || (item.expiresAt !== undefined && item.expiresAt < Math.floor(Date.now() / 1000))) return undefined;
  return item;
}

/** AP-39: a project's links, oldest first (bounded: MAX_KEPT_LINKS_PER_PROJECT, and ended ones expire). */
export async function listPublicLinksOfProject(projectId: string): Promise<PublicLink[]> {
  const now = Math.floor(Date.now() / 1000);
  const items = await queryAll<PublicLink & { expiresAt?: number }>({
    TableName: config().tableName,
    IndexName: 'gsi1',
    KeyConditionExpression: 'gsi1pk = :pk',
    ExpressionAttributeValues: { ':pk': keys.publicLinksOfProject(projectId).gsi1pk },
  });
  return items.filter((i) => i.expiresAt === undefined || i.expiresAt >= now);
}

/** AP-38: revoke now; a second revoke keeps the first time. False when the link is not there. */
export async function revokePublicLink(tokenHash: string, at: string): Promise<boolean> {
  try {
    await documentClient().send(
      new UpdateCommand({
        TableName: config().tableName,
        Key: keys.publicLink(tokenHash),
        UpdateExpression: 'SET revokedAt = if_not_exists(revokedAt, :at), expiresAt = :ttl',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':at': at, ':ttl': ttlOf(at) },
      }),
    );
    return true;
  } catch (err) {
    if ((err as { name?: string }).name === 'ConditionalCheckFailedException') return false;
    throw err;
  }
}

/**
 * AP-38: records a use, only when the stored time is older than `staleBefore`: a page polling every
 * few seconds costs one write per link per resolution window, not one per request.
 */
export async function touchPublicLink(tokenHash: string, at: string, staleBefore: string): Promise<void> {
  try {
    await documentClient().send(
      new UpdateCommand({
        TableName: config().tableName,
        Key: keys.publicLink(tokenHash),
        UpdateExpression: 'SET lastUsedAt = :at',
        ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(lastUsedAt) OR lastUsedAt < :stale)',
        ExpressionAttributeValues: { ':at': at, ':stale': staleBefore },
      }),
    );
  } catch (err) {
    if ((err as { name?: string }).name !== 'ConditionalCheckFailedException') throw err;
  }
}
