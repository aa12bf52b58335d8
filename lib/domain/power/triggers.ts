// What replans a location (issue #18): a session starts or ends, a charger's status changes, a meter
// reading moves by more than REPLAN_THRESHOLD_A, the settings change (those two publish
// power.replan_requested), and every minute for every location with power settings (the scheduled
// rule; it also notices a meter that went stale and falls the site back to its static reserve).
import { getChargePoint } from '../../db/charge-points';
import { listPowerSites } from '../../db/power';
import { log } from '../../log';
import { replanLocation } from './planner';

/** Replans the location of a charger, if it has power settings (the planner's first read says). */
export async function replanForCharger(chargePointId: string, trigger: string): Promise<void> {
  const cp = await getChargePoint(chargePointId);
  if (!cp?.siteId) return;
  await replanLocation(cp.siteId, trigger);
}

/** Locations replanned at once by the minute's rule: each waits on its chargers' answers. */
const CONCURRENCY = 8;

/** The minute's replan of every location with power settings (AP-117). A failing location does not stop the others. */
export async function replanAllLocations(): Promise<{ planned: number; failed: number }> {
  const sites = await listPowerSites();
  let failed = 0;
  for (let i = 0; i < sites.length; i += CONCURRENCY) {
    const results = await Promise.allSettled(sites.slice(i, i + CONCURRENCY).map((siteId) => replanLocation(siteId, 'every minute')));
    results.forEach((r, j) => {
      if (r.status === 'rejected') {
        failed += 1;
        log.error('scheduled power replan failed', { siteId: sites[i + j], err: r.reason });
      }
    });
  }
  return { planned: sites.length - failed, failed };
}
