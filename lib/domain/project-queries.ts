// Read models for project listings (snake_case, as the REST API documents them).
import { listChargePointsOfProject } from '../db/charge-points';
import { listProjectsOfOperator, type Project } from '../db/projects';

export interface ProjectSummary {
  readonly project_id: string;
  readonly job_number: string;
  readonly name: string;
  readonly status: Project['status'];
  readonly site_id: string;
  readonly team_id: string;
  readonly created_at: string;
  readonly charge_points: { readonly total: number; readonly connected: number; readonly commissioned: number };
}

export async function listOperatorProjects(operatorId: string): Promise<ProjectSummary[]> {
  const projects = await listProjectsOfOperator(operatorId);
  return Promise.all(
    projects.map(async (p) => {
      const cps = await listChargePointsOfProject(p.projectId);
      return {
        project_id: p.projectId,
        job_number: p.jobNumber,
        name: p.name,
        status: p.status,
        site_id: p.siteId,
        team_id: p.teamId,
        created_at: p.createdAt,
        charge_points: {
          total: cps.length,
          connected: cps.filter((c) => c.connection?.connectionId).length,
          commissioned: cps.filter((c) => c.commissioning?.status === 'completed').length,
        },
      };
    }),
  );
}
