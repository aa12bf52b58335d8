// Target of the `powerbank-charger-changed` rule (issue #19): a charger was registered or booted (it
// appeared, or reported its brand and model): check its location now, so a compatible DK2 charger is
// enrolled when it appears and one that now reports an incompatible model is suspended.
import type { EventBridgeEvent } from 'aws-lambda';
import { regionCheckForCharger } from '../../lib/domain/powerbank/enrolment';
import type { DomainEvent } from '../../lib/events/catalogue';

type Trigger = 'charge_point.registered' | 'charge_point.booted';

export const handler = async (event: EventBridgeEvent<Trigger, DomainEvent<Trigger>>): Promise<void> => {
  await regionCheckForCharger(event.detail.data.charge_point_id, 'charger_changed');
};
