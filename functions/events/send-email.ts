// Target of the `send-email` rule: turns an `email.requested` event into one SES send.
import type { EventBridgeEvent } from 'aws-lambda';
import { sendEmail, type EmailRequest } from '../../lib/email/send';

export const handler = async (event: EventBridgeEvent<'email.requested', EmailRequest>): Promise<void> => {
  await sendEmail(event.detail);
};
