// Webhook subscription routes and delivery rules (issue #5). Spread into lib/routes.ts and
// lib/events/rules.ts so the CDK app and the local runtime pick them up like every other row.
// Delivery makes outbound HTTPS calls, reads/writes the table, and opens the sealed signing secrets (KMS Decrypt).
import type { EventRule } from '../events/rules';
import type { HttpMethod, HttpRoute } from '../routes';
import { WEBHOOK_EVENT_TYPES } from './event-types';

/**
 * lib/events/rules.ts imports this module, so importing EVENT_SOURCE back from it would read the
 * constant before it is initialised (an ESM import cycle). The literal is kept equal to it by
 * test/unit/webhooks/routes.test.ts.
 */
export const WEBHOOK_EVENT_SOURCE = 'chargepoint.commissioning';

const BASE = '/api/v1/operator/webhooks';

const route = (method: HttpMethod, path: string, file: string, table: 'read' | 'readwrite', description: string, webhookSecrets?: 'seal' | 'open'): HttpRoute => ({
  kind: 'http',
  method,
  path: `${BASE}${path}`,
  entry: `functions/api/operator/webhooks/${file}.ts`,
  auth: 'operator',
  access: { table, ...(webhookSecrets ? { webhookSecrets } : {}) },
  description,
});

export const WEBHOOK_ROUTES: readonly HttpRoute[] = [
  route('POST', '', 'create-subscription', 'readwrite', 'Subscribe a URL to event types; the reply shows the signing secret once', 'seal'),
  route('GET', '', 'list-subscriptions', 'read', "List the operator's webhook subscriptions"),
  route('GET', '/{subscription_id}', 'get-subscription', 'read', 'A webhook subscription (without its secret)'),
  route('PATCH', '/{subscription_id}', 'update-subscription', 'readwrite', 'Change the URL, event types, description or paused flag'),
  route('DELETE', '/{subscription_id}', 'delete-subscription', 'readwrite', 'Delete a subscription; its pending deliveries are cancelled'),
  route('POST', '/{subscription_id}/pause', 'pause-subscription', 'readwrite', 'Stop sending (events meanwhile are recorded as skipped)'),
  route('POST', '/{subscription_id}/resume', 'resume-subscription', 'readwrite', 'Send again; also re-enables a subscription disabled by 410 Gone'),
  route('POST', '/{subscription_id}/rotate-secret', 'rotate-secret', 'readwrite', 'New signing secret (shown once); the old one stays valid for 24 h', 'seal'),
  route('GET', '/{subscription_id}/deliveries', 'list-deliveries', 'read', "A subscription's deliveries with every attempt, newest first, paged"),
  route('GET', '/{subscription_id}/deliveries/{delivery_id}', 'get-delivery', 'read', 'One delivery with every attempt'),
  route('POST', '/{subscription_id}/deliveries/{delivery_id}/redeliver', 'redeliver', 'readwrite', 'Send a delivery again now (same webhook-id)', 'open'),
];

export const WEBHOOK_RULES: readonly EventRule[] = [
  {
    name: 'webhook-fanout',
    pattern: { source: [WEBHOOK_EVENT_SOURCE], detailType: WEBHOOK_EVENT_TYPES },
    entry: 'functions/events/webhook-fanout.ts',
    access: { table: 'readwrite', webhookSecrets: 'open' },
    description: 'Record one delivery per matching subscription and make its first attempt (signed, 10 s timeout)',
  },
  {
    name: 'webhook-retry',
    schedule: 'rate(1 minute)',
    entry: 'functions/events/webhook-retry.ts',
    access: { table: 'readwrite', webhookSecrets: 'open' },
    description: 'Attempt the deliveries whose next retry is due (backoff 30 s … 24 h, 10 attempts over ~47 h), then dead-letter',
  },
];
