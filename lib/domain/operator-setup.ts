// Use cases an operator (CPO) uses to set up work for installers. The REST handlers and the local
// seed call these; nothing else writes these entities.
import { putOperatorWithKey, type Operator } from '../db/operators';
import { putProject, putSite, putTeam, type Project, type Site, type Team } from '../db/projects';
import { newId, nowIso } from '../ids';
import { issueApiKey } from './api-keys';

/**
 * A new operator with a full API key (shown once) and, with `adminAccountId`, that account as its
 * first admin: one transaction, so there is never an operator without its key.
 */
export async function createOperator(input: { name: string; contactEmail: string; adminAccountId?: string; keyName?: string }): Promise<{ operator: Operator; apiKey: string; keyId: string }> {
  const operator: Operator = { operatorId: newId('op'), name: input.name, contactEmail: input.contactEmail, createdAt: nowIso() };
  const key = issueApiKey();
  await putOperatorWithKey(
    operator,
    { keyId: key.keyId, operatorId: operator.operatorId, secretHash: key.secretHash, createdAt: operator.createdAt, name: input.keyName ?? 'first key', scopes: ['full'] },
    input.adminAccountId ? { operatorId: operator.operatorId, accountId: input.adminAccountId, role: 'admin', createdAt: operator.createdAt } : undefined,
  );
  return { operator: input.adminAccountId ? { ...operator, adminCount: 1 } : operator, apiKey: key.plaintext, keyId: key.keyId };
}

export async function createTeam(operatorId: string, input: { name: string; ownerEmail: string }): Promise<Team> {
  const team: Team = { teamId: newId('team'), operatorId, name: input.name, ownerEmail: input.ownerEmail, createdAt: nowIso() };
  await putTeam(team);
  return team;
}

export async function createSite(
  operatorId: string,
  input: { teamId: string; name: string; address: string; country: string; gridRegion?: string },
): Promise<Site> {
  const site: Site = { siteId: newId('site'), operatorId, createdAt: nowIso(), ...input };
  await putSite(site);
  return site;
}

export async function createProject(
  operatorId: string,
  input: { teamId: string; siteId: string; jobNumber: string; name: string; description: string; instructions: string },
): Promise<Project> {
  const project: Project = { projectId: newId('prj'), operatorId, status: 'open', createdAt: nowIso(), ...input };
  await putProject(project);
  return project;
}
