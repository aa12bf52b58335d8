// Target of the `powerbank-capabilities` rules (issue #19): a charger was enrolled, or reported a new
// brand or model: read its charging-profile capabilities now, ahead of any activation.
import type { EventBridgeEvent } from 'aws-lambda';
import { learnCapabilities } from '../../lib/domain/powerbank/capabilities';
import type { DomainEvent } from '../../lib/events/catalogue';

type Trigger = 'powerbank.enrolled' | 'charge_point.booted';

export const handler = async (event: EventBridgeEvent<Trigger, DomainEvent<Trigger>>): Promise<void> => {
  const data = event.detail.data as { charge_point_id: string; boot_status?: string };
  // A Rejected boot: the charger is not to be talked to until it boots again.
  if (data.boot_status === 'Rejected') return;
  await learnCapabilities(data.charge_point_id);
};
