// Teams (site owners), sites and projects (installer jobs), all owned by one operator.
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../aws/clients';
import { config } from '../config';
import { ENTITY, keys } from './keys';

export interface Team {
  readonly teamId: string;
  readonly operatorId: string;
  readonly name: string;
  readonly ownerEmail: string;
  readonly createdAt: string;
}

export interface Site {
  readonly siteId: string;
  readonly operatorId: string;
  readonly teamId: string;
  readonly name: string;
  readonly address: string;
  readonly country: string;
  readonly gridRegion?: string;
  readonly createdAt: string;
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
}

const put = (Item: Record<string, unknown>) =>
  documentClient().send(new PutCommand({ TableName: config().tableName, Item, ConditionExpression: 'attribute_not_exists(pk)' }));

export async function putTeam(team: Team): Promise<void> {
  await put({ ...keys.team(team.operatorId, team.teamId), type: ENTITY.team, ...team });
}

export async function putSite(site: Site): Promise<void> {
  await put({ ...keys.site(site.operatorId, site.siteId), type: ENTITY.site, ...site });
}

export async function putProject(project: Project): Promise<void> {
  await put({
    ...keys.project(project.projectId),
    ...keys.projectByOperator(project.operatorId, project.createdAt, project.projectId),
    type: ENTITY.project,
    ...project,
  });
}

export async function getProject(projectId: string): Promise<Project | undefined> {
  const out = await documentClient().send(new GetCommand({ TableName: config().tableName, Key: keys.project(projectId) }));
  return out.Item as Project | undefined;
}

export async function getTeam(operatorId: string, teamId: string): Promise<Team | undefined> {
  const out = await documentClient().send(new GetCommand({ TableName: config().tableName, Key: keys.team(operatorId, teamId) }));
  return out.Item as Team | undefined;
}

/** AP-05: an operator's projects, oldest first, all pages. */
export async function listProjectsOfOperator(operatorId: string): Promise<Project[]> {
  const items: Project[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const out = await documentClient().send(
      new QueryCommand({
        TableName: config().tableName,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.projectsOfOperator(operatorId).gsi1pk },
        ExclusiveStartKey,
      }),
    );
    items.push(...((out.Items ?? []) as Project[]));
    ExclusiveStartKey = out.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
}
