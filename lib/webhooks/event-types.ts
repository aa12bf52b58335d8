// Which catalogue events webhooks carry: every one except those that are internal plumbing.
import { EVENT_TYPES, type EventType } from '../events/types';

/** Events that exist only to drive internal consumers (the email sender, the local list sync, the power planner); never sent to receivers. */
export const INTERNAL_EVENT_TYPES = ['email.requested', 'cards.changed', 'local_list.sync_requested', 'power.replan_requested', 'powerbank.activation_due'] as const satisfies readonly EventType[];

export type WebhookEventType = Exclude<EventType, (typeof INTERNAL_EVENT_TYPES)[number]>;

export const WEBHOOK_EVENT_TYPES = EVENT_TYPES.filter(
  (t): t is WebhookEventType => !(INTERNAL_EVENT_TYPES as readonly string[]).includes(t),
);

/** A subscription to `*` gets every webhook event type, including ones added later. */
export const ALL_EVENT_TYPES = '*';

export function isWebhookEventType(t: string): t is WebhookEventType {
  return (WEBHOOK_EVENT_TYPES as readonly string[]).includes(t);
}

export function subscribesTo(eventTypes: readonly string[], type: string): boolean {
  return isWebhookEventType(type) && (eventTypes.includes(ALL_EVENT_TYPES) || eventTypes.includes(type));
}
