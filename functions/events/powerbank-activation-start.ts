// Target of the `powerbank-activation-start` rule: an activation created with a start of now is
// started here, off the request path (the POST answered 202).
import type { EventBridgeEvent } from 'aws-lambda';
import { runDueActivation } from '../../lib/domain/powerbank/activations';
import type { DomainEvent } from '../../lib/events/catalogue';

export const handler = async (event: EventBridgeEvent<'powerbank.activation_due', DomainEvent<'powerbank.activation_due'>>): Promise<void> => {
  await runDueActivation(event.detail.operator_id, event.detail.data.activation_id);
};
