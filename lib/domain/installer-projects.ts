// What an installer sees and does on the projects a CPO assigned to them. Anything not assigned
// to them is indistinguishable from something that does not exist (404).
import type { ChecklistItem } from '../api/schemas';
import { lastFailedAttempt } from './connection-diagnosis';
import { CHECKLIST_ITEMS } from '../api/schemas';
import { getChargePoint, listChargePointsOfProject, type ChargePoint } from '../db/charge-points';
import { getAccount } from '../db/accounts';
import { getProjectWithState, getSite, isAssigned, listProjectIdsOfInstaller, setChecklistItem, type ProjectWithState } from '../db/projects';
import type { InstallerPrincipal } from '../http/handler';
import { nowIso } from '../ids';
import { viewChargePoint, type ChargePointView } from './charge-point-view';
import { registerChargePoint } from './charge-points';
import { advanceCommissioning, setFirmwareVersion, startCommissioning } from './commissioning';
import { firmwareSourceText } from './firmware-source';
import { AFTER_HANDOVER, Conflict, Locked, NotFound, ValidationFailed } from './errors';
import { describePasswordRotation } from './password-rotation';

export async function assignedProject(who: InstallerPrincipal, projectId: string): Promise<ProjectWithState> {
  const [project, assigned] = await Promise.all([getProjectWithState(projectId), isAssigned(projectId, who.email)]);
  if (!project || !assigned) throw new NotFound(`Project ${projectId} not found`);
  return project;
}

function assertOpen(project: ProjectWithState): void {
  if (project.status === 'handed_over') {
    throw new Locked(`Project ${project.jobNumber} was handed over at ${project.handedOverAt ?? 'an earlier time'} and is locked: ${AFTER_HANDOVER}`);
  }
}

export async function installerChargePoint(who: InstallerPrincipal, chargePointId: string): Promise<{ cp: ChargePoint; project: ProjectWithState }> {
  const cp = await getChargePoint(chargePointId, true);
  if (!cp) throw new NotFound(`Charge point ${chargePointId} not found`);
  const project = await assignedProject(who, cp.projectId).catch(() => {
    throw new NotFound(`Charge point ${chargePointId} not found`);
  });
  return { cp, project };
}

export async function listInstallerProjects(who: InstallerPrincipal) {
  const ids = await listProjectIdsOfInstaller(who.email);
  const projects = (await Promise.all(ids.map((id) => getProjectWithState(id)))).filter((p): p is ProjectWithState => !!p);
  return projects.map((p) => ({ project_id: p.projectId, job_number: p.jobNumber, name: p.name, status: p.status, site_id: p.siteId, created_at: p.createdAt }));
}

/**
 * A charge point as the installer sees it: the same view as the operator's (the validation message
 * rule lives in viewChargePoint, one place for every API and the job page).
 */
export async function installerChargePointView(cp: ChargePoint): Promise<ChargePointView> {
  return viewChargePoint(cp);
}

export function checklistView(project: ProjectWithState) {
  return CHECKLIST_ITEMS.map((item) => {
    const r = project.checklist?.[item];
    return { item, result: r?.result ?? null, notes: r?.notes ?? null, recorded_by: r?.byName ?? r?.by ?? null, recorded_at: r?.at ?? null };
  });
}

export async function installerProjectDetail(who: InstallerPrincipal, projectId: string) {
  const project = await assignedProject(who, projectId);
  const [site, cps] = await Promise.all([getSite(project.operatorId, project.siteId), listChargePointsOfProject(projectId)]);
  return {
    project_id: project.projectId,
    job_number: project.jobNumber,
    name: project.name,
    description: project.description,
    instructions: project.instructions,
    status: project.status,
    handed_over_at: project.handedOverAt ?? null,
    site: site ? { site_id: site.siteId, name: site.name, address: site.address, country: site.country, grid_region: site.gridRegion ?? null } : null,
    charge_points: await Promise.all(cps.map(installerChargePointView)),
    checklist: checklistView(project),
  };
}

export type RegistrationBody = { serial_number: string; ocpp_protocol: 'ocpp1.6' | 'ocpp2.0.1'; connector_count?: number; vendor?: string; model?: string; reprovision?: boolean };

export async function registerForInstaller(who: InstallerPrincipal, projectId: string, body: RegistrationBody, idempotencyKey?: string) {
  const project = await assignedProject(who, projectId);
  return registerOnProject(project, body, `installer:${who.installerId}`, idempotencyKey);
}

/**
 * Registration on a project the caller may work on (the installer API: an assignment; a location: its
 * role there): the one path, so every charger gets its OCPP endpoint, password and commissioning alike.
 */
export async function registerOnProject(project: ProjectWithState, body: RegistrationBody, registeredBy: string, idempotencyKey?: string) {
  assertOpen(project);
  const r = await registerChargePoint({
    projectId: project.projectId,
    serialNumber: body.serial_number,
    protocol: body.ocpp_protocol,
    ...(body.connector_count ? { connectorCount: body.connector_count } : {}),
    ...(body.vendor ? { vendor: body.vendor } : {}),
    ...(body.model ? { model: body.model } : {}),
    registeredBy,
    ...(body.reprovision ? { reprovision: true } : {}),
    ...(idempotencyKey !== undefined ? { idempotencyKey } : {}),
  });
  const reply = {
    charge_point_id: r.chargePoint.chargePointId,
    charge_point_identity: r.identity,
    serial_number: body.serial_number.trim(),
    ocpp_protocol: body.ocpp_protocol,
    ocpp_endpoint: r.ocppEndpoint,
    ocpp_url: r.ocppUrl,
    provisioning_password: r.provisioningPassword,
    basic_auth_username: r.identity,
    commissioning_status: r.chargePoint.commissioning?.status ?? 'pending',
    commissioning_reset: r.commissioningReset,
    note:
      'Configure the charger with ocpp_endpoint (it appends its identity) or ocpp_url, username = identity, password = provisioning_password. The password is shown once (a retry with the same Idempotency-Key shows it again for 10 minutes).' +
      (r.commissioningReset ? ' Re-provisioned: the previous passwords no longer work and commissioning starts again.' : ''),
  };
  return { reply, replayed: r.replayed };
}

export async function recordChecklist(who: InstallerPrincipal, projectId: string, item: ChecklistItem, body: { result: 'passed' | 'failed' | 'not_supported'; notes?: string }) {
  const project = await assignedProject(who, projectId);
  assertOpen(project);
  if (body.result === 'not_supported' && item !== 'meter_calibration') {
    throw new ValidationFailed('Only meter_calibration may be recorded as not_supported', [{ field: 'result', message: `not_supported is not allowed for ${item}` }]);
  }
  const installer = await getAccount(who.installerId);
  const outcome = await setChecklistItem(projectId, item, {
    result: body.result,
    ...(body.notes ? { notes: body.notes } : {}),
    by: who.email,
    ...(installer?.name ? { byName: installer.name } : {}),
    at: nowIso(),
  });
  if (outcome === 'locked') assertOpen({ ...project, status: 'handed_over' });
  return checklistView((await getProjectWithState(projectId))!);
}

export async function commissioningView(cp: ChargePoint) {
  const c = cp.commissioning ?? { status: 'pending' as const };
  return {
    charge_point_id: cp.chargePointId,
    charge_point_identity: cp.identity ?? null,
    status: c.status,
    started_at: c.startedAt ?? null,
    completed_at: c.completedAt ?? null,
    checks: (c.checks ?? []).map((x) => ({ name: x.name, status: x.status, detail: x.detail, at: x.at })),
    password_rotation: describePasswordRotation(cp),
    // Why the charger will not connect, when it tried and was refused since its last connection (issue #14).
    last_failed_attempt: await lastFailedAttempt(cp),
  };
}

export async function startInstallerCommissioning(who: InstallerPrincipal, chargePointId: string) {
  const { cp, project } = await installerChargePoint(who, chargePointId);
  return commissionChargePoint(cp, project, `installer:${who.installerId}`);
}

/**
 * The commissioning use case behind every route that starts it (the installer API's and a location's,
 * lib/domain/locations.ts): callers have decided the caller may; a handed-over project is locked.
 */
export async function commissionChargePoint(cp: ChargePoint, project: ProjectWithState, startedBy: string) {
  assertOpen(project);
  await startCommissioning(cp.chargePointId, startedBy);
  return await commissioningView((await getChargePoint(cp.chargePointId, true))!);
}

/** Commissioning as it stands; reading it also moves an in-progress commissioning on (idempotent). */
export async function commissioningStatusOf(chargePointId: string) {
  return await commissioningView(await advanceCommissioning(chargePointId));
}

/**
 * The installer records a firmware version the charge point does not report (it is optional in
 * BootNotification, and not every configuration holds it), with a reason; the check and the
 * certificate say it was recorded by hand. A version the charge point reported is not overwritten.
 */
export async function recordFirmwareVersion(who: InstallerPrincipal, chargePointId: string, body: { version: string; reason: string }) {
  const { cp, project } = await installerChargePoint(who, chargePointId);
  assertOpen(project);
  if (cp.firmwareVersion && cp.firmwareSource?.kind !== 'installer') {
    throw new Conflict(`The charge point reports firmware ${cp.firmwareVersion} itself (${firmwareSourceText(cp)}); a version recorded by hand would hide it`, { field: 'version' });
  }
  const source = { kind: 'installer' as const, reason: body.reason, by: who.email, at: nowIso() };
  if (!(await setFirmwareVersion(chargePointId, body.version, source, 'unset_or_by_hand'))) {
    const now = (await getChargePoint(chargePointId, true)) ?? cp;
    throw new Conflict(`The charge point reported firmware ${now.firmwareVersion ?? ''} meanwhile (${firmwareSourceText(now)})`, { field: 'version' });
  }
  return await commissioningView(await advanceCommissioning(chargePointId));
}

/** Polling the status also moves an in-progress commissioning on (idempotent). */
export async function installerCommissioningStatus(who: InstallerPrincipal, chargePointId: string) {
  await installerChargePoint(who, chargePointId);
  return commissioningStatusOf(chargePointId);
}
