// Request and response schemas of the power routes (issue #18, docs/power.md "API"). Ranges that
// depend on another field (margin below the fuse, the static reserve within fuse − margin, a peak
// limit for peak shaving, the phase of a single-phase charger) are checked by the use case
// (lib/domain/power/site-power.ts), which names the field in its 400.
import { z } from 'zod';
import { DISTRIBUTIONS, MODES } from '../domain/power/allocator';

const id = z.string().min(1).max(100);
const amps = (max: number) => z.number().min(0).max(max);

export const LocationPowerParams = z.object({ location_id: id });
export const LocationPowerChargePointParams = z.object({ location_id: id, charge_point_id: id });
export const LocationMeterParams = z.object({ location_id: id, meter_id: id });
export const MeterParams = z.object({ meter_id: id });

export const PowerSettingsBody = z.object({
  /** The main fuse, A per phase. */
  fuse_a: z.number().min(6).max(4000),
  phases: z.literal([1, 3]),
  voltage_v: z.number().min(100).max(480).default(230),
  /** Kept free on every phase, always (one vendor recommends 2 A). */
  margin_a: amps(4000).default(2),
  mode: z.enum(MODES),
  /** Peak shaving: the 15-minute average import limit. Required for `peak_shaving`. */
  peak_limit_kw: z.number().positive().max(100_000).optional(),
  distribution: z.enum(DISTRIBUTIONS).default('equal'),
  /** What all chargers together may draw per phase without a trusted meter (mode `static`, stale meter). */
  static_charging_a: amps(4000),
  meter_includes_chargers: z.boolean().default(true),
  meter_stale_after_s: z.number().int().min(5).max(3600).default(120),
  ramp_up_delay_s: z.number().int().min(0).max(600).default(10),
});

export const ChargerPowerBody = z.object({
  max_a: z.number().min(6).max(500),
  phases: z.literal([1, 3]),
  /** A single-phase charger on a three-phase site: the site phase it is wired to. */
  phase: z.literal([1, 2, 3]).optional(),
  /** `priority` distribution: higher first. */
  priority: z.number().int().min(0).max(100).optional(),
});

export const CreateMeterBody = z.object({
  name: z.string().trim().min(1).max(100),
  measures: z.enum(['grid', 'solar']).default('grid'),
});

export const MeterReadingBody = z.object({
  /** The meter's clock; at most 5 minutes ahead of ours, and not older than its last accepted reading. */
  at: z.iso.datetime({ offset: true }),
  /** Per phase, A: positive import, negative export. As many as the site has phases. */
  current_a: z.array(z.number().min(-4000).max(4000)).min(1).max(3).optional(),
  /** Total power, W (a meter that reports no currents). */
  power_w: z.number().min(0).max(3_000_000).optional(),
  /** With `power_w`: which way it flows. */
  direction: z.enum(['import', 'export']).default('import'),
});

const ChargerPower = z.object({
  charge_point_id: z.string(),
  max_a: z.number().nullable(),
  phases: z.number().int().nullable(),
  phase: z.number().int().nullable(),
  priority: z.number().int().nullable(),
  refuses_profiles: z.object({ at: z.string(), reason: z.string() }).nullable(),
});

export const PowerSettings = z.object({
  location_id: z.string(),
  /** Null until the location's power management is set up. */
  settings: PowerSettingsBody.extend({ peak_limit_kw: z.number().nullable() }).nullable(),
  version: z.number().int(),
  updated_at: z.string().nullable(),
  charge_points: z.array(ChargerPower),
});
export const ChargerPowerSettings = ChargerPower;

const Reading = z.object({ at: z.string(), current_a: z.array(z.number()), power_w: z.number().nullable(), received_at: z.string() });
export const Meter = z.object({
  meter_id: z.string(),
  name: z.string(),
  measures: z.enum(['grid', 'solar']),
  created_at: z.string(),
  last_reading: Reading.nullable(),
  /** No reading within the location's `meter_stale_after_s`: the site falls back to its static reserve. */
  stale: z.boolean(),
});
export const MeterCreated = Meter.extend({
  /** Shown once: the meter sends it as `Authorization: Bearer <secret>`. */
  secret: z.string(),
  readings_url: z.string(),
});
export const MeterList = z.object({ meters: z.array(Meter) });
export const ReadingAccepted = z.object({ meter_id: z.string(), at: z.string(), replan_requested: z.boolean() });

const Limit = z.object({ charge_point_id: z.string(), limit_a: z.number(), reason: z.string() });
const AllocationEntry = z.object({
  at: z.string(),
  plan_id: z.string(),
  trigger: z.string(),
  source: z.string(),
  budget_a_per_phase: z.array(z.number()),
  total_a: z.number().nullable(),
  limits: z.array(Limit),
  sent_to: z.array(z.string()),
});
export const PowerAllocation = z.object({
  location_id: z.string(),
  configured: z.boolean(),
  plan_version: z.number().int(),
  current: AllocationEntry.nullable(),
  charge_points: z.array(
    Limit.extend({
      applied_limit_a: z.number().nullable(),
      applied_at: z.string().nullable(),
      /** GetCompositeSchedule confirmed the applied limit (false: accepted, but the charger gave no composite schedule: unverified). */
      applied_verified: z.boolean().nullable(),
      refuses_profiles: z.boolean(),
    }),
  ),
  flagged: z.array(z.object({ charge_point_id: z.string(), since: z.string(), reason: z.string() })),
  history: z.array(AllocationEntry),
});
