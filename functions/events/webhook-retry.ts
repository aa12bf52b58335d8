// Target of the scheduled `webhook-retry` rule: attempt every delivery whose next attempt is due.
import type { Context, ScheduledEvent } from 'aws-lambda';
import { webhookConfig } from '../../lib/webhooks/config';
import { retryDueDeliveries } from '../../lib/webhooks/retry';

// Read at cold start so a bad WEBHOOK_BACKOFF_SCALE fails loudly (STYLE.md).
const cfg = webhookConfig();

export const handler = async (_event: ScheduledEvent, context: Context): Promise<void> => {
  // Leave room for the last attempt (its timeout) and its two writes before Lambda stops us.
  await retryDueDeliveries({ deadline: Date.now() + context.getRemainingTimeInMillis() - cfg.timeoutMs - 5_000 });
};
