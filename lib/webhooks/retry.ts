// The retry sweeper, run once a minute: read what is due from every shard of the due index, claim
// each delivery (conditional update; a concurrent sweeper or a redelivery loses cleanly) and
// attempt it. Stops claiming when the invocation's time budget runs low; the rest stays due.
import { log } from '../log';
import { attemptDelivery, claimDue, DUE_SHARDS } from './delivery';
import type { WebhookDelivery, WebhookSubscription } from './model';
import { getSubscription, queryDueDeliveries } from './store';

export interface SweepOptions {
  /** Epoch ms after which no new attempt starts (an attempt takes at most the timeout). */
  readonly deadline: number;
  /** Due deliveries read per shard per run. */
  readonly perShard?: number;
  /** Attempts in flight at once. */
  readonly concurrency?: number;
  readonly now?: Date;
}

export interface SweepResult {
  readonly due: number;
  readonly attempted: number;
  readonly succeeded: number;
}

export async function retryDueDeliveries(opts: SweepOptions): Promise<SweepResult> {
  const now = opts.now ?? new Date();
  const shards = Array.from({ length: DUE_SHARDS }, (_, i) => i);
  const pages = await Promise.all(shards.map((s) => queryDueDeliveries(s, now.toISOString(), opts.perShard ?? 50)));
  const due = pages.flat().sort((a, b) => (a.nextAttemptAt ?? '').localeCompare(b.nextAttemptAt ?? ''));

  const subscriptions = new Map<string, Promise<WebhookSubscription | undefined>>();
  const subscriptionOf = (d: WebhookDelivery) => {
    let s = subscriptions.get(d.subscriptionId);
    if (!s) {
      s = getSubscription(d.operatorId, d.subscriptionId);
      subscriptions.set(d.subscriptionId, s);
    }
    return s;
  };

  let attempted = 0;
  let succeeded = 0;
  let next = 0;
  const worker = async () => {
    while (next < due.length && Date.now() < opts.deadline) {
      const d = due[next++]!;
      try {
        const claimed = await claimDue(d, new Date());
        if (!claimed) continue;
        attempted++;
        const done = await attemptDelivery(claimed, await subscriptionOf(d), 'retry');
        if (done?.status === 'succeeded') succeeded++;
      } catch (err) {
        // One delivery's database error must not stop the others; its claim lapses and it is retried.
        log.error('webhook retry failed', { deliveryId: d.deliveryId, subscriptionId: d.subscriptionId, err });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.concurrency ?? 16, Math.max(due.length, 1)) }, worker));
  if (due.length) log.info('webhook retry sweep', { due: due.length, attempted, succeeded });
  return { due: due.length, attempted, succeeded };
}
