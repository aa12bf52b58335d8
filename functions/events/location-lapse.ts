// Target of the scheduled `location-access-lapse` rule: warn installers two days before their full
// access to a location ends, and record the lapse (domain/location-lapse.ts sweepGrantLapses).
import type { ScheduledEvent } from 'aws-lambda';
import { sweepGrantLapses } from '../../lib/domain/location-lapse';
import { log } from '../../lib/log';

export const handler = async (event: ScheduledEvent): Promise<void> => {
  const result = await sweepGrantLapses(event.time ? new Date(event.time) : new Date());
  if (result.warned + result.lapsed > 0) log.info('installer access sweep', { ...result });
};
