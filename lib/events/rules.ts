// The event rule table: plain data read by the CDK events stack (one rule + target per row) and by
// the local bus (same matching, same target handler modules). See routes.ts for the Access shape.
import type { Access } from '../routes';
import { WEBHOOK_RULES } from '../webhooks/routes';

import { EVENT_SOURCE } from './types';

/** Every event this platform publishes carries this source. */
export { EVENT_SOURCE };

export interface EventRule {
  /** Frozen once deployed: it names the rule and its target function. */
  readonly name: string;
  /**
   * EventBridge pattern subset the local bus implements too: exact match on source and detail-type,
   * and optionally on top-level fields of the event's `data` (each one of the listed values; a missing
   * field does not match), so a target is not invoked for events it would ignore.
   */
  readonly pattern?: { readonly source: readonly string[]; readonly detailType: readonly string[]; readonly data?: Readonly<Record<string, readonly (string | boolean)[]>> };
  /** A scheduled rule instead of a pattern: `rate(N minute|minutes|hour|hours|day|days)`. */
  readonly schedule?: string;
  readonly entry: string;
  readonly access: Access;
  readonly description: string;
}

const CORE_EVENT_RULES: readonly EventRule[] = [
  {
    name: 'send-email',
    pattern: { source: [EVENT_SOURCE], detailType: ['email.requested'] },
    entry: 'functions/events/send-email.ts',
    access: { email: 'send' },
    description: 'Send a transactional email (SES on AWS, the outbox locally)',
  },
  {
    name: 'commissioning-runner',
    pattern: { source: [EVENT_SOURCE], detailType: ['commissioning.started'] },
    entry: 'functions/events/commissioning-runner.ts',
    access: { table: 'readwrite', connections: 'manage', events: 'publish' },
    description: 'Trigger the messages the commissioning checks need and re-evaluate them',
  },
  {
    name: 'commissioning-finish',
    pattern: { source: [EVENT_SOURCE], detailType: ['commissioning.completed'] },
    entry: 'functions/events/commissioning-finish.ts',
    access: { table: 'readwrite', connections: 'manage', events: 'publish' },
    description: 'Move a commissioned charge point to its long-term password and trigger an accepted boot',
  },
  {
    name: 'handover-notify',
    pattern: { source: [EVENT_SOURCE], detailType: ['project.handed_over'] },
    entry: 'functions/events/handover-notify.ts',
    access: { table: 'read', email: 'send' },
    description: 'Email the CPO and the site owner the handover certificate link',
  },
  {
    name: 'session-timeout',
    // Every 15 minutes: a lost charger's session ends at most 15 minutes after the 2-hour bound.
    schedule: 'rate(15 minutes)',
    entry: 'functions/events/session-timeout.ts',
    access: { table: 'readwrite', events: 'publish' },
    description: 'End the running sessions of chargers disconnected longer than LOST_CHARGER_TIMEOUT_MINUTES (default 120)',
  },
  {
    name: 'location-access-lapse',
    // Hourly: the warning goes out 47–48 hours before the lapse; the lapse itself is enforced on
    // every request from the clock, so the schedule only informs (domain/location-lapse.ts).
    schedule: 'rate(1 hour)',
    entry: 'functions/events/location-lapse.ts',
    access: { table: 'readwrite', events: 'publish' },
    description: "Mail installers two days before their full access to a location ends, and record the lapse once",
  },
  {
    name: 'local-list-sync',
    pattern: { source: [EVENT_SOURCE], detailType: ['cards.changed'] },
    entry: 'functions/events/local-list-sync.ts',
    access: { table: 'readwrite', connections: 'manage', events: 'publish' },
    description: "Send a team's cards to its chargers' local authorisation lists (SendLocalList, Full or Differential)",
  },
  {
    name: 'local-list-boot',
    pattern: { source: [EVENT_SOURCE], detailType: ['local_list.sync_requested'] },
    entry: 'functions/events/local-list-boot.ts',
    access: { table: 'readwrite', connections: 'manage', events: 'publish' },
    description: 'Sync the local list of a charger a sync could not reach, once it boots Accepted again',
  },
];

/** Power management (issue #18, lib/domain/power/triggers.ts). */
export const POWER_RULES: readonly EventRule[] = [
  {
    name: 'power-replan',
    // Only chargers at a location with power settings (`power_managed`, set by the planner on its
    // chargers): every other charger's sessions and status changes invoke nothing.
    pattern: { source: [EVENT_SOURCE], detailType: ['session.started', 'session.ended', 'charge_point.status_changed', 'power.replan_requested'], data: { power_managed: [true] } },
    entry: 'functions/events/power-replan.ts',
    // Sends SetChargingProfile / GetCompositeSchedule and reads configuration (connections); writes the plan.
    access: { table: 'readwrite', connections: 'manage', events: 'publish' },
    description: "Replan a location's charging limits when a session starts or ends, a charger's status changes, or a meter reading moved",
  },
  {
    name: 'power-replan-every-minute',
    // Issue #18: at least every minute; the allocator's peak-shaving horizon assumes this interval.
    schedule: 'rate(1 minute)',
    entry: 'functions/events/power-schedule.ts',
    access: { table: 'readwrite', connections: 'manage', events: 'publish' },
    description: 'Replan every location with power settings (a stale meter falls the site back to its static reserve)',
  },
];

/** PowerBank enrolment (issue #19, lib/domain/powerbank/enrolment.ts regionCheck). */
export const POWERBANK_RULES: readonly EventRule[] = [
  {
    name: 'powerbank-region-check',
    // Daily: zones and models change rarely, and every change we make (a location's address, a
    // charger's boot) triggers its own check at once; the daily run catches the rest (an override).
    schedule: 'rate(1 day)',
    entry: 'functions/events/powerbank-region-check.ts',
    access: { table: 'readwrite', events: 'publish' },
    description: 'Re-evaluate every charge point for PowerBank: enrol new DK2 ones, suspend ineligible ones with the reason, report what changed',
  },
  {
    name: 'powerbank-charger-changed',
    pattern: { source: [EVENT_SOURCE], detailType: ['charge_point.registered'] },
    entry: 'functions/events/powerbank-charger-changed.ts',
    access: { table: 'readwrite', events: 'publish' },
    description: "Check a charger's location for PowerBank when it appears (DK2 automatic enrolment)",
  },
  {
    name: 'powerbank-charger-booted',
    // Only a boot that reports a brand or model the charger did not report before (its first boot, a
    // swapped unit): a routine reboot invokes nothing.
    pattern: { source: [EVENT_SOURCE], detailType: ['charge_point.booted'], data: { model_changed: [true] } },
    entry: 'functions/events/powerbank-charger-changed.ts',
    access: { table: 'readwrite', events: 'publish' },
    description: "Check a charger's location for PowerBank when it reports a new brand or model (compatibility, DK2 automatic enrolment)",
  },
  {
    name: 'powerbank-capabilities',
    // Ahead of any activation: an activation must not wait for a round trip per charger (lib/domain/powerbank/capabilities.ts).
    pattern: { source: [EVENT_SOURCE], detailType: ['powerbank.enrolled'] },
    entry: 'functions/events/powerbank-capabilities.ts',
    access: { table: 'readwrite', connections: 'manage' },
    description: "Read an enrolled charger's charging-profile capabilities (stack level, units) for its activation profiles",
  },
  {
    name: 'powerbank-capabilities-booted',
    // A charger that reports a new brand or model may be a swapped unit with other capabilities.
    pattern: { source: [EVENT_SOURCE], detailType: ['charge_point.booted'], data: { model_changed: [true] } },
    entry: 'functions/events/powerbank-capabilities.ts',
    access: { table: 'readwrite', connections: 'manage' },
    description: "Read an enrolled charger's charging-profile capabilities again when it reports a new brand or model",
  },
  {
    name: 'powerbank-activation-start',
    // Off the request path: the POST answers 202 at once, this sends the profiles (lib/domain/powerbank/activations.ts).
    pattern: { source: [EVENT_SOURCE], detailType: ['powerbank.activation_due'] },
    entry: 'functions/events/powerbank-activation-start.ts',
    // Sends SetChargingProfile to the zone's charging chargers (connections) and records the targets.
    access: { table: 'readwrite', connections: 'manage', events: 'publish' },
    description: 'Start a PowerBank activation whose start has come: limit the charging enrolled chargers of the zone',
  },
  {
    name: 'powerbank-activation-tick',
    // Every minute: a future start and every end are picked up within a minute of their time (the precision docs/powerbank.md states).
    schedule: 'rate(1 minute)',
    entry: 'functions/events/powerbank-activation-tick.ts',
    access: { table: 'readwrite', connections: 'manage', events: 'publish' },
    description: 'Start PowerBank activations whose future start has come, and end (restore) those whose duration is over',
  },
];

export const EVENT_RULES: readonly EventRule[] = [...CORE_EVENT_RULES, ...POWER_RULES, ...POWERBANK_RULES, ...WEBHOOK_RULES];

/** Does an event match a rule's pattern? Shared by the local bus and unit tests of the CDK mapping. */
export function matchesRule(rule: EventRule, event: { source: string; detailType: string; data?: unknown }): boolean {
  const p = rule.pattern;
  if (!p || !p.source.includes(event.source) || !p.detailType.includes(event.detailType)) return false;
  const data = (typeof event.data === 'object' && event.data !== null ? event.data : {}) as Record<string, unknown>;
  return Object.entries(p.data ?? {}).every(([field, values]) => values.includes(data[field] as string | boolean));
}

/** `rate(5 minutes)` → 300000 ms; undefined for anything else (cron is not used). */
export function scheduleRateMs(schedule: string): number | undefined {
  const m = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(schedule);
  if (!m) return undefined;
  const unit = m[2]!.startsWith('minute') ? 60_000 : m[2]!.startsWith('hour') ? 3_600_000 : 86_400_000;
  return Number(m[1]) * unit;
}
