// Target of the scheduled `powerbank-region-check` rule (daily, issue #19): re-evaluate every charge
// point of every operator (lib/domain/powerbank/enrolment.ts regionCheck), one report per operator.
import type { ScheduledEvent } from 'aws-lambda';
import { listOperators } from '../../lib/db/operators';
import { regionCheckOperator } from '../../lib/domain/powerbank/enrolment';
import { log } from '../../lib/log';

export const handler = async (_event: ScheduledEvent): Promise<void> => {
  for (const operator of await listOperators()) {
    const report = await regionCheckOperator(operator.operatorId, 'schedule');
    if (report.changes.length) log.info('powerbank region check', { operatorId: operator.operatorId, checked: report.checked, changed: report.changes.length });
  }
};
