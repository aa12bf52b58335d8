// The catalogue of domain events (versioned). Every published event is validated against its
// schema before it leaves the process; webhook receivers see exactly these shapes.
import { z } from 'zod';
import type { EventType } from './types';

const identity = z.string().min(1).max(48);

/** commissioning.check_passed and commissioning.check_failed carry the same data. */
const checkResult = z.object({
  charge_point_id: z.string(),
  charge_point_identity: identity,
  project_id: z.string(),
  check: z.enum(['ocpp_connection', 'firmware_version', 'heartbeat']),
  detail: z.string(),
  at: z.string(),
});

/** What session.started and session.ended both say about a session (domain/sessions.ts). */
const sessionFacts = {
  session_id: z.string(),
  charge_point_id: z.string(),
  charge_point_identity: identity,
  team_id: z.string().optional(),
  transaction_id: z.string(),
  connector_id: z.number().int().optional(),
  evse_id: z.number().int().optional(),
  user_id: z.string().optional(),
  /** The id token was not accepted (unknown, blocked, expired), yet the car charges. */
  token_flagged: z.boolean(),
  start_source: z.enum(['remote', 'card', 'free_vend']).optional(),
  payment_method: z.enum(['free', 'team', 'user']).nullable(),
  price_group_id: z.string().nullable(),
  started_at: z.string(),
  /** The charger's location balances its power (issue #18): the planner replans when the session starts and ends. */
  power_managed: z.boolean().optional(),
};

export const EVENT_SCHEMAS = {
  'charge_point.connected': z.object({
    charge_point_id: z.string(),
    charge_point_identity: identity,
    project_id: z.string(),
    ocpp_protocol: z.enum(['ocpp1.6', 'ocpp2.0.1']),
    source_ip: z.string().optional(),
  }),
  'charge_point.disconnected': z.object({
    charge_point_id: z.string(),
    charge_point_identity: identity,
    project_id: z.string(),
    reason: z.enum(['closed', 'gone', 'superseded']),
  }),
  'charge_point.booted': z.object({
    charge_point_id: z.string(),
    charge_point_identity: identity,
    project_id: z.string(),
    vendor: z.string(),
    model: z.string(),
    firmware_version: z.string().optional(),
    boot_status: z.enum(['Accepted', 'Pending', 'Rejected']),
    /** The first boot, or a brand or model other than the last boot's (issue #19 checks compatibility then). */
    model_changed: z.boolean().optional(),
  }),
  'charge_point.status_changed': z.object({
    charge_point_id: z.string(),
    charge_point_identity: identity,
    project_id: z.string(),
    evse_id: z.number().int().optional(),
    connector_id: z.number().int(),
    status: z.string(),
    error_code: z.string().optional(),
    /** The charger's location balances its power (issue #18): the planner replans on this change. */
    power_managed: z.boolean().optional(),
  }),
  'charge_point.command_completed': z.object({
    charge_point_identity: identity,
    command_id: z.string(),
    action: z.string(),
    outcome: z.enum(['accepted', 'partially_accepted', 'rejected', 'error', 'timed_out', 'not_connected']),
    response: z.record(z.string(), z.unknown()).optional(),
  }),
  'charge_point.registered': z.object({
    charge_point_id: z.string(),
    charge_point_identity: identity,
    project_id: z.string(),
    ocpp_protocol: z.enum(['ocpp1.6', 'ocpp2.0.1']),
    registered_by: z.string(),
    new_password_issued: z.boolean(),
  }),
  'commissioning.started': z.object({
    charge_point_id: z.string(),
    charge_point_identity: identity,
    project_id: z.string(),
    started_by: z.string(),
    started_at: z.string(),
  }),
  'commissioning.check_passed': checkResult,
  'commissioning.check_failed': checkResult,
  'commissioning.completed': z.object({
    charge_point_id: z.string(),
    charge_point_identity: identity,
    project_id: z.string(),
    completed_at: z.string(),
    firmware_version: z.string().optional(),
    checks: z.array(z.object({ name: z.string(), status: z.string(), detail: z.string(), at: z.string().nullable() })),
  }),
  'project.handed_over': z.object({
    project_id: z.string(),
    job_number: z.string(),
    handed_over_at: z.string(),
    handed_over_by: z.string(),
    handover_certificate_url: z.string(),
    certificate_sha256: z.string(),
    charge_point_ids: z.array(z.string()),
  }),
  'job.completed': z.object({
    project_id: z.string(),
    job_number: z.string(),
    completed_at: z.string(),
    /** Who marked it complete: `via public link lnk_…`, `by the operator`, `by installer a@b.c`. */
    completed_by: z.string(),
    /** Whether "Activate all charge points" was checked. */
    activate_all: z.boolean(),
    /** The charge points this completion opened to drivers (inactive before). */
    activated_charge_point_ids: z.array(z.string()),
    /** Every charge point of the job. */
    charge_point_ids: z.array(z.string()),
  }),
  'session.started': z.object(sessionFacts),
  'session.ended': z.object({
    ...sessionFacts,
    status: z.enum(['ended', 'force_stopped']),
    ended_by: z.enum(['charger', 'force_stop', 'timeout']),
    stopped_at: z.string(),
    stop_reason: z.string(),
    /** Wh from the meter readings; null when the charger reported none. */
    energy_wh: z.number().int().nullable(),
    energy_estimated: z.boolean(),
    /** Integer minor units; currency null when no price group applied. */
    cost: z
      .object({
        currency: z.string().nullable(),
        energy_minor: z.number().int(),
        time_minor: z.number().int(),
        start_fee_minor: z.number().int(),
        net_minor: z.number().int(),
        vat_minor: z.number().int(),
        total_minor: z.number().int(),
      })
      .nullable(),
  }),
  'email.requested': z.object({
    to: z.array(z.string()).min(1),
    subject: z.string(),
    text: z.string(),
    html: z.string().optional(),
  }),
  /** Internal (issue #18): a meter reading moved enough that the location's power plan is redone now. */
  'power.replan_requested': z.object({
    location_id: z.string(),
    trigger: z.string(),
    /** Always true: the planner's rule matches the power-managed events (lib/events/rules.ts). */
    power_managed: z.literal(true),
  }),
  /** A location's card was added, blocked / unblocked or removed (issue #17): the team's chargers' local lists follow. */
  'cards.changed': z.object({
    team_id: z.string(),
    location_id: z.string(),
    card_id: z.string(),
    change: z.enum(['added', 'changed', 'removed']),
  }),
  /** A charger whose local list a sync could not reach booted Accepted again (issue #17). */
  'local_list.sync_requested': z.object({ charge_point_id: z.string() }),
  /** Issue #19: a charge point was signed up for grid flexibility, by someone or automatically (DK2). */
  'powerbank.enrolled': z.object({
    charge_point_id: z.string(),
    location_id: z.string(),
    team_id: z.string(),
    zone: z.string(),
    enrolled_by: z.string(),
    automatic: z.boolean(),
    /** The terms accepted with the sign-up; null for an automatic enrolment. */
    terms_version: z.string().nullable(),
  }),
  /** Issue #19: a charge point was opted out; it is never enrolled again automatically. */
  'powerbank.opted_out': z.object({
    charge_point_id: z.string(),
    location_id: z.string(),
    team_id: z.string(),
    zone: z.string().nullable(),
    opted_out_by: z.string(),
  }),
  /** Internal (issue #19): an activation whose start has come, published when it is created with a start of now. */
  'powerbank.activation_due': z.object({ activation_id: z.string() }),
  /** Issue #19: an activation's profiles are going out to the zone's charging enrolled chargers. */
  'powerbank.activation_started': z.object({
    activation_id: z.string(),
    external_id: z.string(),
    zone: z.string(),
    started_at: z.string(),
    end: z.string(),
    chargers_asked: z.number().int(),
    requested_kw: z.number(),
    planned_shed_kw: z.number(),
  }),
  /** Issue #19: an activation ended; its profile was cleared on every charger it was sent to. */
  'powerbank.activation_ended': z.object({
    activation_id: z.string(),
    external_id: z.string(),
    zone: z.string(),
    ended_at: z.string(),
    /** Chargers sent ClearChargingProfile; 0 for an activation that never started. */
    chargers_restored: z.number().int(),
  }),
} as const satisfies Record<EventType, z.ZodType>;

export type { EventType };
export type EventData<T extends EventType> = z.infer<(typeof EVENT_SCHEMAS)[T]>;

/** The envelope every event has (issue #5): id, type, time, operator and a data object. */
export interface DomainEvent<T extends EventType = EventType> {
  readonly id: string;
  readonly type: T;
  readonly version: 1;
  readonly time: string;
  readonly operator_id: string;
  readonly data: EventData<T>;
}
