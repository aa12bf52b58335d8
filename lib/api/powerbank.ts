// Request and response schemas of the PowerBank enrolment routes (issue #19). What depends on state
// (eligibility, the Facility ID of a Swedish charge point, the current terms version, the GS1 check
// digit) is checked by the use case (lib/domain/powerbank/enrolment.ts), which names the field.
import { z } from 'zod';
import { ENROLMENT_STATUSES } from '../db/powerbank';
import { ZONES } from '../domain/powerbank/zones';
import { id } from './schemas';

const obj = <T extends z.core.$ZodLooseShape>(shape: T) => z.looseObject(shape);
const str = z.string();
const nstr = z.string().nullable();
const ntime = z.iso.datetime().nullable();
/** 18 digits; the prefix and check digit are the use case's (400 naming the field either way). */
const facilityId = z.string().trim().max(32);

export const PowerBankChargePointParams = z.object({ charge_point_id: id });
export const PowerBankLocationChargePointParams = z.object({ location_id: id, charge_point_id: id });
export const PowerBankTeamParams = z.object({ team_id: id });
export const PowerBankPreviewQuery = z.object({ team_id: id.optional() });
export const RegionCheckQuery = z.object({ limit: z.coerce.number().int().min(1).max(200).optional() });

const terms = {
  /** Must be true to sign up. */
  accept_terms: z.boolean().optional(),
  /** The version accepted: the preview's `terms_version`. */
  terms_version: z.string().trim().max(32).optional(),
};

export const ToggleBody = z
  .object({
    /** true: sign up; false: opt out; absent: record `facility_id` alone. */
    enrolled: z.boolean().optional(),
    facility_id: facilityId.optional(),
    ...terms,
  });

export const BulkSignUpBody = z
  .object({
    /** A selection within the team; absent: every eligible, compatible charge point that did not opt out. */
    charge_point_ids: z.array(id).min(1).max(500).optional(),
    /** Facility IDs by charge point id (Sweden). */
    facility_ids: z.record(id, facilityId).optional(),
    ...terms,
  });

export const OperatorBulkSignUpBody = BulkSignUpBody.extend({ team_id: id });

export const LocationAddressBody = z
  .object({
    address: z.string().trim().min(1).max(300).optional(),
    country: z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code such as DK').optional(),
    postcode: z.string().trim().min(1).max(16).nullable().optional(),
    /** The grid or bidding zone of the location; in Sweden PowerBank needs SE1–SE4 here. */
    grid_region: z.string().trim().min(1).max(64).nullable().optional(),
  })
  // A body of only unknown fields (a probe sent {"adress": …}) changed nothing and answered 200.
  .refine((b) => Object.values(b).some((v) => v !== undefined), 'give at least one of address, country, postcode, grid_region');

export const OverrideBody = z.object({ vendor: z.string().trim().min(1).max(100), model: z.string().trim().min(1).max(100), compatible: z.boolean() });

const zone = z.enum(ZONES).nullable();

export const PowerBankRow = obj({
  charge_point_id: str,
  serial_number: nstr,
  location_id: str,
  team_id: str,
  vendor: nstr,
  model: nstr,
  zone,
  eligibility: z.enum(['eligible', 'incompatible', 'ineligible']),
  reason: nstr,
  facility_id_required: z.boolean(),
  enrolment: obj({
    status: z.enum(ENROLMENT_STATUSES),
    zone,
    automatic: z.boolean(),
    facility_id: nstr,
    terms: obj({ version: str, accepted_by: str, accepted_at: z.iso.datetime() }).nullable(),
    enrolled_by: nstr,
    enrolled_at: ntime,
    opted_out_by: nstr,
    opted_out_at: ntime,
    suspended_reason: nstr,
    suspended_at: ntime,
  }),
});

export const PowerBankPreview = obj({ terms_version: str, charge_points: z.array(PowerBankRow) });

export const LocationPowerBank = obj({
  location_id: str,
  country: str,
  postcode: nstr,
  grid_region: nstr,
  zone,
  zone_reason: nstr,
  terms_version: str,
  charge_points: z.array(PowerBankRow),
});

export const BulkSignUpResult = obj({
  team_id: str,
  terms_version: str,
  enrolled: z.array(str),
  already_enrolled: z.array(str),
  skipped: z.array(obj({ charge_point_id: str, eligibility: z.enum(['eligible', 'incompatible', 'ineligible']), reason: str })),
});

export const RegionCheckReport = obj({
  run_id: str,
  at: z.iso.datetime(),
  trigger: str,
  checked: z.number().int(),
  changes: z.array(obj({ charge_point_id: str, location_id: str, from: z.enum(ENROLMENT_STATUSES), to: z.enum(ENROLMENT_STATUSES), zone, reason: str })),
});

export const LocationAddress = obj({ location_id: str, address: str, country: str, postcode: nstr, grid_region: nstr, zone, zone_reason: nstr, region_check: RegionCheckReport });

export const Override = obj({ vendor: str, model: str, compatible: z.boolean(), updated_by: str, updated_at: z.iso.datetime() });

export const Compatibility = obj({
  source: obj({ kind: str, compiled_by: str, date: str }),
  models: z.array(obj({ vendor: str, model: str })),
  overrides: z.array(Override),
});

export const RegionCheckReports = obj({ reports: z.array(RegionCheckReport) });

// --- Activations (issue #19, lib/domain/powerbank/activations.ts) ------------------------------------

export const ActivationParams = z.object({ activation_id: id });
export const ActivationListQuery = z.object({ limit: z.coerce.number().int().min(1).max(200).optional() });

/**
 * An aggregator's or TSO's activation. `direction`: "up" = up-regulation, the grid needs power, so the
 * chargers consume LESS; "down" parses and is refused by the use case (422 naming the field). Exactly
 * one of `power_kw` and `share` (of the targets' present charging power); `start` defaults to now.
 */
export const ActivationBody = z.object({
  external_id: z.string().trim().min(1).max(128),
  zone: z.enum(ZONES),
  direction: z.enum(['up', 'down']),
  power_kw: z.number().positive().max(1_000_000).optional(),
  share: z.number().gt(0).max(1).optional(),
  start: z.iso.datetime({ offset: true }).optional(),
  duration_s: z.number().int().min(60).max(21_600),
});

const activationFields = {
  activation_id: str,
  external_id: str,
  zone: str,
  direction: str,
  status: z.enum(['scheduled', 'starting', 'active', 'ending', 'ended']),
  start: str,
  end: str,
  duration_s: z.number(),
  requested: obj({ power_kw: z.number().nullable(), share: z.number().nullable(), resolved_kw: z.number().nullable() }),
  created_by: str,
  created_at: str,
  started_at: nstr,
  ended_at: nstr,
};
export const Activation = obj(activationFields);
export const Activations = obj({ activations: z.array(Activation) });
const nnum = z.number().nullable();
export const ActivationReport = obj({
  ...activationFields,
  chargers: obj({ enrolled: nnum, asked: z.number(), accepted: z.number(), refused: z.number(), not_answered: z.number(), waiting: z.number(), not_connected: z.number(), not_sent: z.number() }),
  requested_kw: nnum,
  present_kw: nnum,
  planned_shed_kw: nnum,
  planned_shed_accepted_kw: nnum,
  shortfall_kw: nnum,
  shed_estimate: obj({ method: str, chargers_measured: z.number(), before_kw: nnum, during_kw: nnum, shed_kw: nnum }),
  restore: obj({ at: str, asked: z.number(), accepted: z.number(), refused: z.number(), not_answered: z.number(), not_sent: z.number() }).nullable(),
  charge_points: z.array(
    obj({
      charge_point_id: str,
      transaction_id: str,
      present_kw: nnum,
      present_source: z.enum(['meter', 'planner_limit', 'rated']),
      limit_a: z.number(),
      unit: z.enum(['A', 'W']),
      limit: z.number(),
      planned_shed_kw: nnum,
      answer: z.enum(['accepted', 'refused', 'not_answered', 'waiting', 'not_connected', 'not_sent']),
      response_ms: nnum,
      error: nstr,
      restore: z.enum(['accepted', 'refused', 'not_answered', 'waiting', 'not_connected', 'not_sent']).nullable(),
      restore_response_ms: nnum,
      restore_error: nstr,
    }),
  ),
});
