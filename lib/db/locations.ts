// Team members and installer grants on locations (issue #16, docs/access.md). A location is a site;
// these items say who reaches it: members of its team (`TEAM#{teamId}` / `MEMBER#{accountId}`) and
// installers holding a grant on it (`SITE#{siteId}` / `GRANT#{accountId}`). Each is also indexed by
// the account (gsi1), so "my locations" is two queries; a grant with an end whose lapse is not
// recorded yet sits in the sparse, write-sharded lapse index (gsi2) the sweep reads.
import { createHash } from 'node:crypto';
import { DeleteCommand, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { TransactItem } from '../aws/transact';
import { documentClient } from '../aws/clients';
import { config } from '../config';
import type { Right } from '../domain/access';
import { ENTITY, keys } from './keys';
import type { Site } from './projects';
import { queryAll } from './query';

export type TeamRole = 'owner' | 'admin' | 'member';

export interface TeamMember {
  readonly teamId: string;
  readonly operatorId: string;
  readonly accountId: string;
  readonly email: string;
  readonly role: TeamRole;
  readonly rights: readonly Right[];
  readonly createdAt: string;
}

export interface LocationGrant {
  readonly siteId: string;
  readonly operatorId: string;
  readonly accountId: string;
  readonly email: string;
  /** Full access ends then (ISO); absent: indefinitely. */
  readonly fullAccessUntil?: string;
  /** The owner consented to this installer seeing sensitive data. */
  readonly sensitiveData: boolean;
  /** The creating installer's grant before any owner accepted: it becomes 14 days on acceptance. */
  readonly untilOwnerAccepts?: boolean;
  readonly createdAt: string;
  /** The 2-day warning was mailed (once). */
  readonly warnedAt?: string;
  /** The lapse was recorded and mailed (once). */
  readonly lapsedAt?: string;
}

/** Shards of the lapse index (AP-77): a few writes per grant, so 4 is ample; the sweep reads each. */
export const GRANT_LAPSE_SHARDS = 4;
export const grantLapseShardOf = (siteId: string, accountId: string) => createHash('sha256').update(`${siteId}\n${accountId}`).digest()[0]! % GRANT_LAPSE_SHARDS;

const table = () => config().tableName;

/** AP-70: a location by its id alone (gsi1 of the site item; then the item itself, strongly consistent). */
export async function getSiteById(siteId: string): Promise<Site | undefined> {
  const items = await queryAll<Site>({
    TableName: table(),
    IndexName: 'gsi1',
    KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk = :sk',
    ExpressionAttributeValues: { ':pk': keys.siteById(siteId).gsi1pk, ':sk': keys.siteById(siteId).gsi1sk },
  });
  return items[0];
}

// --- Team members -------------------------------------------------------------------------------

/** AP-71: the item that makes (or replaces) a membership, as a transaction item. */
export function memberPutItem(m: TeamMember, condition?: string): TransactItem {
  return {
    Put: {
      TableName: table(),
      Item: { ...keys.teamMember(m.teamId, m.accountId), ...keys.teamMemberByAccount(m.accountId, m.teamId), type: ENTITY.teamMember, ...m },
      ...(condition ? { ConditionExpression: condition } : {}),
    },
  };
}

/** AP-71: one membership, strongly consistent (read on every request to a team's location). */
export async function getTeamMember(teamId: string, accountId: string): Promise<TeamMember | undefined> {
  const out = await documentClient().send(new GetCommand({ TableName: table(), Key: keys.teamMember(teamId, accountId), ConsistentRead: true }));
  return out.Item as TeamMember | undefined;
}

/** AP-72: a team's members. */
export async function listTeamMembers(teamId: string): Promise<TeamMember[]> {
  const k = keys.membersOfTeam(teamId);
  return queryAll<TeamMember>({ TableName: table(), KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)', ExpressionAttributeValues: { ':pk': k.pk, ':p': k.skPrefix }, ConsistentRead: true });
}

/** AP-73: the teams an account is a member of. */
export async function listMembershipsOfAccount(accountId: string): Promise<TeamMember[]> {
  return queryAll<TeamMember>({ TableName: table(), IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :pk', ExpressionAttributeValues: { ':pk': keys.teamsOfAccount(accountId).gsi1pk } });
}

/** AP-71: change a member's role and rights (only while the member exists). False when absent. */
export async function updateTeamMember(teamId: string, accountId: string, change: { role: TeamRole; rights: readonly Right[] }): Promise<boolean> {
  try {
    await documentClient().send(
      new UpdateCommand({
        TableName: table(),
        Key: keys.teamMember(teamId, accountId),
        UpdateExpression: 'SET #role = :role, #rights = :rights',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#role': 'role', '#rights': 'rights' },
        ExpressionAttributeValues: { ':role': change.role, ':rights': change.rights },
      }),
    );
    return true;
  } catch (err) {
    if ((err as { name?: string }).name === 'ConditionalCheckFailedException') return false;
    throw err;
  }
}

/** AP-71: remove a member. */
export async function deleteTeamMember(teamId: string, accountId: string): Promise<void> {
  await documentClient().send(new DeleteCommand({ TableName: table(), Key: keys.teamMember(teamId, accountId) }));
}

// --- Installer grants ---------------------------------------------------------------------------

/** The lapse-index keys a grant carries while it has an end and its lapse is not recorded. */
function lapseKeys(g: Pick<LocationGrant, 'siteId' | 'accountId' | 'fullAccessUntil' | 'lapsedAt'>) {
  return g.fullAccessUntil && !g.lapsedAt ? keys.grantLapse(grantLapseShardOf(g.siteId, g.accountId), g.fullAccessUntil, g.siteId, g.accountId) : {};
}

/** AP-74: the item that makes (or replaces) a grant, as a transaction item. */
export function grantPutItem(g: LocationGrant): TransactItem {
  return {
    Put: {
      TableName: table(),
      Item: { ...keys.locationGrant(g.siteId, g.accountId), ...keys.locationGrantByAccount(g.accountId, g.siteId), ...lapseKeys(g), type: ENTITY.locationGrant, ...g },
    },
  };
}

/**
 * AP-74: a new end of full access (an ISO time, or undefined = indefinitely), as a transaction item:
 * the warning and lapse records start over, and the lapse index follows the new end.
 * `onlyUntilOwnerAccepts`: only the creating installer's open grant (an owner's acceptance).
 */
export function grantSetUntilItem(siteId: string, accountId: string, until: string | undefined, opts: { onlyUntilOwnerAccepts?: boolean } = {}): TransactItem {
  const lapse = until ? keys.grantLapse(grantLapseShardOf(siteId, accountId), until, siteId, accountId) : undefined;
  return {
    Update: {
      TableName: table(),
      Key: keys.locationGrant(siteId, accountId),
      UpdateExpression: lapse
        ? 'SET fullAccessUntil = :until, gsi2pk = :g2pk, gsi2sk = :g2sk REMOVE warnedAt, lapsedAt, untilOwnerAccepts'
        : 'REMOVE fullAccessUntil, gsi2pk, gsi2sk, warnedAt, lapsedAt, untilOwnerAccepts',
      ConditionExpression: opts.onlyUntilOwnerAccepts ? 'attribute_exists(pk) AND untilOwnerAccepts = :true' : 'attribute_exists(pk)',
      ...(lapse || opts.onlyUntilOwnerAccepts
        ? { ExpressionAttributeValues: { ...(lapse ? { ':until': until, ':g2pk': lapse.gsi2pk, ':g2sk': lapse.gsi2sk } : {}), ...(opts.onlyUntilOwnerAccepts ? { ':true': true } : {}) } }
        : {}),
    },
  };
}

/** AP-74: one grant, strongly consistent (read on every request to the location). */
export async function getLocationGrant(siteId: string, accountId: string): Promise<LocationGrant | undefined> {
  const out = await documentClient().send(new GetCommand({ TableName: table(), Key: keys.locationGrant(siteId, accountId), ConsistentRead: true }));
  return out.Item as LocationGrant | undefined;
}

/** AP-75: a location's grants. */
export async function listGrantsOfLocation(siteId: string): Promise<LocationGrant[]> {
  const k = keys.grantsOfLocation(siteId);
  return queryAll<LocationGrant>({ TableName: table(), KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)', ExpressionAttributeValues: { ':pk': k.pk, ':p': k.skPrefix }, ConsistentRead: true });
}

/** AP-76: the locations an account holds a grant on. */
export async function listGrantsOfAccount(accountId: string): Promise<LocationGrant[]> {
  return queryAll<LocationGrant>({ TableName: table(), IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :pk', ExpressionAttributeValues: { ':pk': keys.grantsOfAccount(accountId).gsi1pk } });
}

/** AP-77: grants of one lapse shard whose full access ends by `untilIso`, soonest first. */
export async function queryGrantsEndingBy(shard: number, untilIso: string): Promise<LocationGrant[]> {
  return queryAll<LocationGrant>({
    TableName: table(),
    IndexName: 'gsi2',
    KeyConditionExpression: 'gsi2pk = :pk AND gsi2sk <= :bound',
    ExpressionAttributeValues: { ':pk': keys.grantLapseShard(shard).gsi2pk, ':bound': `${untilIso}#\uffff` },
  });
}

/**
 * AP-74: records the 2-day warning once. Conditional on the end still being the one the sweep saw
 * and no warning yet, so two sweeps (or a sweep racing an extension) mail at most once.
 */
export async function markGrantWarned(siteId: string, accountId: string, fullAccessUntil: string, at: string): Promise<boolean> {
  return conditionalUpdate(siteId, accountId, 'SET warnedAt = :at', 'fullAccessUntil = :until AND attribute_not_exists(warnedAt) AND attribute_not_exists(lapsedAt)', { ':at': at, ':until': fullAccessUntil });
}

/** AP-74: records the lapse once and takes the grant out of the lapse index (same condition idea). */
export async function markGrantLapsed(siteId: string, accountId: string, fullAccessUntil: string, at: string): Promise<boolean> {
  return conditionalUpdate(siteId, accountId, 'SET lapsedAt = :at REMOVE gsi2pk, gsi2sk', 'fullAccessUntil = :until AND attribute_not_exists(lapsedAt)', { ':at': at, ':until': fullAccessUntil });
}

async function conditionalUpdate(siteId: string, accountId: string, update: string, condition: string, values: Record<string, unknown>): Promise<boolean> {
  try {
    await documentClient().send(new UpdateCommand({ TableName: table(), Key: keys.locationGrant(siteId, accountId), UpdateExpression: update, ConditionExpression: condition, ExpressionAttributeValues: values }));
    return true;
  } catch (err) {
    if ((err as { name?: string }).name === 'ConditionalCheckFailedException') return false;
    throw err;
  }
}
