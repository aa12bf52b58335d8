// The public job API (issue #14, docs/job-page.md): what the installer's phone reads and changes
// through a job link. Every use case starts from resolvePublicLink (the token is the credential),
// refuses writes once the job is completed, and records each change in the charge point's log as
// made "via public link <link_id>" (category `audit`), in the same transaction as the change, so
// the operator sees it through GET /api/v1/operator/charge-points/{id}/logs.
//
// Reads are bounded (ACCESS_PATTERNS.md, "A job view"): the link, the operator, the project, the
// site, the project's charge points, and per charge point a fixed number of small reads.
import { createHash } from 'node:crypto';
import { transactWrite } from '../aws/transact';
import { config } from '../config';
import { getChargePoint, getIdentityGuard, listChargePointsOfProject, type ChargePoint } from '../db/charge-points';
import { keys } from '../db/keys';
import { getSite, type Project } from '../db/projects';
import { nowIso } from '../ids';
import { canonicalIdentity, isValidIdentity } from '../ocpp/credentials';
import type { OcppVersion } from '../ocpp/versions';
import { CONNECTOR_POSITIONS } from '../api/schemas';
import { openSecret, SEAL_PURPOSES } from '../webhooks/secret-box';
import { describeActor, type Actor } from './actors';
import { auditPut } from './audit';
import { jobPageLog } from './charge-point-log';
import { isActive, viewChargePoint } from './charge-point-view';
import { planSerial, registerChargePoint, reidentifyChargePoint, serialInUseMessage } from './charge-points';
import { lastFailedAttempt } from './connection-diagnosis';
import { addNote, notesOf, type NoteView } from './notes';
import { Conflict, NotFound, ValidationFailed } from './errors';
import { completeJob, jobStatusOf } from './jobs';
import { resolvePublicLink, type ResolvedLink } from './public-links';
import { lastRemoteAction, offeredActions, runRemoteAction, type ActionResultView, type JobPageAction } from './remote-actions';

export { CONNECTOR_POSITIONS };

export interface JobChargePoint {
  readonly charge_point_id: string;
  readonly serial: string | null;
  readonly connector_position: string | null;
  readonly status: string;
  readonly validation_message: string | null;
  readonly integration_state: string;
  readonly charge_point_state: string;
  readonly active: boolean;
  readonly connection: { readonly ocpp_url: string | null; readonly protocol: OcppVersion | null; readonly password_state: 'provisioning' | 'long_term' | 'none' };
  readonly actions: Record<JobPageAction, boolean>;
  readonly last_action: ActionResultView | null;
  readonly last_failed_attempt: { readonly cause: string; readonly message: string; readonly at: string } | null;
  readonly notes: NoteView[];
}

export interface JobView {
  readonly link: { readonly link_id: string; readonly expires_at: string };
  readonly job: {
    readonly project_id: string;
    readonly job_number: string;
    readonly name: string;
    readonly status: 'open' | 'in_progress' | 'completed';
    readonly description: string;
    readonly instructions: string;
    readonly site: { readonly name: string; readonly address: string };
    readonly completed_at: string | null;
    readonly read_only: boolean;
  };
  readonly summary: { readonly total: number; readonly connected: number; readonly text: string };
  readonly connector_positions: readonly string[];
  readonly charge_points: JobChargePoint[];
}

/** The exact URL the charger is configured with: the same form the installer registration reply gives (OCPP-J: identity as the last path segment). */
export function ocppUrlOf(identity: string): string {
  return `${config().ocppPublicEndpoint}/${encodeURIComponent(identity)}`;
}

const NO_ACTIONS: Record<JobPageAction, boolean> = { start: false, stop: false, unlock: false, reboot: false };

async function jobChargePoint(cp: ChargePoint, readOnly: boolean): Promise<JobChargePoint> {
  const [view, notes, failed] = await Promise.all([viewChargePoint(cp), notesOf(cp), lastFailedAttempt(cp)]);
  return {
    charge_point_id: cp.chargePointId,
    serial: cp.displaySerial ?? cp.identity ?? cp.plannedSerial ?? null,
    connector_position: cp.connectorPosition ?? null,
    status: view.status,
    validation_message: view.validation_message,
    integration_state: view.integration_state,
    charge_point_state: view.charge_point_state,
    active: view.active,
    connection: {
      ocpp_url: cp.identity ? ocppUrlOf(cp.identity) : null,
      protocol: cp.protocol ?? null,
      password_state: cp.credentials?.kind ?? 'none',
    },
    // After completion the page is read-only: nothing is offered that would be refused.
    actions: readOnly ? NO_ACTIONS : offeredActions(cp, view),
    last_action: lastRemoteAction(cp),
    last_failed_attempt: failed,
    notes,
  };
}

function byCreation(a: ChargePoint, b: ChargePoint): number {
  return a.createdAt.localeCompare(b.createdAt) || a.chargePointId.localeCompare(b.chargePointId);
}

export async function buildJobView(resolved: ResolvedLink): Promise<JobView> {
  const { link, project } = resolved;
  const [site, chargePoints] = await Promise.all([getSite(project.operatorId, project.siteId), listChargePointsOfProject(project.projectId)]);
  const status = jobStatusOf(project, chargePoints);
  const readOnly = status === 'completed';
  const rows = await Promise.all([...chargePoints].sort(byCreation).map((cp) => jobChargePoint(cp, readOnly)));
  const connected = rows.filter((r) => r.integration_state === 'connected').length;
  return {
    link: { link_id: link.linkId, expires_at: link.validUntil },
    job: {
      project_id: project.projectId,
      job_number: project.jobNumber,
      name: project.name,
      status,
      description: project.description,
      instructions: project.instructions,
      site: { name: site?.name ?? '', address: site?.address ?? '' },
      completed_at: completedAtOf(project),
      read_only: readOnly,
    },
    summary: { total: rows.length, connected, text: `${connected} / ${rows.length} connected` },
    connector_positions: CONNECTOR_POSITIONS,
    charge_points: rows,
  };
}

function completedAtOf(project: Project): string | null {
  const p = project as Project & { readonly completedAt?: string };
  return p.completedAt ?? project.handedOverAt ?? null;
}

/** The job view and its entity tag: a hash of the JSON body, so equal bodies get equal tags whatever changed underneath. */
export async function showJob(token: string, clientIp: string): Promise<{ view: JobView; etag: string }> {
  const view = await buildJobView(await resolvePublicLink(token, clientIp));
  return { view, etag: etagOf(view) };
}

export function etagOf(body: unknown): string {
  return `"${createHash('sha256').update(JSON.stringify(body)).digest('base64url').slice(0, 32)}"`;
}

/** RFC 9110 §13.1.2: If-None-Match is a list of tags (or `*`); weak comparison. */
export function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  const bare = (t: string) => t.trim().replace(/^W\//, '');
  return header.split(',').some((t) => bare(t) === bare(etag));
}

// ---------------------------------------------------------------------------------------------
// Writes
// ---------------------------------------------------------------------------------------------

interface WriteContext {
  readonly resolved: ResolvedLink;
  readonly actor: Actor;
}

/** The link, and its job still open for changes. */
async function openForWrite(token: string, clientIp: string): Promise<WriteContext> {
  const resolved = await resolvePublicLink(token, clientIp, { consistent: true });
  // `completed` needs only the project (completion or handover); no charge point read.
  if (jobStatusOf(resolved.project) === 'completed') {
    throw new Conflict(`This job is complete and its page is read-only. Ask ${resolved.operatorName} if something still needs changing.`);
  }
  return { resolved, actor: { kind: 'public_link', linkId: resolved.link.linkId } };
}

/** One charge point of the job, strongly consistent (the writes below are conditional on it); anyone else's is a 404. */
async function chargePointOfJob(resolved: ResolvedLink, chargePointId: string): Promise<ChargePoint> {
  const cp = await getChargePoint(chargePointId, true);
  if (!cp || cp.projectId !== resolved.project.projectId) throw new NotFound(`Charge point ${chargePointId} is not part of this job`);
  return cp;
}

async function forWrite(token: string, clientIp: string, chargePointId: string): Promise<WriteContext & { readonly cp: ChargePoint }> {
  const ctx = await openForWrite(token, clientIp);
  return { ...ctx, cp: await chargePointOfJob(ctx.resolved, chargePointId) };
}

/** What registerChargePoint and the event record as the registrant. */
const registrantOf = (actor: Actor) => (actor.kind === 'public_link' ? `public_link:${actor.linkId}` : describeActor(actor));

/**
 * Once the operator has opened a charge point to drivers (activated it, db/charge-points.ts
 * `active`), it is live: the job link may still look at it, reboot and unlock it and add notes, but
 * no longer start or stop charges on it (a test start would be free on a charger whose drivers pay,
 * a stop would end a driver's charge), issue it a new password or change its serial (either locks
 * the live charger out until someone re-enters it). 409, saying who can.
 */
function refuseOnLiveChargePoint(cp: ChargePoint, what: string): void {
  if (!isActive(cp)) return;
  throw new Conflict(`This charge point is open to drivers (the operator activated it), so the job link can no longer ${what}; ask the operator.`, { reason: 'charge_point_active' });
}

export interface ChargePointPatch {
  readonly serial?: string;
  readonly connector_position?: string | null;
  readonly protocol?: OcppVersion;
}

/**
 * PATCH a charge point from the job page: serial and connector position, all or nothing.
 *
 * A serial that is free is registered for this charge point through the installer registration
 * (registerChargePoint, filling this planned charge point); its protocol is the planned one, or the
 * one the page sends (`protocol`). A serial another team holds is stored as the planned serial, and
 * the status becomes the guide's `Serial is in use by: <Team>` until the installer fixes it. A
 * registered charge point given another free serial is re-identified in one transaction
 * (reidentifyChargePoint). Every path writes its audit entry in the same transaction.
 */
export async function patchChargePoint(token: string, clientIp: string, chargePointId: string, patch: ChargePointPatch): Promise<JobChargePoint> {
  const { resolved, actor, cp } = await forWrite(token, clientIp, chargePointId);
  const position = patch.connector_position;
  const positionText = position === undefined ? '' : position === null ? '; connector position cleared' : `; connector position set to ${position}`;
  if (patch.serial !== undefined) {
    const raw = patch.serial.trim();
    if (!isValidIdentity(raw)) {
      throw new ValidationFailed('The serial cannot be used as the charger\'s OCPP identity', [{ field: 'serial', message: 'must be 1–48 characters of A–Z, a–z, 0–9 and * - _ = + | @ .' }]);
    }
    const identity = canonicalIdentity(raw);
    if (identity !== cp.identity) {
      refuseOnLiveChargePoint(cp, 'change its serial (the charger would be locked out)');
      await changeSerial(resolved, actor, cp, raw, identity, patch.protocol, position, positionText);
      return reread(chargePointId);
    }
  }
  if (position !== undefined) {
    const result = await transactWrite([
      {
        Update: {
          TableName: config().tableName,
          Key: keys.chargePoint(cp.chargePointId),
          UpdateExpression: position === null ? 'SET updatedAt = :now REMOVE connectorPosition' : 'SET connectorPosition = :pos, updatedAt = :now',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':now': nowIso(), ...(position === null ? {} : { ':pos': position }) },
        },
      },
      auditPut(cp, actor, 'connector_position', positionText.slice(2).replace(/^c/, 'C')),
    ]);
    if (result.cancelled) throw new NotFound(`Charge point ${chargePointId} is not part of this job`);
  }
  return reread(chargePointId);
}

async function changeSerial(
  resolved: ResolvedLink,
  actor: Actor,
  cp: ChargePoint,
  raw: string,
  identity: string,
  protocol: OcppVersion | undefined,
  position: string | null | undefined,
  positionText: string,
): Promise<void> {
  const project = resolved.project;
  const holder = await getIdentityGuard(identity);
  if (holder && holder.chargePointId !== cp.chargePointId) {
    // The guide's rule: a serial another team holds is kept (as the planned serial) and the status
    // shows `Serial is in use by: <Team>` until the installer fixes it. Not for a charge point that
    // is registered (it keeps working under its serial), nor inside our own team, where the guide's
    // message would name our own customer: both are a plain 409 naming the field.
    if (holder.teamId !== project.teamId && !cp.identity) {
      await planSerial(cp, raw, {
        connectorPosition: position,
        alsoWrite: [auditPut(cp, actor, 'serial', `Serial set to ${raw} (in use by another team: not registered)${positionText}`)],
      });
      return;
    }
    const where =
      holder.projectId === project.projectId
        ? `Serial ${raw} is already used by another charge point of this job`
        : holder.teamId === project.teamId
          ? `Serial ${raw} is already used on another job of the same site owner`
          : serialInUseMessage(holder, project.operatorId);
    throw new Conflict(cp.identity ? `${where}. This charge point keeps its serial ${cp.displaySerial ?? cp.identity}.` : where, { field: 'serial' });
  }
  if (cp.identity) {
    await reidentifyChargePoint(cp, raw, {
      keepSealedCopy: true,
      registeredBy: registrantOf(actor),
      connectorPosition: position,
      alsoWrite: [auditPut(cp, actor, 'serial', `Serial changed from ${cp.displaySerial ?? cp.identity} to ${raw}; new provisioning password issued${positionText}`, identity)],
    });
    return;
  }
  const chosen = cp.protocol ?? protocol;
  if (!chosen) {
    throw new ValidationFailed('Choose the charger\'s OCPP version: this charge point was planned without one', [{ field: 'protocol', message: 'is required for this charge point: ocpp1.6 or ocpp2.0.1' }]);
  }
  await registerChargePoint({
    projectId: project.projectId,
    chargePointId: cp.chargePointId,
    serialNumber: raw,
    protocol: chosen,
    connectorCount: cp.connectorCount,
    registeredBy: registrantOf(actor),
    keepSealedCopy: true,
    connectorPosition: position,
    alsoWrite: [auditPut(cp, actor, 'serial', `Serial set to ${raw} (registered, ${chosen})${positionText}`, identity)],
  });
}

async function reread(chargePointId: string): Promise<JobChargePoint> {
  const cp = await getChargePoint(chargePointId, true);
  if (!cp) throw new NotFound(`Charge point ${chargePointId} is not part of this job`);
  return jobChargePoint(cp, false);
}

export const NEW_PASSWORD_MESSAGE =
  'A new password was issued. The previous one stops working now: enter this one in the charger (a charger connected with the old one stays connected until it reconnects).';

/**
 * A fresh provisioning password for a registered charge point: the installer registration's
 * re-provisioning path (registerChargePoint with `reprovision`), so the old passwords stop working at
 * once and commissioning starts again. A sealed copy is kept for reveal.
 */
export async function issueNewPassword(token: string, clientIp: string, chargePointId: string): Promise<{ password: string; issued_at: string; message: string }> {
  const { resolved, actor, cp } = await forWrite(token, clientIp, chargePointId);
  if (!cp.identity || !cp.protocol) throw new Conflict('Set the charge point\'s serial first: its password comes with the registration', { field: 'serial' });
  refuseOnLiveChargePoint(cp, 'issue it a new password (the charger would be locked out)');
  const result = await registerChargePoint({
    projectId: resolved.project.projectId,
    chargePointId: cp.chargePointId,
    serialNumber: cp.displaySerial ?? cp.identity,
    protocol: cp.protocol,
    reprovision: true,
    registeredBy: registrantOf(actor),
    keepSealedCopy: true,
    alsoWrite: [auditPut(cp, actor, 'password', 'New provisioning password issued (the previous one stopped working)')],
  });
  return { password: result.provisioningPassword, issued_at: result.chargePoint.credentials!.issuedAt, message: NEW_PASSWORD_MESSAGE };
}

/**
 * Shows the provisioning password again. We store passwords only as hashes; the one exception is
 * a KMS-sealed copy of the *provisioning* password issued through a job link (or the demo seed):
 * the installer types it into the charger on site, often well after it was issued, and a page that
 * can only ever show it once would push them to "new password" (which resets commissioning) every
 * time the phone reloads. The copy lives inside `credentials` and is dropped by the same write that
 * moves the charger to its long-term password (commissioning's rotation): the long-term password is
 * never kept in a readable form, and from then on this answers 409. Revealing is logged like a change.
 * Refused after completion too: a finished job's page shows nothing secret.
 */
export async function revealPassword(token: string, clientIp: string, chargePointId: string): Promise<{ password: string; issued_at: string }> {
  const { actor, cp } = await forWrite(token, clientIp, chargePointId);
  const creds = cp.credentials;
  if (!creds) throw new Conflict('This charge point has no password yet: set its serial first', { field: 'serial' });
  if (creds.kind !== 'provisioning') {
    throw new Conflict('The charger has moved to its long-term password, which is never shown; the provisioning password is no longer needed. If the charger must be set up again, issue a new password.');
  }
  if (!creds.sealedProvisioning) {
    throw new Conflict('This password was issued outside the job page and only its hash is kept, so it cannot be shown. Issue a new password to see one.');
  }
  const password = await openSecret(creds.sealedProvisioning, SEAL_PURPOSES.provisioningPassword);
  await transactWrite([auditPut(cp, actor, 'password_revealed', 'Provisioning password shown')]);
  return { password, issued_at: creds.issuedAt };
}

export async function addPublicNote(token: string, clientIp: string, chargePointId: string, text: string): Promise<NoteView> {
  const { actor, cp } = await forWrite(token, clientIp, chargePointId);
  return addNote(cp, actor, text);
}

/** The job page's actions: a start is the installer's free test charge (INSTALLER_TEST_ID_TAG). */
export async function runPublicAction(token: string, clientIp: string, chargePointId: string, action: JobPageAction): Promise<ActionResultView> {
  const { actor, cp } = await forWrite(token, clientIp, chargePointId);
  if (action === 'start' || action === 'stop') refuseOnLiveChargePoint(cp, `${action} charges on it (its drivers' charges are theirs and the operator's)`);
  return runRemoteAction(cp, action === 'start' ? { action, installerTest: true } : { action }, actor);
}

export async function completePublicJob(token: string, clientIp: string, activateAll: boolean): Promise<JobView> {
  const { resolved, actor } = await openForWrite(token, clientIp);
  await completeJob(resolved.project.projectId, { activateAll, actor });
  // Read back (the project strongly consistent): the view shows the job completed and read-only.
  return buildJobView(await resolvePublicLink(token, undefined, { consistent: true }));
}

/**
 * The newest log entries of one of the job's charge points, for the page's "Log" disclosure: its
 * own route (fetched when the installer opens it), so the job view that the page polls stays small
 * and its ETag does not change with every Heartbeat. Readable after completion too (read-only page).
 */
export async function showPublicChargePointLog(token: string, clientIp: string, chargePointId: string) {
  const resolved = await resolvePublicLink(token, clientIp);
  return jobPageLog(await chargePointOfJob(resolved, chargePointId));
}
