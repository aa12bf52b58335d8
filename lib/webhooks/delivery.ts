// Delivering one event to one subscription: record it once, attempt it (signed, short timeout, no
// redirects), and record every attempt; failures wait in the sparse due index (gsi2) for the retry
// sweeper, the last failure turns the delivery into a dead letter and the subscription `failing`.
// Delivery is at-least-once: a crash after the receiver's 2xx and before the record means one more
// attempt with the same `webhook-id`, which receivers deduplicate on.
import { randomUUID } from 'node:crypto';
import type { DomainEvent } from '../events/catalogue';
import { log } from '../log';
import { nextRetryDelayMs } from './backoff';
import { webhookConfig } from './config';
import { retentionExpiry, type AttemptTrigger, type DeliveryAttempt, type WebhookDelivery, type WebhookSubscription } from './model';
import { postWebhook } from './post';
import { signWebhook } from './signing';
import { claimDueDelivery, createDelivery, patchSubscription, recordAttempt, type AttemptResult } from './store';
import { openSecret } from './secret-box';

/**
 * Writes to the due index are spread over this many partition keys (`WHDUE#00` … `WHDUE#15`) so a
 * receiver that is down, whose whole backlog is due at once, does not concentrate on one key.
 * Changing it strands items in the shards no longer read: only ever raise it together with a sweep
 * of the old range.
 */
export const DUE_SHARDS = 16;

/**
 * How long a claim lasts: longer than one attempt (timeout + two writes), short enough that a
 * delivery whose worker died is retried within a few minutes. Not scaled by WEBHOOK_BACKOFF_SCALE.
 */
export const LEASE_MS = 2 * 60_000;

export const USER_AGENT = 'chargepoint-commissioning-webhooks/1';

/** The delivery id of an event for a subscription: derived, so recording it twice is a no-op. */
export function deliveryIdFor(event: Pick<DomainEvent, 'id' | 'time'>): string {
  const ms = Date.parse(event.time);
  return `dlv_${String(Number.isFinite(ms) ? ms : 0).padStart(13, '0')}_${event.id}`;
}

/** FNV-1a of the delivery's key, so one subscription's backlog spreads over every shard. */
export function dueShard(subscriptionId: string, deliveryId: string): number {
  let h = 0x811c9dc5;
  for (const ch of `${subscriptionId}/${deliveryId}`) {
    h ^= ch.charCodeAt(0);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % DUE_SHARDS;
}

function canSend(s: WebhookSubscription): boolean {
  return !s.paused && s.status !== 'disabled';
}

/**
 * Record the delivery of `event` to `subscription` (conditional put on the derived id). Returns the
 * claimed delivery when this call created it and it should be attempted now; undefined when it
 * already existed (an EventBridge retry of the fan-out) or was recorded as skipped.
 */
export async function recordNewDelivery(subscription: WebhookSubscription, event: DomainEvent, now: Date): Promise<WebhookDelivery | undefined> {
  const deliveryId = deliveryIdFor(event);
  const send = canSend(subscription);
  const leaseUntil = new Date(now.getTime() + LEASE_MS).toISOString();
  const shard = dueShard(subscription.subscriptionId, deliveryId);
  const delivery: WebhookDelivery = {
    deliveryId,
    subscriptionId: subscription.subscriptionId,
    operatorId: subscription.operatorId,
    eventId: event.id,
    eventType: event.type,
    eventTime: event.time,
    payload: JSON.stringify(event),
    status: send ? 'pending' : 'skipped',
    attemptCount: 0,
    cycleAttempts: 0,
    attempts: [],
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    expiresAt: retentionExpiry(now),
    // Created already claimed by this caller; if it dies, the claim lapses and the sweeper retries.
    ...(send ? { nextAttemptAt: leaseUntil, leaseId: randomUUID() } : { completedAt: now.toISOString() }),
  };
  const outcome = await createDelivery(delivery, send ? { shard } : undefined);
  return outcome === 'created' && send ? delivery : undefined;
}

/** Claim a delivery the due index showed; undefined when someone else got it first or it changed. */
export async function claimDue(d: WebhookDelivery, now: Date): Promise<WebhookDelivery | undefined> {
  if (!d.nextAttemptAt) return undefined;
  return claimDueDelivery(d, d.nextAttemptAt, {
    leaseId: randomUUID(),
    leaseUntil: new Date(now.getTime() + LEASE_MS).toISOString(),
    shard: dueShard(d.subscriptionId, d.deliveryId),
  });
}

/** The secrets to sign with now (opened from their sealed form): the current one, and the previous one during its grace period. */
export async function signingSecrets(s: WebhookSubscription, now: Date): Promise<string[]> {
  const previousValid = s.previousSecret && s.previousSecretExpiresAt && Date.parse(s.previousSecretExpiresAt) > now.getTime();
  return Promise.all((previousValid ? [s.secret, s.previousSecret!] : [s.secret]).map((x) => openSecret(x)));
}

/**
 * Attempt a claimed delivery once and record the outcome. `subscription` undefined means it was
 * deleted: the delivery is cancelled without an attempt. Returns the delivery as recorded, or
 * undefined when the claim lapsed meanwhile.
 */
export async function attemptDelivery(
  claimed: WebhookDelivery,
  subscription: WebhookSubscription | undefined,
  trigger: AttemptTrigger,
): Promise<WebhookDelivery | undefined> {
  const leaseId = claimed.leaseId;
  if (!leaseId) throw new Error(`Delivery ${claimed.deliveryId} is not claimed`);
  if (!subscription) {
    return recordAttempt(claimed, leaseId, undefined, { status: 'cancelled' }, new Date(), retentionExpiry(new Date()));
  }
  if (!canSend(subscription)) {
    return recordAttempt(claimed, leaseId, undefined, { status: 'skipped' }, new Date(), retentionExpiry(new Date()));
  }

  const cfg = webhookConfig();
  const startedAt = new Date();
  const headers = signWebhook(await signingSecrets(subscription, startedAt), claimed.eventId, startedAt, claimed.payload);
  const outcome = await postWebhook(
    subscription.url,
    { ...headers, 'user-agent': USER_AGENT },
    claimed.payload,
    { timeoutMs: cfg.timeoutMs, allowLoopback: cfg.allowLocalhost },
  );
  const attempt: DeliveryAttempt = {
    at: startedAt.toISOString(),
    trigger,
    latencyMs: outcome.latencyMs,
    ...(outcome.statusCode !== undefined ? { statusCode: outcome.statusCode } : {}),
    ...(outcome.error ? { error: outcome.error } : {}),
  };
  const now = new Date();
  const succeeded = !outcome.error;
  const gone = outcome.statusCode === 410;
  let result: AttemptResult;
  if (succeeded) result = { status: 'succeeded' };
  else if (gone) result = { status: 'dead' };
  else {
    const delay = nextRetryDelayMs(claimed.cycleAttempts + 1, cfg.backoffScale);
    result =
      delay === undefined
        ? { status: 'dead' }
        : { status: 'pending', nextAttemptAt: new Date(now.getTime() + delay).toISOString(), shard: dueShard(claimed.subscriptionId, claimed.deliveryId) };
  }
  const recorded = await recordAttempt(claimed, leaseId, attempt, result, now, retentionExpiry(now));
  if (!recorded) {
    log.warn('webhook delivery claim lapsed before its outcome was recorded', { deliveryId: claimed.deliveryId, subscriptionId: claimed.subscriptionId });
    return undefined;
  }
  await updateSubscriptionHealth(subscription, recorded, { succeeded, gone }, now);
  return recorded;
}

async function updateSubscriptionHealth(s: WebhookSubscription, d: WebhookDelivery, o: { succeeded: boolean; gone: boolean }, now: Date): Promise<void> {
  const at = now.toISOString();
  if (o.succeeded && s.status === 'failing') {
    await patchSubscription(s.operatorId, s.subscriptionId, { status: 'active', statusReason: undefined, statusChangedAt: at, updatedAt: at }, {
      condition: '#status = :failing',
      values: { ':failing': 'failing' },
    });
  } else if (o.gone) {
    log.warn('webhook receiver answered 410 Gone: subscription disabled', { subscriptionId: s.subscriptionId, operatorId: s.operatorId });
    await patchSubscription(
      s.operatorId,
      s.subscriptionId,
      { status: 'disabled', statusReason: `The receiver answered 410 Gone to delivery ${d.deliveryId}`, statusChangedAt: at, updatedAt: at },
      { condition: '#status <> :disabled', values: { ':disabled': 'disabled' } },
    );
  } else if (d.status === 'dead') {
    log.warn('webhook delivery dead-lettered: subscription failing', { subscriptionId: s.subscriptionId, deliveryId: d.deliveryId, attempts: d.attemptCount });
    await patchSubscription(
      s.operatorId,
      s.subscriptionId,
      { status: 'failing', statusReason: `Delivery ${d.deliveryId} failed ${d.cycleAttempts} attempts`, statusChangedAt: at, updatedAt: at },
      { condition: '#status = :active', values: { ':active': 'active' } },
    );
  }
}
