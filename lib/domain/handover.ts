// Handing a project over: allowed only when every charge point's commissioning is completed and the
// site checklist is done (403 listing what is missing). It issues the signed certificate, locks
// the project and publishes project.handed_over (the CPO and site owner are emailed by its consumer).
// A repeated handover returns the same certificate with a fresh link.
import { randomUUID } from 'node:crypto';
import type { ChecklistItem } from '../api/schemas';
import { CHECKLIST_ITEMS } from '../api/schemas';
import { issueHandoverCertificate, presignCertificateUrl, type CertificateChargePoint, type HandoverCertificateData } from '../certificates';
import { listChargePointsOfProject, type ChargePoint } from '../db/charge-points';
import { getAccount } from '../db/accounts';
import { getOperator } from '../db/operators';
import { claimHandover, getProjectWithState, getSite, getTeam, markHandedOver, releaseHandoverClaim, type ProjectWithState } from '../db/projects';
import { makeEvent, publish } from '../events/publish';
import type { InstallerPrincipal } from '../http/handler';
import { nowIso } from '../ids';
import { readConnectorCount } from './charge-point-view';
import { Conflict, Forbidden, NotFound } from './errors';
import { firmwareNote } from './firmware-source';
import { describePasswordRotation } from './password-rotation';
import { assignedProject } from './installer-projects';

const CHECK_LABELS: Record<string, string> = { ocpp_connection: 'OCPP connection', firmware_version: 'Firmware version', heartbeat: 'Heartbeat' };

/**
 * The long-term password as one more row under the charge point's checks: `rotated` only once the
 * charger has connected with it, else `pending_adoption` (or refused/failed/expired), so the
 * certificate never claims a rotation the charger has not made (domain/password-rotation.ts).
 */
function passwordRow(cp: ChargePoint, at: string) {
  const r = describePasswordRotation(cp, at);
  if (!r) return { name: 'password_rotation', label: 'Long-term password', status: 'not_started', detail: 'The charge point has not been moved to a long-term password yet' };
  return { name: 'password_rotation', label: 'Long-term password', status: r.status, detail: r.detail, at: r.at };
}

const LABELS: Record<ChecklistItem, string> = {
  meter_calibration: 'Meter calibration',
  emergency_stop_tested: 'Emergency stop tested',
  cable_management_inspected: 'Cable management inspected',
  enclosure_ip_rating_inspected: 'Enclosure IP rating inspected',
  site_owner_briefed: 'Site owner briefed',
};

export interface HandoverView {
  readonly project_id: string;
  readonly status: 'handed_over';
  readonly handed_over_at: string;
  readonly handed_over_by: string;
  readonly handover_certificate_url: string;
  readonly certificate_sha256: string;
}

/** One charge point as the certificate shows it, as of the handover time. */
export function certificateChargePoint(c: ChargePoint, handedOverAt: string, connectorCount: number = c.connectorCount): CertificateChargePoint {
  const note = firmwareNote(c);
  return {
    serialNumber: c.displaySerial ?? c.identity ?? c.chargePointId,
    ...(c.boot?.chargePointVendor ?? c.vendor ? { vendor: c.boot?.chargePointVendor ?? c.vendor } : {}),
    ...(c.boot?.chargePointModel ?? c.model ? { model: c.boot?.chargePointModel ?? c.model } : {}),
    ...(c.firmwareVersion ? { firmwareVersion: c.firmwareVersion } : {}),
    ...(note ? { firmwareNote: note } : {}),
    ocppProtocol: c.protocol ?? 'unknown',
    connectorCount,
    commissioningStatus: c.commissioning?.status ?? 'pending',
    checks: [
      ...(c.commissioning?.checks ?? []).map((x) => ({ name: x.name, label: CHECK_LABELS[x.name] ?? x.name, status: x.status, detail: x.detail, ...(x.at ? { at: x.at } : {}) })),
      passwordRow(c, handedOverAt),
    ],
  };
}

async function view(project: ProjectWithState): Promise<HandoverView> {
  const h = project.handover!;
  return {
    project_id: project.projectId,
    status: 'handed_over',
    handed_over_at: h.handedOverAt,
    handed_over_by: h.handedOverBy,
    handover_certificate_url: await presignCertificateUrl(h.certificateKey),
    certificate_sha256: h.certificateSha256,
  };
}

/**
 * What still stands between the project and its handover (empty lists = ready). A checklist item
 * recorded `failed` is reported as failed, not as missing: the installer did the check, and the
 * fix is on site (then record it again), not in the app.
 */
export function handoverBlockers(project: ProjectWithState, cps: readonly ChargePoint[]) {
  const notCompleted = cps
    .filter((c) => c.commissioning?.status !== 'completed')
    .map((c) => ({ charge_point_id: c.chargePointId, serial_number: c.displaySerial ?? c.identity ?? null, commissioning_status: c.commissioning?.status ?? 'pending' }));
  const checklistMissing: ChecklistItem[] = [];
  const checklistFailed: ChecklistItem[] = [];
  const checklistNotSupported: ChecklistItem[] = [];
  for (const item of CHECKLIST_ITEMS) {
    const r = project.checklist?.[item]?.result;
    if (r === 'passed' || (item === 'meter_calibration' && r === 'not_supported')) continue;
    if (r === 'failed') checklistFailed.push(item);
    else if (r === 'not_supported') checklistNotSupported.push(item);
    else checklistMissing.push(item);
  }
  return { notCompleted, checklistMissing, checklistFailed, checklistNotSupported, noChargePoints: cps.length === 0 };
}

export async function handOver(who: InstallerPrincipal, projectId: string): Promise<HandoverView> {
  const project = await assignedProject(who, projectId);
  if (project.status === 'handed_over' && project.handover) return view(project);
  const cps = await listChargePointsOfProject(projectId);
  const blockers = handoverBlockers(project, cps);
  const checklistOpen = blockers.checklistMissing.length + blockers.checklistFailed.length + blockers.checklistNotSupported.length;
  if (blockers.noChargePoints || blockers.notCompleted.length || checklistOpen) {
    const reasons = [
      ...(blockers.noChargePoints ? ['the project has no charge points'] : []),
      ...(blockers.notCompleted.length ? [`${blockers.notCompleted.length} charge point(s) not completed`] : []),
      ...(blockers.checklistFailed.length ? [`checklist items failed (record them again once they pass): ${blockers.checklistFailed.join(', ')}`] : []),
      ...(blockers.checklistNotSupported.length ? [`checklist items recorded not_supported, which only meter_calibration may be: ${blockers.checklistNotSupported.join(', ')}`] : []),
      ...(blockers.checklistMissing.length ? [`checklist items not recorded yet: ${blockers.checklistMissing.join(', ')}`] : []),
    ];
    throw new Forbidden(`The project cannot be handed over yet: ${reasons.join('; ')}`, {
      charge_points_not_completed: blockers.notCompleted,
      checklist_missing: blockers.checklistMissing,
      checklist_failed: blockers.checklistFailed,
      checklist_not_supported: blockers.checklistNotSupported,
    });
  }

  // One attempt at a time makes the certificate: the others wait for it and answer the same handover.
  const claimId = randomUUID();
  if (!(await claimHandover(projectId, claimId, HANDOVER_CLAIM_SECONDS))) return awaitOtherHandover(projectId);
  try {
    return await issueAndRecord(who, project, cps, claimId);
  } catch (err) {
    await releaseHandoverClaim(projectId, claimId).catch(() => undefined);
    throw err;
  }
}

/** How long one attempt may hold the handover (render, sign and store take about a second). */
const HANDOVER_CLAIM_SECONDS = 60;
const HANDOVER_WAIT_MS = 20_000;

/** A concurrent handover holds the slot: wait for it (inside API Gateway's 29 s) and answer its result. */
async function awaitOtherHandover(projectId: string): Promise<HandoverView> {
  const deadline = Date.now() + HANDOVER_WAIT_MS;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    const current = await getProjectWithState(projectId);
    if (current?.status === 'handed_over' && current.handover) return view(current);
  }
  throw new Conflict('Another handover of this project is in progress; try again in a moment to get its certificate', { project_id: projectId });
}

async function issueAndRecord(who: InstallerPrincipal, project: ProjectWithState, cps: ChargePoint[], claimId: string): Promise<HandoverView> {
  const projectId = project.projectId;
  const handedOverAt = nowIso();
  const [operator, team, site, installer, connectorCounts] = await Promise.all([
    getOperator(project.operatorId),
    getTeam(project.operatorId, project.teamId),
    getSite(project.operatorId, project.siteId),
    getAccount(who.installerId),
    // Certify the connectors the charger reported, not only the count typed at registration.
    Promise.all(cps.map(async (c) => [c.chargePointId, await readConnectorCount(c)] as const)).then((pairs) => new Map(pairs)),
  ]);
  // The claim above makes this the only attempt that writes a certificate for the project.
  const digits = handedOverAt.replace(/[^0-9]/g, '');
  const certificateId = `HC-${digits.slice(0, 8)}-${digits.slice(8)}`;
  const data: HandoverCertificateData = {
    certificateId,
    project: { id: project.projectId, jobNumber: project.jobNumber, name: project.name },
    site: { name: site?.name ?? project.siteId, address: site?.address ?? '', country: site?.country ?? '' },
    siteOwner: { name: team?.name ?? project.teamId },
    operator: { name: operator?.name ?? project.operatorId },
    installer: { name: installer?.name ?? who.email, email: who.email },
    handedOverAt,
    chargePoints: cps.map((c) => certificateChargePoint(c, handedOverAt, connectorCounts.get(c.chargePointId) ?? c.connectorCount)),
    checklist: CHECKLIST_ITEMS.map((item) => {
      const r = project.checklist?.[item];
      return { name: item, label: LABELS[item], result: r?.result ?? 'missing', ...(r?.byName ?? r?.by ? { by: r?.byName ?? r?.by } : {}), ...(r?.at ? { at: r.at } : {}), ...(r?.notes ? { note: r.notes } : {}) };
    }),
    verificationNote:
      'This document is digitally signed by the commissioning platform. Any change to it invalidates the signature; check it in a PDF reader or with `pdfsig`. The SHA-256 of this file is recorded with the project.',
  };
  const issued = await issueHandoverCertificate(data);
  const won = await markHandedOver(projectId, { handedOverAt, handedOverBy: who.email, certificateKey: issued.key, certificateSha256: issued.sha256 }, claimId);
  const final = (await getProjectWithState(projectId))!;
  if (won) {
    await publish([
      makeEvent('project.handed_over', project.operatorId, {
        project_id: projectId,
        job_number: project.jobNumber,
        handed_over_at: handedOverAt,
        handed_over_by: who.email,
        handover_certificate_url: issued.url,
        certificate_sha256: issued.sha256,
        charge_point_ids: cps.map((c) => c.chargePointId),
      }),
    ]);
  }
  return view(final);
}

export async function getHandover(projectId: string, canSee: (p: ProjectWithState) => boolean): Promise<HandoverView> {
  const project = await getProjectWithState(projectId);
  if (!project || !canSee(project)) throw new NotFound(`Project ${projectId} not found`);
  if (project.status !== 'handed_over' || !project.handover) throw new NotFound(`Project ${projectId} has not been handed over yet`);
  return view(project);
}

export async function installerGetHandover(who: InstallerPrincipal, projectId: string): Promise<HandoverView> {
  await assignedProject(who, projectId);
  return getHandover(projectId, () => true);
}
