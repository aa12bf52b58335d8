// Target of the `power-replan` rule: a session started or ended, a charger's status changed, or a
// replan was asked for (a meter reading moved, settings changed): replan that location now.
import type { EventBridgeEvent } from 'aws-lambda';
import { replanLocation } from '../../lib/domain/power/planner';
import { replanForCharger } from '../../lib/domain/power/triggers';
import type { DomainEvent } from '../../lib/events/catalogue';

type Trigger = 'session.started' | 'session.ended' | 'charge_point.status_changed' | 'power.replan_requested';

export const handler = async (event: EventBridgeEvent<Trigger, DomainEvent<Trigger>>): Promise<void> => {
  const e = event.detail;
  if (e.type === 'power.replan_requested') {
    const data = (e as DomainEvent<'power.replan_requested'>).data;
    await replanLocation(data.location_id, data.trigger);
    return;
  }
  const data = e.data as { charge_point_id: string };
  await replanForCharger(data.charge_point_id, e.type);
};
