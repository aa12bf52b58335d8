// The names of the events this platform publishes, and their source: plain data with no schema
// library, so the route/rule tables and the OCPP functions can name events without bundling zod.
// lib/events/catalogue.ts must define a schema for exactly these names (checked by the compiler).

export const EVENT_SOURCE = 'chargepoint.commissioning';

export const EVENT_TYPES = [
  'charge_point.connected',
  'charge_point.disconnected',
  'charge_point.booted',
  'charge_point.status_changed',
  'charge_point.command_completed',
  'charge_point.registered',
  'commissioning.started',
  'commissioning.check_passed',
  'commissioning.check_failed',
  'commissioning.completed',
  'project.handed_over',
  'job.completed',
  'session.started',
  'session.ended',
  'email.requested',
  'power.replan_requested',
  'cards.changed',
  'local_list.sync_requested',
  'powerbank.enrolled',
  'powerbank.opted_out',
  'powerbank.activation_due',
  'powerbank.activation_started',
  'powerbank.activation_ended',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];
