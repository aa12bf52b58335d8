// PowerBank's doors (issue #19): the location and team side (`location:read` to see, `location:powerbank`
// to change: owners and team admins with `configure_charge_points`) and the operator side
// (`powerbank:read` / `powerbank:write`, checked by httpHandler before these run). Reach first (404),
// then the action (403), as everywhere (lib/domain/locations.ts).
import { listModelOverrides, listRegionCheckReports, putModelOverride } from '../../db/powerbank';
import { listSites, updateSiteAddress } from '../../db/projects';
import type { AccountPrincipal } from '../../http/handler';
import type { OperatorPrincipal } from '../../http/operator-auth';
import { nowIso } from '../../ids';
import { NotFound } from '../errors';
import { locationAccess, locationChargePoint, requireOn, teamAccess } from '../locations';
import { ownedChargePoint } from '../operator-charge-points';
import { normaliseModelName } from './compatibility';
import { COMPATIBLE_MODELS, COMPATIBLE_MODELS_SOURCE } from './compatible-models';
import { bulkSignUp, operatorTeam, previewSites, regionCheck, reportView, sitesOfTeam, toggleChargePoint, type BulkInput, type ToggleInput } from './enrolment';
import { biddingZone } from './zones';

const accountActor = (who: AccountPrincipal) => `${who.email} (account ${who.accountId})`;

function zoneView(site: { country: string; postcode?: string; gridRegion?: string }) {
  const z = biddingZone({ country: site.country, postcode: site.postcode, gridRegion: site.gridRegion });
  return z.ok ? { zone: z.zone, zone_reason: null } : { zone: null, zone_reason: z.reason };
}

/** The location's zone and each of its charge points: eligible, incompatible or ineligible, and enrolled or not. */
export async function locationPowerBank(who: AccountPrincipal, locationId: string) {
  const access = await locationAccess(who, locationId);
  requireOn(access, 'location:read');
  const { site } = access;
  return { location_id: site.siteId, country: site.country, postcode: site.postcode ?? null, grid_region: site.gridRegion ?? null, ...zoneView(site), ...(await previewSites(site.operatorId, [site])) };
}

/** The single toggle (sign up, opt out) or the Facility ID of one charge point of the location. */
export async function setLocationChargePointPowerBank(who: AccountPrincipal, locationId: string, chargePointId: string, body: ToggleInput) {
  const cp = await locationChargePoint(who, locationId, chargePointId, 'location:powerbank');
  return toggleChargePoint(cp, body, accountActor(who));
}

/** "Sign up all" (or a selection) within one team the caller is a member of. */
export async function teamSignUp(who: AccountPrincipal, teamId: string, body: BulkInput) {
  const access = await teamAccess(who, teamId);
  requireOn(access, 'location:powerbank');
  return bulkSignUp(access.member.operatorId, teamId, body, accountActor(who));
}

export interface LocationAddressInput {
  readonly address?: string;
  readonly country?: string;
  readonly postcode?: string | null;
  readonly grid_region?: string | null;
}

/**
 * Changes where a location is (`location:configure`: who sets up the location's chargers sets up its
 * address), then runs the region check for it at once: a location moved out of an eligible country
 * suspends its enrolled charge points, one moved into DK2 enrols its compatible ones.
 */
export async function updateLocationAddress(who: AccountPrincipal, locationId: string, body: LocationAddressInput) {
  const access = await locationAccess(who, locationId);
  requireOn(access, 'location:configure');
  const { site } = access;
  const updated = await updateSiteAddress(
    site.operatorId,
    site.siteId,
    {
      ...(body.address !== undefined ? { address: body.address } : {}),
      ...(body.country !== undefined ? { country: body.country } : {}),
      ...(body.postcode !== undefined ? { postcode: body.postcode === null ? null : body.postcode.trim().toUpperCase() } : {}),
      ...(body.grid_region !== undefined ? { gridRegion: body.grid_region } : {}),
    },
    nowIso(),
  );
  if (!updated) throw new NotFound(`Location ${locationId} not found`);
  const report = await regionCheck(site.operatorId, [updated], 'location_changed');
  return {
    location_id: updated.siteId,
    address: updated.address,
    country: updated.country,
    postcode: updated.postcode ?? null,
    grid_region: updated.gridRegion ?? null,
    ...zoneView(updated),
    region_check: reportView(report),
  };
}

// --- The operator's side --------------------------------------------------------------------------

export async function operatorPreview(operatorId: string, teamId?: string) {
  const sites = teamId ? await sitesOfTeam(operatorId, teamId) : await listSites(operatorId);
  return previewSites(operatorId, sites);
}

export async function operatorSignUp(p: OperatorPrincipal, body: BulkInput & { team_id: string }) {
  return bulkSignUp(p.operatorId, await operatorTeam(p.operatorId, body.team_id), body, p.actor);
}

export async function operatorToggle(p: OperatorPrincipal, chargePointId: string, body: ToggleInput) {
  return toggleChargePoint(await ownedChargePoint(p.operatorId, chargePointId), body, p.actor);
}

export async function compatibilityList(operatorId: string) {
  const overrides = await listModelOverrides(operatorId);
  return {
    source: { kind: COMPATIBLE_MODELS_SOURCE.kind, compiled_by: COMPATIBLE_MODELS_SOURCE.compiledBy, date: COMPATIBLE_MODELS_SOURCE.date },
    models: COMPATIBLE_MODELS.map((m) => ({ vendor: m.vendor, model: m.model })),
    overrides: overrides.map((o) => ({ vendor: o.vendor, model: o.model, compatible: o.compatible, updated_by: o.updatedBy, updated_at: o.updatedAt })),
  };
}

/** An override for one model (normalised: "ABB"/"Terra-AC" and "abb"/"terra ac" are one entry); the next region check applies it. */
export async function putCompatibilityOverride(p: OperatorPrincipal, body: { vendor: string; model: string; compatible: boolean }) {
  const o = { operatorId: p.operatorId, vendor: body.vendor.trim(), model: body.model.trim(), compatible: body.compatible, updatedBy: p.actor, updatedAt: nowIso() };
  await putModelOverride(o, normaliseModelName(o.vendor), normaliseModelName(o.model));
  return { vendor: o.vendor, model: o.model, compatible: o.compatible, updated_by: o.updatedBy, updated_at: o.updatedAt };
}

export async function regionCheckReports(operatorId: string, limit = 50) {
  return { reports: (await listRegionCheckReports(operatorId, limit)).map(reportView) };
}

