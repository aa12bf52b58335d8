// Target of commissioning.completed: long-term password, then an Accepted boot if there is none yet.
import type { EventBridgeEvent } from 'aws-lambda';
import { getChargePoint } from '../../lib/db/charge-points';
import { finishCommissioning } from '../../lib/domain/commissioning';
import type { DomainEvent } from '../../lib/events/catalogue';

export const handler = async (event: EventBridgeEvent<'commissioning.completed', DomainEvent<'commissioning.completed'>>): Promise<void> => {
  const cp = await getChargePoint(event.detail.data.charge_point_id, true);
  if (!cp || cp.commissioning?.passwordRotation) return; // already finished (at-least-once delivery)
  await finishCommissioning(cp);
};
