// Webhook subscriptions and deliveries as stored (camelCase) and as the API shows them (snake_case).

export const SUBSCRIPTION_STATUSES = ['active', 'failing', 'disabled'] as const;
/**
 * Delivery health, set by delivery: `failing` after a delivery became a dead letter (cleared by the
 * next success), `disabled` after the receiver answered 410 Gone (cleared by resume). Pausing is
 * the operator's separate `paused` flag.
 */
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];

export interface WebhookSubscription {
  readonly subscriptionId: string;
  readonly operatorId: string;
  readonly url: string;
  /** Catalogue event types, or `['*']` for all. */
  readonly eventTypes: readonly string[];
  readonly description?: string;
  readonly paused: boolean;
  readonly status: SubscriptionStatus;
  readonly statusReason?: string;
  readonly statusChangedAt?: string;
  /** The `whsec_…` signing secret as stored: sealed by envelope encryption (secret-box.ts); opened only to sign. */
  readonly secret: string;
  /** The secret before the last rotation (sealed), still signed with until `previousSecretExpiresAt`. */
  readonly previousSecret?: string;
  readonly previousSecretExpiresAt?: string;
  readonly secretRotatedAt?: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export const DELIVERY_STATUSES = ['pending', 'succeeded', 'dead', 'skipped', 'cancelled'] as const;
/**
 * pending: waiting for its next attempt (or being attempted); succeeded: a 2xx arrived; dead: the
 * last attempt failed (or the receiver answered 410), kept as a dead letter to redeliver;
 * skipped: not sent because the subscription was paused or disabled; cancelled: the subscription
 * was deleted while the delivery was pending.
 */
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export type AttemptTrigger = 'initial' | 'retry' | 'redeliver';

export interface DeliveryAttempt {
  readonly at: string;
  readonly trigger: AttemptTrigger;
  readonly statusCode?: number;
  readonly latencyMs: number;
  readonly error?: string;
}

export interface WebhookDelivery {
  /** `dlv_{event time, epoch ms, 13 digits}_{event id}`: sorts by event time, derived from the event (idempotent). */
  readonly deliveryId: string;
  readonly subscriptionId: string;
  readonly operatorId: string;
  /** Also the `webhook-id` header: receivers deduplicate on it. */
  readonly eventId: string;
  readonly eventType: string;
  readonly eventTime: string;
  /** The exact body sent: the DomainEvent JSON. */
  readonly payload: string;
  readonly status: DeliveryStatus;
  /** Every attempt ever made (all cycles). */
  readonly attemptCount: number;
  /** Attempts in the current cycle (a redelivery starts a new one); indexes the retry schedule. */
  readonly cycleAttempts: number;
  /** While pending: when the next attempt is due (or, while claimed, when the claim lapses). */
  readonly nextAttemptAt?: string;
  /** Set while an attempt is in flight: only its holder may record the outcome. */
  readonly leaseId?: string;
  readonly attempts: readonly DeliveryAttempt[];
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly completedAt?: string;
  /** TTL (epoch seconds): deliveries are kept DELIVERY_RETENTION_DAYS after their last change. */
  readonly expiresAt: number;
}

export const DELIVERY_RETENTION_DAYS = 30;

export function retentionExpiry(now: Date): number {
  return Math.floor(now.getTime() / 1000) + DELIVERY_RETENTION_DAYS * 86_400;
}

export function subscriptionView(s: WebhookSubscription, now = new Date()) {
  const previousValid = !!s.previousSecretExpiresAt && Date.parse(s.previousSecretExpiresAt) > now.getTime();
  return {
    id: s.subscriptionId,
    url: s.url,
    event_types: s.eventTypes,
    description: s.description ?? null,
    paused: s.paused,
    status: s.status,
    status_reason: s.statusReason ?? null,
    status_changed_at: s.statusChangedAt ?? null,
    secret_rotated_at: s.secretRotatedAt ?? null,
    previous_secret_expires_at: previousValid ? (s.previousSecretExpiresAt ?? null) : null,
    created_at: s.createdAt,
    updated_at: s.updatedAt,
  };
}

export function deliveryView(d: WebhookDelivery) {
  return {
    id: d.deliveryId,
    subscription_id: d.subscriptionId,
    event_id: d.eventId,
    event_type: d.eventType,
    event_time: d.eventTime,
    status: d.status,
    attempt_count: d.attemptCount,
    next_attempt_at: d.status === 'pending' ? (d.nextAttemptAt ?? null) : null,
    created_at: d.createdAt,
    updated_at: d.updatedAt,
    completed_at: d.completedAt ?? null,
    attempts: d.attempts.map((a) => ({
      at: a.at,
      trigger: a.trigger,
      status_code: a.statusCode ?? null,
      latency_ms: a.latencyMs,
      error: a.error ?? null,
    })),
  };
}
