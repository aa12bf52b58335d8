// Target of the `send-email` rule: turns an `email.requested` event into one SES send.
import type { EventBridgeEvent } from 'aws-lambda';
import { sendEmail } from '../../lib/email/send';
import type { DomainEvent } from '../../lib/events/catalogue';

export const handler = async (event: EventBridgeEvent<'email.requested', DomainEvent<'email.requested'>>): Promise<void> => {
  await sendEmail(event.detail.data);
};
