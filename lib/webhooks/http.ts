// Request schemas shared by the webhook REST handlers (functions/api/operator/webhooks/*).
import { z } from 'zod';
import { ALL_EVENT_TYPES, WEBHOOK_EVENT_TYPES } from './event-types';
import { DELIVERY_STATUSES } from './model';
import { MAX_URL_LENGTH } from './url';

export const subscriptionParams = z.object({ subscription_id: z.string().min(1).max(64) });
export const deliveryParams = subscriptionParams.extend({ delivery_id: z.string().min(1).max(160) });

const eventTypes = z
  .array(z.enum([ALL_EVENT_TYPES, ...WEBHOOK_EVENT_TYPES] as [string, ...string[]]))
  .min(1)
  .max(50)
  .refine((t) => !t.includes(ALL_EVENT_TYPES) || t.length === 1, `"${ALL_EVENT_TYPES}" (all events) cannot be combined with other types`);

const url = z.string().min(1).max(MAX_URL_LENGTH);
const description = z.string().max(200);

export const createSubscriptionBody = z.strictObject({
  url,
  /** Omitted = all event types, including ones added later. */
  event_types: eventTypes.default([ALL_EVENT_TYPES]),
  description: description.optional(),
});

export const updateSubscriptionBody = z
  .strictObject({
    url: url.optional(),
    event_types: eventTypes.optional(),
    description: description.nullable().optional(),
    paused: z.boolean().optional(),
  })
  .refine((b) => Object.values(b).some((v) => v !== undefined), 'send at least one of url, event_types, description, paused');

export const listDeliveriesQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).optional(),
  cursor: z.string().max(2048).optional(),
  status: z.enum(DELIVERY_STATUSES).optional(),
});

export function subscriptionLocation(subscriptionId: string): string {
  return `/api/v1/operator/webhooks/${encodeURIComponent(subscriptionId)}`;
}
