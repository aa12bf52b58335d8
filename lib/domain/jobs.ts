// A job (project) as the installer's job page sees it: its status, marking it complete, and opening
// its charge points to drivers (activation). Issue #14 items 1 and 6; shared/DOMAIN.md §1.
//
// Completion and handover are two different facts, and either makes the job `completed`:
// - Completion (`completedAt`/`completedBy` on the project, here) is the installer saying "the work
//   is done" on the job page: it activates the charge points (by default) and publishes
//   `job.completed`. It issues no certificate and does not lock the installer API.
// - Handover (`project.handed_over`, domain/handover.ts) is the formal, final step with the signed
//   certificate; it needs every charge point commissioned and the checklist passed, and it locks the
//   project. A handed-over job counts as completed for the page (read-only) even if nobody pressed
//   "Mark as complete"; completing it afterwards is still allowed (it records who, publishes
//   job.completed once and activates what is still inactive), and completing never hands over.
import { getChargePoint, listChargePointsOfProject, markChargePointActive, type ChargePoint } from '../db/charge-points';
import { putLogEntry } from '../db/logs';
import { forgetChargePoint } from './authorization';
import { getProjectWithState, markJobCompleted, type Project, type ProjectWithState } from '../db/projects';
import { makeEvent, publish } from '../events/publish';
import { nowIso } from '../ids';
import { log } from '../log';
import { callChargePoint, type CommandRecord } from '../ocpp/commands';
import { describeActor, type Actor } from './actors';
import { isActive, viewChargePoint } from './charge-point-view';
import { NotFound } from './errors';
import { remoteActionTimeoutMs } from './remote-actions';

export const JOB_STATUSES = ['open', 'in_progress', 'completed'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/** Anything that shows work on a charge point has started: a serial that connected once, or commissioning begun. */
function started(cp: ChargePoint): boolean {
  return !!cp.connection || !!cp.lastDisconnectedAt || !!cp.boot || (cp.commissioning?.status ?? 'pending') !== 'pending';
}

/**
 * `completed` once marked complete or handed over; `in_progress` once anything has happened on the
 * job (a charger connected, commissioning started, a checklist item recorded); else `open`. Pass the
 * job's charge points (AP-07) to see whether one has connected; without them only the project's own
 * record (status, checklist) counts.
 */
export function jobStatusOf(project: Project | ProjectWithState, chargePoints: readonly ChargePoint[] = []): JobStatus {
  if (project.completedAt || project.status === 'handed_over') return 'completed';
  const checklist = (project as ProjectWithState).checklist;
  if (project.status === 'in_progress' || (checklist && Object.keys(checklist).length > 0) || chargePoints.some(started)) return 'in_progress';
  return 'open';
}

/**
 * Opens a charge point to drivers. Idempotent: the flag is a conditional update, so of two
 * concurrent activations (two completions, or a completion and the operator) exactly one applies,
 * and only that one talks to the charger; activating an active charge point changes nothing (its
 * availability is then the operator's business, through the ChangeAvailability command). When the
 * activation applies, the charger reports Unavailable (state `maintenance` from its connectors)
 * and it is connected, it is also asked to become Operative
 * with ChangeAvailability for the whole charger (1.6 §5.2 connectorId 0; 2.0.1 G03 without evse),
 * through the same command path as every other command; its answer is logged, and a refusal does
 * not undo the activation (the status keeps showing `maintenance`, so the operator sees it). A
 * charger that is offline in maintenance stays so until someone changes its availability.
 */
export async function activateChargePoint(cp: ChargePoint, actor: Actor): Promise<ChargePoint> {
  const by = describeActor(actor);
  const at = nowIso();
  const applied = await markChargePointActive(cp.chargePointId, by, at);
  // Activation ends free vend while inactive (domain/authorization.ts): drop the cached state here.
  if (applied) forgetChargePoint(cp.chargePointId);
  const now = (await getChargePoint(cp.chargePointId, true)) ?? cp;
  let changeAvailability: CommandRecord | undefined;
  if (now.identity && now.protocol) {
    const view = applied ? await viewChargePoint(now) : undefined;
    if (view && view.integration_state === 'connected' && view.charge_point_state === 'maintenance') {
      const payload = now.protocol === 'ocpp1.6' ? { connectorId: 0, type: 'Operative' } : { operationalStatus: 'Operative' };
      changeAvailability = await callChargePoint(now.identity, 'ChangeAvailability', payload, { timeoutMs: remoteActionTimeoutMs(), requestedBy: by }).catch((err: unknown) => {
        // Busy with another command, or a refusal before sending: the activation stands; log why.
        log.warn('ChangeAvailability on activation not sent', { identity: now.identity, err });
        return undefined;
      });
    }
    if (applied) {
      await putLogEntry({
        identity: now.identity,
        at,
        category: 'ocpp_state',
        kind: 'activated',
        detail: {
          by,
          newly_activated: applied,
          ...(changeAvailability ? { change_availability: changeAvailability.status, command_id: changeAvailability.commandId } : {}),
        },
      }).catch((err: unknown) => log.warn('activation log entry failed', { err }));
    }
  }
  return now;
}

/**
 * Marks the job complete: the completion is recorded with a conditional update, and only the call
 * that wins it goes on; a second completion (a double tap, a retry, two people) changes nothing and
 * publishes nothing. A job completed already returns at once. With `activateAll`, the winner then
 * activates every inactive charge point of the job (in parallel: each may wait up to 20 s for a
 * ChangeAvailability answer, and the HTTP API that waits for this has 30 s) and publishes
 * `job.completed` naming them.
 */
export async function completeJob(projectId: string, opts: { activateAll: boolean; actor: Actor }): Promise<void> {
  const project = await getProjectWithState(projectId);
  if (!project) throw new NotFound(`Project ${projectId} not found`);
  if (project.completedAt) return;
  const at = nowIso();
  const by = describeActor(opts.actor);
  // The completion is claimed first, so only one call (of a double tap, a retry, two people) goes
  // on: it alone reads the charge points, activates them and names them in the event. Activating
  // first let a second call read them already active, win the completion and publish an event that
  // named none as activated. A failure while activating leaves the job complete and those charge
  // points inactive, visible as such, for the operator's activate.
  if (!(await markJobCompleted(projectId, at, by))) return;
  const chargePoints = await listChargePointsOfProject(projectId);
  const toActivate = opts.activateAll ? chargePoints.filter((cp) => !isActive(cp)) : [];
  await Promise.all(toActivate.map((cp) => activateChargePoint(cp, opts.actor)));
  await publish([
    makeEvent('job.completed', project.operatorId, {
      project_id: projectId,
      job_number: project.jobNumber,
      completed_at: at,
      completed_by: by,
      activate_all: opts.activateAll,
      activated_charge_point_ids: toActivate.map((cp) => cp.chargePointId),
      charge_point_ids: chargePoints.map((cp) => cp.chargePointId),
    }),
  ]).catch((err: unknown) => log.error('publish job.completed failed', { projectId, err }));
}
