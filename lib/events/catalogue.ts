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
  }),
  'charge_point.status_changed': z.object({
    charge_point_id: z.string(),
    charge_point_identity: identity,
    project_id: z.string(),
    evse_id: z.number().int().optional(),
    connector_id: z.number().int(),
    status: z.string(),
    error_code: z.string().optional(),
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
  'email.requested': z.object({
    to: z.array(z.string()).min(1),
    subject: z.string(),
    text: z.string(),
    html: z.string().optional(),
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
