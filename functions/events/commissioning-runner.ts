// Target of commissioning.started: nudge the charge point (TriggerMessage) and re-evaluate the checks.
import type { EventBridgeEvent } from 'aws-lambda';
import type { DomainEvent } from '../../lib/events/catalogue';
import { runCommissioning } from '../../lib/domain/commissioning';

export const handler = async (event: EventBridgeEvent<'commissioning.started', DomainEvent<'commissioning.started'>>): Promise<void> => {
  await runCommissioning(event.detail.data.charge_point_id);
};
