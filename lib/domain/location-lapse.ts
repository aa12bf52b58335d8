// The installer-access lapse sweep (issue #16): on an hourly EventBridge schedule (lib/events/rules.ts
// `location-access-lapse`; the local runtime's timers run the same row), it mails an installer two
// days before their full access to a location ends (once) and records the lapse when it has ended
// (once: `lapsedAt`, a mail and a log entry). It decides nothing about access: every request reads
// the grant and the clock (domain/locations.ts grantRole), so a late or failed sweep cannot extend it.
//
// It reads only the sparse, sharded lapse index (AP-77): grants that have an end and no recorded
// lapse, up to two days ahead. Never a scan. Both records are conditional on the end the sweep saw,
// so an extension made meanwhile, or a second sweep, sends nothing twice.
import { GRANT_LAPSE_SHARDS, markGrantLapsed, markGrantWarned, queryGrantsEndingBy, type LocationGrant } from '../db/locations';
import { makeEvent, publish } from '../events/publish';
import { log } from '../log';

/** The warning goes out this long before the lapse (issue #16: two days). */
export const LAPSE_WARNING_HOURS = 48;

export interface SweepResult {
  readonly warned: number;
  readonly lapsed: number;
}

const mail = (to: string, subject: string, text: string) => publish([makeEvent('email.requested', 'platform', { to: [to], subject, text })]);
const locationUrl = (siteId: string) => `${process.env.PUBLIC_BASE_URL ?? ''}/api/v1/locations/${siteId}`;

export async function sweepGrantLapses(now: Date = new Date()): Promise<SweepResult> {
  const nowIso = now.toISOString();
  const horizon = new Date(now.getTime() + LAPSE_WARNING_HOURS * 3_600_000).toISOString();
  const shards = await Promise.all(Array.from({ length: GRANT_LAPSE_SHARDS }, (_, shard) => queryGrantsEndingBy(shard, horizon)));
  let warned = 0;
  let lapsed = 0;
  for (const grant of shards.flat()) {
    if (!grant.fullAccessUntil) continue;
    if (grant.fullAccessUntil <= nowIso) {
      if (await recordLapse({ ...grant, fullAccessUntil: grant.fullAccessUntil }, nowIso)) lapsed += 1;
    } else if (!grant.warnedAt && (await markGrantWarned(grant.siteId, grant.accountId, grant.fullAccessUntil, nowIso))) {
      warned += 1;
      await mail(
        grant.email,
        'Your full access to a charging location ends in two days',
        [
          `Your full access as installer to location ${grant.siteId} ends at ${grant.fullAccessUntil}.`,
          "After that you will only see whether its chargers are connected. If you still need more, ask the location's owner to extend your access.",
          '',
          `  ${locationUrl(grant.siteId)}`,
        ].join('\n'),
      );
    }
  }
  return { warned, lapsed };
}

async function recordLapse(grant: LocationGrant & { fullAccessUntil: string }, at: string): Promise<boolean> {
  if (!(await markGrantLapsed(grant.siteId, grant.accountId, grant.fullAccessUntil, at))) return false;
  log.info('installer full access lapsed', { siteId: grant.siteId, accountId: grant.accountId, fullAccessUntil: grant.fullAccessUntil });
  await mail(
    grant.email,
    'Your full access to a charging location has ended',
    [
      `Your full access as installer to location ${grant.siteId} ended at ${grant.fullAccessUntil}.`,
      "You still see whether its chargers are connected. The location's owner can give you full access again.",
      '',
      `  ${locationUrl(grant.siteId)}`,
    ].join('\n'),
  );
  return true;
}
