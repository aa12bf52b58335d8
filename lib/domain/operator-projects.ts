// The CPO sets up work for installers: teams (site owners), sites, projects (jobs), planned charge
// points, and which installers (by email) may work on a project.
import { listChargePointsOfProject } from '../db/charge-points';
import { deleteAssignment, getProjectWithState, getSite, getTeam, listAssignmentsOfProject, listSites, listTeams, putAssignment, type ProjectWithState, type Site, type Team } from '../db/projects';
import { nowIso } from '../ids';
import type { OcppVersion } from '../ocpp/versions';
import { planChargePoint } from './charge-points';
import { checklistView, installerChargePointView } from './installer-projects';
import { createProject, createSite, createTeam } from './operator-setup';
import { Locked, NotFound, ValidationFailed } from './errors';

export const teamView = (t: Team) => ({ team_id: t.teamId, name: t.name, owner_email: t.ownerEmail, price_group_id: t.priceGroupId ?? null, created_at: t.createdAt });
export const siteView = (s: Site) => ({ site_id: s.siteId, team_id: s.teamId, name: s.name, address: s.address, country: s.country, grid_region: s.gridRegion ?? null, created_at: s.createdAt });

export async function addTeam(operatorId: string, body: { name: string; owner_email: string }) {
  return teamView(await createTeam(operatorId, { name: body.name, ownerEmail: body.owner_email.toLowerCase() }));
}

export async function teams(operatorId: string) {
  return (await listTeams(operatorId)).map(teamView);
}

export async function addSite(operatorId: string, body: { team_id: string; name: string; address: string; country: string; grid_region?: string }) {
  if (!(await getTeam(operatorId, body.team_id))) throw new ValidationFailed('Unknown team', [{ field: 'team_id', message: 'no such team for this operator' }]);
  return siteView(
    await createSite(operatorId, { teamId: body.team_id, name: body.name, address: body.address, country: body.country, ...(body.grid_region ? { gridRegion: body.grid_region } : {}) }),
  );
}

export async function sites(operatorId: string) {
  return (await listSites(operatorId)).map(siteView);
}

export async function addProject(operatorId: string, body: { job_number: string; name: string; site_id: string; description: string; instructions: string }) {
  const site = await getSite(operatorId, body.site_id);
  if (!site) throw new ValidationFailed('Unknown site', [{ field: 'site_id', message: 'no such site for this operator' }]);
  const p = await createProject(operatorId, { teamId: site.teamId, siteId: site.siteId, jobNumber: body.job_number, name: body.name, description: body.description, instructions: body.instructions });
  return { project_id: p.projectId, job_number: p.jobNumber, name: p.name, status: p.status, site_id: p.siteId, team_id: p.teamId, created_at: p.createdAt };
}

async function ownedProject(operatorId: string, projectId: string): Promise<ProjectWithState> {
  const p = await getProjectWithState(projectId);
  if (!p || p.operatorId !== operatorId) throw new NotFound(`Project ${projectId} not found`);
  return p;
}

export async function operatorProjectDetail(operatorId: string, projectId: string) {
  const p = await ownedProject(operatorId, projectId);
  const [cps, assignments] = await Promise.all([listChargePointsOfProject(projectId), listAssignmentsOfProject(projectId)]);
  return {
    project_id: p.projectId,
    job_number: p.jobNumber,
    name: p.name,
    description: p.description,
    instructions: p.instructions,
    status: p.status,
    site_id: p.siteId,
    team_id: p.teamId,
    handed_over_at: p.handedOverAt ?? null,
    installers: assignments.map((a) => ({ email: a.email, assigned_at: a.assignedAt })),
    charge_points: await Promise.all(cps.map(installerChargePointView)),
    checklist: checklistView(p),
  };
}

export async function addPlannedChargePoint(
  operatorId: string,
  projectId: string,
  body: { serial_number?: string; connector_count: number; ocpp_protocol?: OcppVersion; vendor?: string; model?: string },
) {
  const cp = await planChargePoint(operatorId, projectId, {
    connectorCount: body.connector_count,
    ...(body.serial_number ? { serialNumber: body.serial_number } : {}),
    ...(body.ocpp_protocol ? { protocol: body.ocpp_protocol } : {}),
    ...(body.vendor ? { vendor: body.vendor } : {}),
    ...(body.model ? { model: body.model } : {}),
  });
  return installerChargePointView(cp);
}

export async function assignInstaller(operatorId: string, projectId: string, email: string) {
  const p = await ownedProject(operatorId, projectId);
  if (p.status === 'handed_over') throw new Locked('The project has been handed over and is locked');
  await putAssignment({ projectId, email: email.toLowerCase(), assignedAt: nowIso(), assignedBy: `operator:${operatorId}` });
  return { project_id: projectId, email: email.toLowerCase() };
}

export async function unassignInstaller(operatorId: string, projectId: string, email: string) {
  await ownedProject(operatorId, projectId);
  if (!(await deleteAssignment(projectId, email))) throw new NotFound(`${email} is not assigned to project ${projectId}`);
}
