// Teams (site owners), sites and projects (installer jobs), all owned by one operator.
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../aws/clients';
import { config } from '../config';
import { ENTITY, keys } from './keys';
import { queryAll } from './query';

export interface Team {
  readonly teamId: string;
  readonly operatorId: string;
  readonly name: string;
  readonly ownerEmail: string;
  readonly createdAt: string;
  /** Default price group of the team's charge points (domain/pricing.ts resolvePriceGroup). */
  readonly priceGroupId?: string;
}

export interface Site {
  readonly siteId: string;
  readonly operatorId: string;
  readonly teamId: string;
  readonly name: string;
  readonly address: string;
  readonly country: string;
  readonly gridRegion?: string;
  /** The postcode (issue #19): Denmark's bidding zone follows it, Northern Ireland's (BT…) too. */
  readonly postcode?: string;
  readonly createdAt: string;
  readonly updatedAt?: string;
}

export const PROJECT_STATUSES = ['open', 'in_progress', 'handed_over'] as const;
export type ProjectStatus = (typeof PROJECT_STATUSES)[number];

export interface Project {
  readonly projectId: string;
  readonly operatorId: string;
  readonly teamId: string;
  readonly siteId: string;
  readonly jobNumber: string;
  readonly name: string;
  readonly description: string;
  readonly instructions: string;
  readonly status: ProjectStatus;
  readonly createdAt: string;
  readonly handedOverAt?: string;
  /** The installer (or operator) marked the job complete (domain/jobs.ts completeJob). */
  readonly completedAt?: string;
  /** describeActor() of who completed it: `via public link lnk_…`. */
  readonly completedBy?: string;
}

const put = (Item: Record<string, unknown>) =>
  documentClient().send(new PutCommand({ TableName: config().tableName, Item, ConditionExpression: 'attribute_not_exists(pk)' }));

export async function putTeam(team: Team): Promise<void> {
  await put({ ...keys.team(team.operatorId, team.teamId), type: ENTITY.team, ...team });
}

export async function putSite(site: Site): Promise<void> {
  // gsi1: a site is also a location (issue #16), found by its id alone (AP-70).
  await put({ ...keys.site(site.operatorId, site.siteId), ...keys.siteById(site.siteId), type: ENTITY.site, ...site });
}

export async function putProject(project: Project): Promise<void> {
  await put({
    ...keys.project(project.projectId),
    ...keys.projectByOperator(project.operatorId, project.createdAt, project.projectId),
    ...keys.projectBySite(project.siteId, project.createdAt, project.projectId),
    type: ENTITY.project,
    ...project,
  });
}

/** AP-06; `consistent` where a decision depends on the latest state (a write through a job link after completion). */
export async function getProject(projectId: string, consistent = false): Promise<Project | undefined> {
  const out = await documentClient().send(new GetCommand({ TableName: config().tableName, Key: keys.project(projectId), ConsistentRead: consistent }));
  return out.Item as Project | undefined;
}

export async function getTeam(operatorId: string, teamId: string): Promise<Team | undefined> {
  const out = await documentClient().send(new GetCommand({ TableName: config().tableName, Key: keys.team(operatorId, teamId) }));
  return out.Item as Team | undefined;
}

/** AP-05: an operator's projects, oldest first, all pages. */
export async function listProjectsOfOperator(operatorId: string): Promise<Project[]> {
  return queryAll<Project>({
    TableName: config().tableName,
    IndexName: 'gsi1',
    KeyConditionExpression: 'gsi1pk = :pk',
    ExpressionAttributeValues: { ':pk': keys.projectsOfOperator(operatorId).gsi1pk },
  });
}

export interface Assignment {
  readonly projectId: string;
  readonly email: string;
  readonly assignedAt: string;
  readonly assignedBy: string;
}

export interface ChecklistRecord {
  readonly result: 'passed' | 'failed' | 'not_supported';
  readonly notes?: string;
  readonly by: string;
  readonly byName?: string;
  readonly at: string;
}

export interface HandoverRecord {
  readonly handedOverAt: string;
  readonly handedOverBy: string;
  readonly certificateKey: string;
  readonly certificateSha256: string;
}

/** Checklist and handover live on the project item: one read shows the whole job. */
export type ProjectWithState = Project & { readonly checklist?: Record<string, ChecklistRecord>; readonly handover?: HandoverRecord };

/** AP-78: a site's (a location's) projects, oldest first. */
export async function listProjectsOfSite(siteId: string): Promise<Project[]> {
  return queryAll<Project>({
    TableName: config().tableName,
    IndexName: 'gsi2',
    KeyConditionExpression: 'gsi2pk = :pk',
    ExpressionAttributeValues: { ':pk': keys.projectsOfSite(siteId).gsi2pk },
  });
}

/** AP-04 */
export async function listTeams(operatorId: string): Promise<Team[]> {
  const k = keys.teamsOfOperator(operatorId);
  return (await queryAll({ TableName: config().tableName, KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)', ExpressionAttributeValues: { ':pk': k.pk, ':p': k.skPrefix } })) as unknown as Team[];
}

/** AP-04 */
export async function listSites(operatorId: string): Promise<Site[]> {
  const k = keys.sitesOfOperator(operatorId);
  return (await queryAll({ TableName: config().tableName, KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)', ExpressionAttributeValues: { ':pk': k.pk, ':p': k.skPrefix } })) as unknown as Site[];
}

/**
 * Changes a site's address facts (issue #19: what PowerBank derives the bidding zone from); `null`
 * removes a field. Conditional on the site existing; answers the site after the change.
 */
export async function updateSiteAddress(operatorId: string, siteId: string, change: { address?: string; country?: string; postcode?: string | null; gridRegion?: string | null }, at: string): Promise<Site | undefined> {
  const set: string[] = ['updatedAt = :at'];
  const remove: string[] = [];
  const values: Record<string, unknown> = { ':at': at };
  for (const [name, value] of Object.entries(change)) {
    if (value === undefined) continue;
    if (value === null) remove.push(name);
    else {
      set.push(`${name} = :${name}`);
      values[`:${name}`] = value;
    }
  }
  try {
    const out = await documentClient().send(
      new UpdateCommand({
        TableName: config().tableName,
        Key: keys.site(operatorId, siteId),
        UpdateExpression: `SET ${set.join(', ')}${remove.length ? ` REMOVE ${remove.join(', ')}` : ''}`,
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: values,
        ReturnValues: 'ALL_NEW',
      }),
    );
    return out.Attributes as Site;
  } catch (err) {
    if ((err as { name?: string }).name === 'ConditionalCheckFailedException') return undefined;
    throw err;
  }
}

export async function getSite(operatorId: string, siteId: string): Promise<Site | undefined> {
  const out = await documentClient().send(new GetCommand({ TableName: config().tableName, Key: keys.site(operatorId, siteId) }));
  return out.Item as Site | undefined;
}

export async function getProjectWithState(projectId: string): Promise<ProjectWithState | undefined> {
  const out = await documentClient().send(new GetCommand({ TableName: config().tableName, Key: keys.project(projectId), ConsistentRead: true }));
  return out.Item as ProjectWithState | undefined;
}

/** The stored assignment (also written by an email change, which moves it: domain/accounts.ts). */
export function assignmentItem(a: Assignment) {
  return { ...keys.assignment(a.projectId, a.email), ...keys.assignmentByInstaller(a.email, a.projectId), type: ENTITY.assignment, projectId: a.projectId, email: a.email.toLowerCase(), assignedAt: a.assignedAt, assignedBy: a.assignedBy };
}

export async function putAssignment(a: Assignment): Promise<void> {
  await documentClient().send(new PutCommand({ TableName: config().tableName, Item: assignmentItem(a) }));
}

export async function deleteAssignment(projectId: string, email: string): Promise<boolean> {
  const out = await documentClient().send(new DeleteCommand({ TableName: config().tableName, Key: keys.assignment(projectId, email), ReturnValues: 'ALL_OLD' }));
  return !!out.Attributes;
}

/** AP-19 */
export async function listAssignmentsOfProject(projectId: string): Promise<Assignment[]> {
  const k = keys.assignmentsOfProject(projectId);
  return (await queryAll({ TableName: config().tableName, KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)', ExpressionAttributeValues: { ':pk': k.pk, ':p': k.skPrefix } })) as unknown as Assignment[];
}

/** AP-19: project ids assigned to an email. */
export async function listProjectIdsOfInstaller(email: string): Promise<string[]> {
  return (await listAssignmentsOfEmail(email)).map((a) => a.projectId);
}

/** AP-19: the assignments of an email (eventually consistent: an assignment made a moment ago may be missing). */
export async function listAssignmentsOfEmail(email: string): Promise<Assignment[]> {
  const items = await queryAll({ TableName: config().tableName, IndexName: 'gsi2', KeyConditionExpression: 'gsi2pk = :pk', ExpressionAttributeValues: { ':pk': keys.assignmentsOfInstaller(email).gsi2pk } });
  return items.map((i) => ({ projectId: String(i.projectId), email: String(i.email), assignedAt: String(i.assignedAt), assignedBy: String(i.assignedBy) }));
}

export async function isAssigned(projectId: string, email: string): Promise<boolean> {
  const out = await documentClient().send(new GetCommand({ TableName: config().tableName, Key: keys.assignment(projectId, email), ConsistentRead: true }));
  return !!out.Item;
}

/** Records one checklist item; refused (condition) once the project is handed over. */
export async function setChecklistItem(projectId: string, item: string, record: ChecklistRecord): Promise<'ok' | 'locked'> {
  try {
    await documentClient().send(
      new UpdateCommand({
        TableName: config().tableName,
        Key: keys.project(projectId),
        UpdateExpression: 'SET checklist = if_not_exists(checklist, :empty)',
        ConditionExpression: 'attribute_exists(pk) AND #s <> :handed',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':empty': {}, ':handed': 'handed_over' },
      }),
    );
    await documentClient().send(
      new UpdateCommand({
        TableName: config().tableName,
        Key: keys.project(projectId),
        UpdateExpression: 'SET checklist.#item = :r, #s = if_not_exists(#s, :open)',
        ConditionExpression: '#s <> :handed',
        ExpressionAttributeNames: { '#item': item, '#s': 'status' },
        ExpressionAttributeValues: { ':r': record, ':handed': 'handed_over', ':open': 'open' },
      }),
    );
    return 'ok';
  } catch (err) {
    if ((err as { name?: string }).name === 'ConditionalCheckFailedException') return 'locked';
    throw err;
  }
}

/**
 * Takes the project's one handover slot before any certificate is made, so of concurrent handovers
 * only one renders, signs and stores a PDF (the others would leave validly signed orphans in the
 * bucket). A claim whose holder died lapses at `expiresAt` and can be taken over.
 */
export async function claimHandover(projectId: string, claimId: string, ttlSeconds: number): Promise<boolean> {
  const now = Math.floor(Date.now() / 1000);
  return conditional(
    new UpdateCommand({
      TableName: config().tableName,
      Key: keys.project(projectId),
      UpdateExpression: 'SET handoverClaim = :c',
      ConditionExpression: 'attribute_exists(pk) AND #s <> :handed AND (attribute_not_exists(handoverClaim) OR handoverClaim.expiresAt < :now)',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: { ':c': { id: claimId, expiresAt: now + ttlSeconds }, ':handed': 'handed_over', ':now': now },
    }),
  );
}

/** Gives the slot back (the attempt failed before it could finish). */
export async function releaseHandoverClaim(projectId: string, claimId: string): Promise<void> {
  await conditional(
    new UpdateCommand({
      TableName: config().tableName,
      Key: keys.project(projectId),
      UpdateExpression: 'REMOVE handoverClaim',
      ConditionExpression: 'handoverClaim.id = :id',
      ExpressionAttributeValues: { ':id': claimId },
    }),
  );
}

/** Records the handover, only for the holder of the claim; false when the claim was lost. */
export async function markHandedOver(projectId: string, handover: HandoverRecord, claimId: string): Promise<boolean> {
  return conditional(
    new UpdateCommand({
      TableName: config().tableName,
      Key: keys.project(projectId),
      UpdateExpression: 'SET #s = :handed, handover = :h, handedOverAt = :at REMOVE handoverClaim',
      ConditionExpression: 'attribute_exists(pk) AND #s <> :handed AND handoverClaim.id = :claim',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: { ':handed': 'handed_over', ':h': handover, ':at': handover.handedOverAt, ':claim': claimId },
    }),
  );
}

/** Sends a conditional update: true when it applied, false when its condition failed. */
async function conditional(command: UpdateCommand): Promise<boolean> {
  try {
    await documentClient().send(command);
    return true;
  } catch (err) {
    if ((err as { name?: string }).name === 'ConditionalCheckFailedException') return false;
    throw err;
  }
}

/**
 * AP-06: the one transition to a completed job, conditional on it not being completed yet, so of two
 * completions only one wins (and publishes job.completed); false when it was completed already.
 */
export async function markJobCompleted(projectId: string, at: string, by: string): Promise<boolean> {
  return conditional(
    new UpdateCommand({
      TableName: config().tableName,
      Key: keys.project(projectId),
      UpdateExpression: 'SET completedAt = :at, completedBy = :by',
      ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(completedAt)',
      ExpressionAttributeValues: { ':at': at, ':by': by },
    }),
  );
}
