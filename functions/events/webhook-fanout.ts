// Target of the `webhook-fanout` rule: one delivery per matching subscription, first attempt now.
import type { EventBridgeEvent } from 'aws-lambda';
import { webhookConfig } from '../../lib/webhooks/config';
import { fanOutEvent } from '../../lib/webhooks/fanout';

// Read at cold start so a bad WEBHOOK_* value fails loudly (STYLE.md).
webhookConfig();

export const handler = async (event: EventBridgeEvent<string, unknown>): Promise<void> => {
  await fanOutEvent(event.detail);
};
