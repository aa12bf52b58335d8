// The catalogue of domain events (versioned). Every published event is validated against its
// schema before it leaves the process; webhook receivers see exactly these shapes.
import { z } from 'zod';

const identity = z.string().min(1).max(48);

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
    outcome: z.enum(['accepted', 'rejected', 'error', 'timed_out', 'not_connected']),
    response: z.record(z.string(), z.unknown()).optional(),
  }),
  'email.requested': z.object({
    to: z.array(z.string()).min(1),
    subject: z.string(),
    text: z.string(),
    html: z.string().optional(),
  }),
} as const;

export type EventType = keyof typeof EVENT_SCHEMAS;
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
