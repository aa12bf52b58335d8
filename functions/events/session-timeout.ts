// Target of the scheduled `session-timeout` rule: end, by timeout, the running sessions of chargers
// that have been disconnected too long (domain/sessions.ts closeLostSessions).
import type { ScheduledEvent } from 'aws-lambda';
import { closeLostSessions } from '../../lib/domain/sessions';
import { log } from '../../lib/log';

export const handler = async (event: ScheduledEvent): Promise<void> => {
  const closed = await closeLostSessions(event.time ? new Date(event.time) : new Date());
  if (closed.length > 0) log.info('sessions ended by the lost-charger timeout', { count: closed.length });
};
