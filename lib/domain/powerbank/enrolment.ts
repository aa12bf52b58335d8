// PowerBank enrolment (issue #19, "Enrolment"): which charge points may take part in grid flexibility
// (the zone of their location, their reported model), who signs them up (the one role × action
// table: `location:powerbank` on a location or team, `powerbank:write` for the operator), the terms
// accepted with each sign-up, the Swedish Facility ID, opt-out, DK2's automatic enrolment and the
// region check that keeps every record true to its location and model.
//
// Activations (the other half of #19) find their charge points with listEnrolledInZone (AP-122): one
// Query of a sparse index that holds exactly the enrolled ones, never the opted-out or suspended.
import { getChargePoint, type ChargePoint } from '../../db/charge-points';
import { getEnrolment, listModelOverrides, putEnrolment, putRegionCheckReport, type Enrolment, type EnrolmentStatus, type RegionCheckChange, type RegionCheckReport } from '../../db/powerbank';
import { getSiteById } from '../../db/locations';
import { getTeam, listSites, type Site } from '../../db/projects';
import { makeEvent, publish } from '../../events/publish';
import type { DomainEvent } from '../../events/catalogue';
import { newId, nowIso } from '../../ids';
import { Conflict, NotFound, Unprocessable, ValidationFailed } from '../errors';
import { chargePointsOf } from '../locations';
import { compatibilityOf, type CompatibilityOverride } from './compatibility';
import { AUTO_ENROL_ZONES, biddingZone, facilityIdProblem, needsFacilityId, type Zone } from './zones';

/** The terms a sign-up accepts. A sign-up naming another version is refused (400 naming `terms_version`). */
export const CURRENT_TERMS_VERSION = '2026-11';

export type Eligibility = 'eligible' | 'incompatible' | 'ineligible';

export interface Evaluation {
  readonly cp: ChargePoint;
  readonly site: Site;
  readonly zone?: Zone;
  readonly eligibility: Eligibility;
  readonly reason?: string;
}

/** Ineligible (the location) before incompatible (the model): moving the charger is not the fix for a model. */
export function evaluate(cp: ChargePoint, site: Site, overrides: readonly CompatibilityOverride[]): Evaluation {
  const zone = biddingZone({ country: site.country, postcode: site.postcode, gridRegion: site.gridRegion });
  if (!zone.ok) return { cp, site, eligibility: 'ineligible', reason: zone.reason };
  const compat = compatibilityOf(cp.boot, overrides);
  if (!compat.compatible) return { cp, site, zone: zone.zone, eligibility: 'incompatible', reason: compat.reason };
  return { cp, site, zone: zone.zone, eligibility: 'eligible' };
}

export function enrolmentView(e: Evaluation, rec: Enrolment | undefined) {
  return {
    charge_point_id: e.cp.chargePointId,
    serial_number: e.cp.displaySerial ?? e.cp.identity ?? null,
    location_id: e.site.siteId,
    team_id: e.site.teamId,
    vendor: e.cp.boot?.chargePointVendor ?? null,
    model: e.cp.boot?.chargePointModel ?? null,
    zone: e.zone ?? null,
    eligibility: e.eligibility,
    reason: e.reason ?? null,
    facility_id_required: e.zone ? needsFacilityId(e.zone) : false,
    enrolment: {
      status: rec?.status ?? ('not_enrolled' as const),
      zone: rec?.zone ?? null,
      automatic: rec?.automatic ?? false,
      facility_id: rec?.facilityId ?? null,
      terms: rec?.terms ? { version: rec.terms.version, accepted_by: rec.terms.acceptedBy, accepted_at: rec.terms.acceptedAt } : null,
      enrolled_by: rec?.enrolledBy ?? null,
      enrolled_at: rec?.enrolledAt ?? null,
      opted_out_by: rec?.optedOutBy ?? null,
      opted_out_at: rec?.optedOutAt ?? null,
      suspended_reason: rec?.suspendedReason ?? null,
      suspended_at: rec?.suspendedAt ?? null,
    },
  };
}

/** Every charge point of these sites, evaluated, with its record (strongly consistent reads). */
async function evaluateSites(operatorId: string, sites: readonly Site[]): Promise<Array<{ e: Evaluation; rec: Enrolment | undefined }>> {
  const overrides = await listModelOverrides(operatorId);
  const perSite = await Promise.all(sites.map(async (site) => (await chargePointsOf(site)).chargePoints.map((cp) => ({ cp, site }))));
  return Promise.all(perSite.flat().map(async ({ cp, site }) => ({ e: evaluate(cp, site, overrides), rec: await getEnrolment(cp.chargePointId) })));
}

/** The preview of these sites' charge points: eligible, incompatible or ineligible with the reason, and the enrolment. */
export async function previewSites(operatorId: string, sites: readonly Site[]) {
  const rows = await evaluateSites(operatorId, sites);
  return { terms_version: CURRENT_TERMS_VERSION, charge_points: rows.map(({ e, rec }) => enrolmentView(e, rec)) };
}

/** The sites of one team (a team's sites are in its operator's partition, AP-04). */
export async function sitesOfTeam(operatorId: string, teamId: string): Promise<Site[]> {
  return (await listSites(operatorId)).filter((s) => s.teamId === teamId);
}

// --- Signing up, opting out -------------------------------------------------------------------------

export interface TermsInput {
  readonly accept_terms?: boolean;
  readonly terms_version?: string;
}

/** A sign-up without accepting the current terms is refused, naming the field. */
function acceptedTerms(input: TermsInput, by: string, at: string) {
  if (input.accept_terms !== true) throw new ValidationFailed('Signing up needs the terms and conditions accepted', [{ field: 'accept_terms', message: 'must be true to sign up' }]);
  if (input.terms_version !== CURRENT_TERMS_VERSION) {
    throw new ValidationFailed(`Accept the current terms, version ${CURRENT_TERMS_VERSION}`, [{ field: 'terms_version', message: `must be ${CURRENT_TERMS_VERSION}, the current version` }]);
  }
  return { version: CURRENT_TERMS_VERSION, acceptedBy: by, acceptedAt: at };
}

function checkFacilityId(value: string, field: string): string {
  const problem = facilityIdProblem(value);
  if (problem) throw new ValidationFailed(`The Facility ID ${problem}`, [{ field, message: problem }]);
  return value;
}

const recordBase = (cp: ChargePoint, rec: Enrolment | undefined) => ({
  ...(rec ?? {}),
  chargePointId: cp.chargePointId,
  operatorId: cp.operatorId,
  teamId: cp.teamId,
  siteId: cp.siteId,
});

function enrolledEvent(cp: ChargePoint, zone: Zone, by: string, automatic: boolean, termsVersion: string | null): DomainEvent<'powerbank.enrolled'> {
  return makeEvent('powerbank.enrolled', cp.operatorId, { charge_point_id: cp.chargePointId, location_id: cp.siteId, team_id: cp.teamId, zone, enrolled_by: by, automatic, terms_version: termsVersion });
}

export interface ToggleInput extends TermsInput {
  /** true: sign up; false: opt out; absent: only record the Facility ID. */
  readonly enrolled?: boolean;
  readonly facility_id?: string;
}

/**
 * The single toggle of one charge point (the caller's right to it was checked by the caller of this
 * function): sign up (terms, eligible, compatible, a Facility ID in Sweden), opt out, or record the
 * Facility ID alone. Answers the charge point's preview row.
 */
export async function toggleChargePoint(cp: ChargePoint, input: ToggleInput, by: string) {
  const site = await getSiteById(cp.siteId);
  if (!site) throw new NotFound(`Charge point ${cp.chargePointId} not found`);
  const facilityId = input.facility_id !== undefined ? checkFacilityId(input.facility_id, 'facility_id') : undefined;
  const e = evaluate(cp, site, await listModelOverrides(cp.operatorId));
  const at = nowIso();
  const terms = input.enrolled === true ? acceptedTerms(input, by, at) : undefined;
  if (input.enrolled === true && e.eligibility !== 'eligible') throw new Conflict(`This charge point cannot be signed up: ${e.reason}`, { field: 'charge_point_id', reason: e.eligibility });
  if (input.enrolled === undefined && !facilityId) throw new ValidationFailed('Say `enrolled` (sign up or opt out) or give a `facility_id`', [{ field: 'enrolled', message: 'required without facility_id' }]);
  // The request says which state the charge point should be in, not how to change what the caller
  // saw, so a write that lost the race to another (two people opting out at once, the region check)
  // is simply made again from the new record; only one of them publishes the event.
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const rec = await getEnrolment(cp.chargePointId);
    const base = { ...recordBase(cp, rec), ...(facilityId ? { facilityId } : {}), updatedAt: at };
    const events: DomainEvent[] = [];
    let next: Omit<Enrolment, 'version'>;
    if (terms) {
      if (needsFacilityId(e.zone!) && !base.facilityId) {
        throw new ValidationFailed('A Swedish charge point needs its Facility ID (anläggnings-ID, a GSRN starting 735999) to be signed up', [{ field: 'facility_id', message: 'required for a charge point in Sweden' }]);
      }
      next = { ...withoutState(base), status: 'enrolled', zone: e.zone!, terms, automatic: false, enrolledBy: by, enrolledAt: at };
      events.push(enrolledEvent(cp, e.zone!, by, false, terms.version));
    } else if (input.enrolled === false) {
      // Opted out already: nothing to write (the first opt-out's who and when stay the record).
      if (rec?.status === 'opted_out' && (!facilityId || facilityId === rec.facilityId)) return enrolmentView(e, rec);
      next = { ...withoutState(base), status: 'opted_out', ...(e.zone ? { zone: e.zone } : rec?.zone ? { zone: rec.zone } : {}), ...(rec?.terms ? { terms: rec.terms } : {}), optedOutBy: by, optedOutAt: at };
      if (rec?.status !== 'opted_out') events.push(makeEvent('powerbank.opted_out', cp.operatorId, { charge_point_id: cp.chargePointId, location_id: cp.siteId, team_id: cp.teamId, zone: next.zone ?? null, opted_out_by: by }));
    } else {
      next = { ...base, status: rec?.status ?? 'not_enrolled' };
    }
    if (!(await putEnrolment(next, rec))) continue;
    await publish(events);
    return enrolmentView(e, { ...next, version: 0 });
  }
  throw new Conflict('The charge point’s enrolment kept changing meanwhile; retry', { field: 'charge_point_id' });
}

/** The fields that describe one state; a new state starts without the old one's. */
function withoutState<T extends Partial<Enrolment>>(r: T): Omit<T, 'terms' | 'automatic' | 'enrolledBy' | 'enrolledAt' | 'optedOutBy' | 'optedOutAt' | 'suspendedReason' | 'suspendedAt' | 'zone' | 'status' | 'version'> {
  const { terms: _t, automatic: _a, enrolledBy: _eb, enrolledAt: _ea, optedOutBy: _ob, optedOutAt: _oa, suspendedReason: _sr, suspendedAt: _sa, zone: _z, status: _s, version: _v, ...rest } = r;
  return rest;
}

export interface BulkInput extends TermsInput {
  /** A selection; absent: every eligible, compatible charge point of the team that is not opted out. */
  readonly charge_point_ids?: readonly string[];
  /** Facility IDs given with the sign-up, by charge point id. */
  readonly facility_ids?: Readonly<Record<string, string>>;
}

/**
 * "Sign up all charge points" of one team, or a selection of them. A decision: "all" leaves out the
 * charge points that opted out (someone said no to them on purpose); selecting one signs it up again.
 * Sweden: when any Swedish charge point to be signed up has no Facility ID (stored or given), nothing
 * is enrolled and the answer (422) lists them. A selected charge point outside the team is 404.
 */
export async function bulkSignUp(operatorId: string, teamId: string, input: BulkInput, by: string) {
  const at = nowIso();
  const terms = acceptedTerms(input, by, at);
  const given = new Map(Object.entries(input.facility_ids ?? {}).map(([cpId, v]) => [cpId, checkFacilityId(v, `facility_ids.${cpId}`)] as const));
  const rows = await evaluateSites(operatorId, await sitesOfTeam(operatorId, teamId));
  const byId = new Map(rows.map((r) => [r.e.cp.chargePointId, r]));
  const selection = input.charge_point_ids ? [...new Set(input.charge_point_ids)] : undefined;
  for (const id of [...(selection ?? []), ...given.keys()]) if (!byId.has(id)) throw new NotFound(`Charge point ${id} not found in team ${teamId}`, { field: selection?.includes(id) ? 'charge_point_ids' : `facility_ids.${id}` });
  const candidates = selection ? selection.map((id) => byId.get(id)!) : rows.filter((r) => r.rec?.status !== 'opted_out');
  const skipped = candidates.filter((r) => r.e.eligibility !== 'eligible').map((r) => ({ charge_point_id: r.e.cp.chargePointId, eligibility: r.e.eligibility, reason: r.e.reason ?? '' }));
  if (!selection) for (const r of rows.filter((r) => r.rec?.status === 'opted_out')) skipped.push({ charge_point_id: r.e.cp.chargePointId, eligibility: r.e.eligibility, reason: 'opted out; select it to sign it up again' });
  const eligible = candidates.filter((r) => r.e.eligibility === 'eligible');
  const already = eligible.filter((r) => r.rec?.status === 'enrolled');
  const toEnrol = eligible.filter((r) => r.rec?.status !== 'enrolled');
  const missing = toEnrol.filter((r) => needsFacilityId(r.e.zone!) && !given.get(r.e.cp.chargePointId) && !r.rec?.facilityId).map((r) => r.e.cp.chargePointId);
  if (missing.length) {
    throw new Unprocessable(
      `Nothing was signed up: ${missing.length} Swedish charge point(s) have no Facility ID (anläggnings-ID)`,
      missing.map((id) => ({ field: `facility_ids.${id}`, message: 'required for a charge point in Sweden' })),
      { missing_facility_ids: missing },
    );
  }
  const events: DomainEvent[] = [];
  const enrolled: string[] = [];
  const alreadyIds = already.map((r) => r.e.cp.chargePointId);
  for (const { e, rec: read } of toEnrol) {
    // A record that changed since it was read (another sign-up, the region check) is read again: one
    // enrolled meanwhile counts as already enrolled; otherwise the sign-up is written on the new one.
    let rec = read;
    for (let attempt = 0; ; attempt += 1) {
      if (rec?.status === 'enrolled') {
        alreadyIds.push(e.cp.chargePointId);
        break;
      }
      const facilityId = given.get(e.cp.chargePointId) ?? rec?.facilityId;
      const next: Omit<Enrolment, 'version'> = { ...withoutState(recordBase(e.cp, rec)), ...(facilityId ? { facilityId } : {}), status: 'enrolled', zone: e.zone!, terms, automatic: false, enrolledBy: by, enrolledAt: at, updatedAt: at };
      if (await putEnrolment(next, rec)) {
        enrolled.push(e.cp.chargePointId);
        events.push(enrolledEvent(e.cp, e.zone!, by, false, terms.version));
        break;
      }
      if (attempt === 2) throw new Conflict('Enrolments of this team kept changing meanwhile; retry', { field: 'team_id', enrolled });
      rec = await getEnrolment(e.cp.chargePointId);
    }
  }
  await publish(events);
  return { team_id: teamId, terms_version: terms.version, enrolled, already_enrolled: alreadyIds, skipped };
}

// --- The region check --------------------------------------------------------------------------------

/**
 * Re-evaluates every charge point of these sites (issue #19: daily, and when a location or charger
 * changes): enrols compatible charge points at DK2 locations that never opted out (automatic
 * enrolment), suspends enrolled ones that became ineligible or incompatible (with the reason), moves
 * an enrolled one to its location's new zone, and resumes a suspended one whose sign-up still holds
 * once it is eligible again. An opted-out charge point is never touched. Records what changed (one
 * report per run, when anything changed or the run is the daily one) and answers it.
 */
export async function regionCheck(operatorId: string, sites: readonly Site[], trigger: string): Promise<RegionCheckReport> {
  return checkRows(operatorId, await evaluateSites(operatorId, sites), trigger);
}

async function checkRows(operatorId: string, rows: ReadonlyArray<{ e: Evaluation; rec: Enrolment | undefined }>, trigger: string): Promise<RegionCheckReport> {
  const changes: RegionCheckChange[] = [];
  const events: DomainEvent[] = [];
  const at = nowIso();
  for (const { e, rec } of rows) {
    const from: EnrolmentStatus = rec?.status ?? 'not_enrolled';
    if (from === 'opted_out') continue;
    const base = { ...recordBase(e.cp, rec), updatedAt: at };
    const sweden = e.zone && needsFacilityId(e.zone) && !rec?.facilityId;
    let next: Omit<Enrolment, 'version'> | undefined;
    let reason = '';
    if (from === 'enrolled' && (e.eligibility !== 'eligible' || sweden)) {
      reason = e.reason ?? 'A charge point in Sweden needs its Facility ID';
      next = { ...base, status: 'suspended', suspendedReason: reason, suspendedAt: at };
    } else if (from === 'enrolled' && e.zone !== rec!.zone) {
      reason = `The location is now in ${e.zone}`;
      next = { ...base, status: 'enrolled', zone: e.zone! };
    } else if (e.eligibility === 'eligible' && !sweden && (from === 'not_enrolled' || from === 'suspended') && (AUTO_ENROL_ZONES.includes(e.zone!) || (from === 'suspended' && rec?.terms))) {
      const automatic = AUTO_ENROL_ZONES.includes(e.zone!) && !(from === 'suspended' && rec?.terms);
      reason = automatic ? `${e.zone} charge points are enrolled automatically` : 'Eligible again; its sign-up still holds';
      const { suspendedReason: _r, suspendedAt: _a, ...kept } = base as Enrolment;
      next = { ...kept, status: 'enrolled', zone: e.zone!, ...(automatic ? { automatic: true, enrolledBy: 'automatic (DK2)', enrolledAt: at } : {}) };
      events.push(enrolledEvent(e.cp, e.zone!, next.enrolledBy ?? 'automatic', next.automatic ?? false, next.terms?.version ?? null));
    }
    if (!next) continue;
    // Conditional on the version read: an opt-out (or sign-up) that landed meanwhile wins, and the
    // next check sees it; an automatic enrolment never overwrites an opt-out.
    if (!(await putEnrolment(next, rec))) {
      if (next.status === 'enrolled') events.pop();
      continue;
    }
    changes.push({ chargePointId: e.cp.chargePointId, siteId: e.site.siteId, from, to: next.status, ...(e.zone ? { zone: e.zone } : {}), reason });
  }
  await publish(events);
  const report: RegionCheckReport = { operatorId, runId: newId('pbc'), at, trigger, checked: rows.length, changes };
  if (changes.length || trigger === 'schedule') await putRegionCheckReport(report);
  return report;
}

/**
 * A charger appeared or changed (registered, booted): check that charger at its location. Only it:
 * its neighbours did not change, and walking the whole location on every registration made adding
 * chargers to a large site quadratic (1,000 at one site: 2 registrations a second in the bench).
 */
export async function regionCheckForCharger(chargePointId: string, trigger: string): Promise<RegionCheckReport | undefined> {
  const cp = await getChargePoint(chargePointId, true);
  const site = cp && (await getSiteById(cp.siteId));
  if (!cp || !site) return undefined;
  const overrides = await listModelOverrides(cp.operatorId);
  return checkRows(cp.operatorId, [{ e: evaluate(cp, site, overrides), rec: await getEnrolment(cp.chargePointId) }], trigger);
}

/** The daily check of one operator's locations. */
export async function regionCheckOperator(operatorId: string, trigger = 'schedule'): Promise<RegionCheckReport> {
  return regionCheck(operatorId, await listSites(operatorId), trigger);
}

export function reportView(r: RegionCheckReport) {
  return {
    run_id: r.runId,
    at: r.at,
    trigger: r.trigger,
    checked: r.checked,
    changes: r.changes.map((c) => ({ charge_point_id: c.chargePointId, location_id: c.siteId, from: c.from, to: c.to, zone: c.zone ?? null, reason: c.reason })),
  };
}

/** The team of a request body, this operator's (another operator's is a 400 naming `team_id`, as a typo would be). */
export async function operatorTeam(operatorId: string, teamId: string): Promise<string> {
  if (!(await getTeam(operatorId, teamId))) throw new ValidationFailed(`No team ${teamId}`, [{ field: 'team_id', message: 'no such team' }]);
  return teamId;
}
