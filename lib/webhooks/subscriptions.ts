// Operator use cases on webhook subscriptions and their deliveries (the REST handlers call these).
// Every lookup goes through the operator's own partition, so another operator's subscription is
// indistinguishable from a missing one (404).
import { randomUUID } from 'node:crypto';
import { Conflict, NotFound, ValidationFailed } from '../domain/errors';
import { newId } from '../ids';
import { webhookConfig } from './config';
import { attemptDelivery, dueShard, LEASE_MS } from './delivery';
import type { DeliveryStatus, WebhookDelivery, WebhookSubscription } from './model';
import { generateSigningSecret } from './signing';
import {
  claimForRedelivery,
  deleteSubscription,
  getDelivery,
  getSubscription,
  listDeliveries,
  listSubscriptions,
  patchSubscription,
  putSubscription,
  type DeliveryPage,
} from './store';
import { validateWebhookUrl, type Resolver } from './url';
import { sealSecret } from './secret-box';

/** Bounds the fan-out work per event (one delivery write and one HTTP call per subscription). */
export const MAX_SUBSCRIPTIONS_PER_OPERATOR = 25;

/** After a rotation, the previous secret keeps signing (next to the new one) for this long. */
export const SECRET_GRACE_MS = 24 * 60 * 60 * 1000;

export interface SubscriptionInput {
  readonly url: string;
  readonly eventTypes: readonly string[];
  readonly description?: string;
}

export interface SubscriptionPatch {
  readonly url?: string;
  readonly eventTypes?: readonly string[];
  /** null clears it. */
  readonly description?: string | null;
  readonly paused?: boolean;
}

export interface WithSecret {
  readonly subscription: WebhookSubscription;
  /** Shown once, in the reply to create and rotate; never readable again. */
  readonly secret: string;
}

/** The URL rules (https, public addresses only) as a 400 naming `url`; returns the normalized URL. */
export async function acceptableUrl(url: string, resolver?: Resolver): Promise<string> {
  const result = await validateWebhookUrl(url, { allowLocalhost: webhookConfig().allowLocalhost }, resolver);
  if (!result.ok) throw new ValidationFailed(`The webhook URL is not acceptable: it ${result.message}`, [{ field: 'url', message: result.message }]);
  return result.url;
}

function normalizeEventTypes(types: readonly string[]): string[] {
  return [...new Set(types)].sort();
}

export async function ownedSubscription(operatorId: string, subscriptionId: string): Promise<WebhookSubscription> {
  const s = await getSubscription(operatorId, subscriptionId);
  if (!s) throw new NotFound(`Webhook subscription ${subscriptionId} not found`);
  return s;
}

export async function createSubscription(operatorId: string, input: SubscriptionInput): Promise<WithSecret> {
  const url = await acceptableUrl(input.url);
  const existing = await listSubscriptions(operatorId);
  if (existing.length >= MAX_SUBSCRIPTIONS_PER_OPERATOR) {
    throw new Conflict(`An operator can have at most ${MAX_SUBSCRIPTIONS_PER_OPERATOR} webhook subscriptions; delete one first`);
  }
  const now = new Date().toISOString();
  const secret = generateSigningSecret();
  const subscription: WebhookSubscription = {
    subscriptionId: newId('whs'),
    operatorId,
    url,
    eventTypes: normalizeEventTypes(input.eventTypes),
    ...(input.description ? { description: input.description } : {}),
    paused: false,
    status: 'active',
    secret: await sealSecret(secret),
    createdAt: now,
    updatedAt: now,
  };
  await putSubscription(subscription);
  return { subscription, secret };
}

export async function listOperatorSubscriptions(operatorId: string): Promise<WebhookSubscription[]> {
  return (await listSubscriptions(operatorId)).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

export async function updateSubscription(operatorId: string, subscriptionId: string, patch: SubscriptionPatch): Promise<WebhookSubscription> {
  const current = await ownedSubscription(operatorId, subscriptionId);
  const now = new Date().toISOString();
  const set: Record<string, unknown> = { updatedAt: now };
  if (patch.url !== undefined) {
    const url = await acceptableUrl(patch.url);
    set.url = url;
    if (url !== current.url && current.status !== 'active') {
      // The health was about the old receiver; the new one starts with a clean slate.
      Object.assign(set, { status: 'active', statusReason: undefined, statusChangedAt: now });
    }
  }
  if (patch.eventTypes !== undefined) set.eventTypes = normalizeEventTypes(patch.eventTypes);
  if (patch.description !== undefined) set.description = patch.description ?? undefined;
  if (patch.paused !== undefined) set.paused = patch.paused;
  const updated = await patchSubscription(operatorId, subscriptionId, set);
  if (!updated) throw new NotFound(`Webhook subscription ${subscriptionId} not found`);
  return updated;
}

export async function pauseSubscription(operatorId: string, subscriptionId: string): Promise<WebhookSubscription> {
  return updateSubscription(operatorId, subscriptionId, { paused: true });
}

/** Unpause, and re-enable a subscription disabled by a 410 Gone. */
export async function resumeSubscription(operatorId: string, subscriptionId: string): Promise<WebhookSubscription> {
  const now = new Date().toISOString();
  const current = await ownedSubscription(operatorId, subscriptionId);
  const set: Record<string, unknown> = { paused: false, updatedAt: now };
  if (current.status === 'disabled') Object.assign(set, { status: 'active', statusReason: undefined, statusChangedAt: now });
  const updated = await patchSubscription(operatorId, subscriptionId, set);
  if (!updated) throw new NotFound(`Webhook subscription ${subscriptionId} not found`);
  return updated;
}

export async function removeSubscription(operatorId: string, subscriptionId: string): Promise<void> {
  if (!(await deleteSubscription(operatorId, subscriptionId))) throw new NotFound(`Webhook subscription ${subscriptionId} not found`);
}

/**
 * A new secret; the one it replaces keeps signing next to it for SECRET_GRACE_MS, so receivers can
 * switch without losing a delivery. Rotating again within the grace period retires the oldest.
 */
export async function rotateSecret(operatorId: string, subscriptionId: string, now = new Date()): Promise<WithSecret> {
  const current = await ownedSubscription(operatorId, subscriptionId);
  const secret = generateSigningSecret();
  const updated = await patchSubscription(
    operatorId,
    subscriptionId,
    {
      secret: await sealSecret(secret),
      // Still sealed as stored: it is only ever opened to sign.
      previousSecret: current.secret,
      previousSecretExpiresAt: new Date(now.getTime() + SECRET_GRACE_MS).toISOString(),
      secretRotatedAt: now.toISOString(),
      updatedAt: now.toISOString(),
    },
    // Two concurrent rotations: the loser would otherwise demote a secret nobody was ever shown.
    { condition: 'secret = :seen', values: { ':seen': current.secret } },
  );
  if (!updated) throw new Conflict('The secret was rotated concurrently; rotate again if you need a fresh one');
  return { subscription: updated, secret };
}

export async function listSubscriptionDeliveries(
  operatorId: string,
  subscriptionId: string,
  opts: { limit?: number; cursor?: string; status?: DeliveryStatus },
): Promise<DeliveryPage> {
  await ownedSubscription(operatorId, subscriptionId);
  return listDeliveries(subscriptionId, { limit: opts.limit ?? 20, ...(opts.cursor ? { cursor: opts.cursor } : {}), ...(opts.status ? { status: opts.status } : {}) });
}

export async function showDelivery(operatorId: string, subscriptionId: string, deliveryId: string): Promise<WebhookDelivery> {
  await ownedSubscription(operatorId, subscriptionId);
  const d = await getDelivery(subscriptionId, deliveryId);
  if (!d || d.expiresAt <= Math.floor(Date.now() / 1000)) throw new NotFound(`Delivery ${deliveryId} not found`);
  return d;
}

/**
 * Send one delivery again now (whatever its status: a dead letter, a skipped one, even a success)
 * with the same `webhook-id`. If this attempt fails, a fresh cycle of the retry schedule follows.
 */
export async function redeliver(operatorId: string, subscriptionId: string, deliveryId: string): Promise<WebhookDelivery> {
  const subscription = await ownedSubscription(operatorId, subscriptionId);
  if (subscription.paused) throw new Conflict('The subscription is paused; resume it before redelivering');
  if (subscription.status === 'disabled') throw new Conflict('The subscription is disabled (its receiver answered 410 Gone); resume it before redelivering');
  await showDelivery(operatorId, subscriptionId, deliveryId);
  const now = new Date();
  const claimed = await claimForRedelivery(
    { subscriptionId, deliveryId },
    {
      leaseId: randomUUID(),
      leaseUntil: new Date(now.getTime() + LEASE_MS).toISOString(),
      shard: dueShard(subscriptionId, deliveryId),
      nowIso: now.toISOString(),
    },
  );
  if (!claimed) throw new Conflict('An attempt of this delivery is in progress; try again in a moment');
  const done = await attemptDelivery(claimed, subscription, 'redeliver');
  return done ?? (await showDelivery(operatorId, subscriptionId, deliveryId));
}
