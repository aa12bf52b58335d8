// Webhook subscription routes and delivery rules (issue #5). Spread into lib/routes.ts and
// lib/events/rules.ts so the CDK app and the local runtime pick them up like every other row.
import type { EventRule } from '../events/rules';
import type { HttpRoute } from '../routes';

export const WEBHOOK_ROUTES: readonly HttpRoute[] = [];
export const WEBHOOK_RULES: readonly EventRule[] = [];
