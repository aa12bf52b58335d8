// Fan-out: one domain event → one delivery per matching subscription of its operator, each
// attempted right away. Idempotent, so EventBridge may retry the whole invocation safely: a
// delivery that already exists is neither recorded nor attempted again (if its first attempt was
// lost with a crash, its claim lapses and the retry sweeper picks it up).
import { z } from 'zod';
import type { DomainEvent } from '../events/catalogue';
import { log } from '../log';
import { isWebhookEventType, subscribesTo } from './event-types';
import { attemptDelivery, recordNewDelivery } from './delivery';
import { listSubscriptions } from './store';

/** The envelope every published event has (lib/events/catalogue.ts); data was validated by the publisher. */
export const EventEnvelopeSchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9-]{1,100}$/),
  type: z.string().refine(isWebhookEventType, 'is not a webhook event type'),
  version: z.literal(1),
  time: z.iso.datetime({ offset: true }),
  operator_id: z.string().min(1),
  data: z.record(z.string(), z.unknown()),
});

export interface FanOutResult {
  readonly subscriptions: number;
  readonly recorded: number;
  readonly delivered: number;
}

export async function fanOutEvent(detail: unknown, now = new Date()): Promise<FanOutResult> {
  const parsed = EventEnvelopeSchema.safeParse(detail);
  if (!parsed.success) {
    // Not retryable: the same detail would fail again. Logged loudly; nothing a receiver could get.
    log.error('webhook fan-out got an event that is not a webhook event envelope', { issues: parsed.error.issues });
    return { subscriptions: 0, recorded: 0, delivered: 0 };
  }
  const event = parsed.data as unknown as DomainEvent;
  const subscriptions = (await listSubscriptions(event.operator_id)).filter((s) => subscribesTo(s.eventTypes, event.type));
  const results = await Promise.allSettled(
    subscriptions.map(async (s) => {
      const claimed = await recordNewDelivery(s, event, now);
      if (!claimed) return { recorded: false, delivered: false };
      const done = await attemptDelivery(claimed, s, 'initial');
      return { recorded: true, delivered: done?.status === 'succeeded' };
    }),
  );
  const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failures.length) {
    // Recording failed (e.g. throttling): fail the invocation so EventBridge retries it; the
    // deliveries already recorded are not duplicated.
    throw new AggregateError(failures.map((f) => f.reason as unknown), `webhook fan-out failed for ${failures.length} subscription(s) of event ${event.id}`);
  }
  const ok = results.map((r) => (r as PromiseFulfilledResult<{ recorded: boolean; delivered: boolean }>).value);
  return { subscriptions: subscriptions.length, recorded: ok.filter((r) => r.recorded).length, delivered: ok.filter((r) => r.delivered).length };
}
