// Price groups and the cost of a charging session (issue #15). Money is integer minor units of the
// group's currency (cents for EUR, øre for DKK, yen for JPY): no floating-point money anywhere.
//
// Rounding rules (costOf), stated once here and in the README:
// 1. Prices are net (VAT excluded); VAT is added on the net total.
// 2. Energy: the metered energy is taken in whole Wh (rounded half up: meters report Wh, anything
//    finer is noise), then energyMinor = round half up of (Wh × pricePerKwhMinor / 1000), ONCE, at
//    the end: never per meter reading or per kWh, so splitting a session does not change its price.
// 3. Time: the duration is taken in whole seconds (rounded half up), then
//    timeMinor = round half up of (seconds × perMinuteMinor / 60).
// 4. Start fee: charged once per billed session, also when no energy flowed (the session started).
// 5. netMinor = energyMinor + timeMinor + startFeeMinor; vatMinor = round half up of
//    (netMinor × vatRateBasisPoints / 10000); totalMinor = netMinor + vatMinor.
// "Round half up" here is exact integer arithmetic on non-negative integers (0.5 → 1), not
// Math.round on a float product.
import { getChargePoint } from '../db/charge-points';
import { getPriceGroup, listPriceGroups, putPriceGroup, setDefaultPriceGroup, updatePriceGroup, type PriceGroupRecord } from '../db/price-groups';
import { getTeam } from '../db/projects';
import { newId, nowIso } from '../ids';
import { NotFound, ValidationFailed } from './errors';

export interface PriceGroup {
  readonly priceGroupId: string;
  readonly operatorId: string;
  readonly name: string;
  /** ISO 4217, e.g. "EUR". */
  readonly currency: string;
  /** Minor units per kWh, net of VAT, e.g. 35 = 0.35 EUR/kWh. */
  readonly pricePerKwhMinor: number;
  readonly startFeeMinor?: number;
  readonly perMinuteMinor?: number;
  /** 2100 = 21 %. */
  readonly vatRateBasisPoints: number;
}

export type PaymentMethod = 'free' | 'team' | 'user';
export const PAYMENT_METHODS = ['free', 'team', 'user'] as const satisfies readonly PaymentMethod[];

export interface SessionCost {
  readonly currency: string;
  readonly energyMinor: number;
  readonly timeMinor: number;
  readonly startFeeMinor: number;
  readonly netMinor: number;
  readonly vatMinor: number;
  readonly totalMinor: number;
}

/** Upper bounds a price group may hold, so every product below stays an exact double (< 2^53). */
export const PRICE_LIMITS = {
  pricePerKwhMinor: 1_000_000,
  startFeeMinor: 10_000_000,
  perMinuteMinor: 1_000_000,
  vatRateBasisPoints: 10_000,
} as const;

/** round(numerator / denominator) with halves going up, for non-negative safe integers. */
export function divRoundHalfUp(numerator: number, denominator: number): number {
  const q = Math.floor(numerator / denominator);
  const r = numerator - q * denominator;
  return 2 * r >= denominator ? q + 1 : q;
}

const wholeUnits = (x: number): number => (Number.isInteger(x) ? x : Math.floor(x + 0.5));

/** Pure; rounding rules at the top of this file. energyWh ≥ 0, minutes from start to stop ≥ 0. */
export function costOf(group: PriceGroup, energyWh: number, minutes: number): SessionCost {
  if (!Number.isFinite(energyWh) || energyWh < 0) throw new RangeError(`energyWh must be a finite number ≥ 0, got ${energyWh}`);
  if (!Number.isFinite(minutes) || minutes < 0) throw new RangeError(`minutes must be a finite number ≥ 0, got ${minutes}`);
  const wh = wholeUnits(energyWh);
  const seconds = wholeUnits(minutes * 60);
  const energyMinor = divRoundHalfUp(wh * group.pricePerKwhMinor, 1000);
  const timeMinor = divRoundHalfUp(seconds * (group.perMinuteMinor ?? 0), 60);
  const startFeeMinor = group.startFeeMinor ?? 0;
  const netMinor = energyMinor + timeMinor + startFeeMinor;
  const vatMinor = divRoundHalfUp(netMinor * group.vatRateBasisPoints, 10_000);
  return { currency: group.currency, energyMinor, timeMinor, startFeeMinor, netMinor, vatMinor, totalMinor: netMinor + vatMinor };
}

/**
 * The price group a session is billed with: the start's override, else the charge point's default,
 * else the charge point's team's default, else none (the session costs 0, currency null). An
 * override must be one of the operator's groups (ValidationFailed naming `price_group_id`);
 * a default that points at a group that no longer exists falls through to the next level.
 */
export async function resolvePriceGroup(a: { operatorId: string; teamId: string; chargePointId: string; overrideId?: string }): Promise<PriceGroup | null> {
  if (a.overrideId !== undefined) {
    const group = await getPriceGroup(a.operatorId, a.overrideId);
    if (!group) throw new ValidationFailed('No such price group', [{ field: 'price_group_id', message: `is not a price group of this operator: ${a.overrideId}` }]);
    return group;
  }
  const cp = await getChargePoint(a.chargePointId);
  if (!cp || cp.operatorId !== a.operatorId) throw new NotFound(`Charge point ${a.chargePointId} not found`);
  // Billed by another operator on this platform (domain/backoffice.ts): its group, from the copy on the
  // charge point read here anyway. A group that is gone prices nothing rather than falling back to the
  // location operator's prices, which the billing operator never agreed to.
  if (cp.billing) return (await getPriceGroup(cp.billing.operatorId, cp.billing.priceGroupId)) ?? null;
  if (cp.priceGroupId) {
    const group = await getPriceGroup(a.operatorId, cp.priceGroupId);
    if (group) return group;
  }
  const team = await getTeam(a.operatorId, a.teamId);
  if (team?.priceGroupId) {
    const group = await getPriceGroup(a.operatorId, team.priceGroupId);
    if (group) return group;
  }
  return null;
}

// ---- the operator API's use cases on price groups ---------------------------------------------

export const priceGroupView = (g: PriceGroupRecord) => ({
  price_group_id: g.priceGroupId,
  name: g.name,
  currency: g.currency,
  price_per_kwh_minor: g.pricePerKwhMinor,
  start_fee_minor: g.startFeeMinor ?? null,
  per_minute_minor: g.perMinuteMinor ?? null,
  vat_rate_basis_points: g.vatRateBasisPoints,
  created_at: g.createdAt,
  updated_at: g.updatedAt,
});

interface PriceGroupBody {
  name: string;
  currency: string;
  price_per_kwh_minor: number;
  start_fee_minor?: number;
  per_minute_minor?: number;
  vat_rate_basis_points: number;
}

export async function addPriceGroup(operatorId: string, body: PriceGroupBody) {
  const at = nowIso();
  const group: PriceGroupRecord = {
    priceGroupId: newId('pg'),
    operatorId,
    name: body.name,
    currency: body.currency,
    pricePerKwhMinor: body.price_per_kwh_minor,
    ...(body.start_fee_minor !== undefined ? { startFeeMinor: body.start_fee_minor } : {}),
    ...(body.per_minute_minor !== undefined ? { perMinuteMinor: body.per_minute_minor } : {}),
    vatRateBasisPoints: body.vat_rate_basis_points,
    createdAt: at,
    updatedAt: at,
  };
  await putPriceGroup(group);
  return priceGroupView(group);
}

export async function priceGroups(operatorId: string) {
  return { price_groups: (await listPriceGroups(operatorId)).map(priceGroupView) };
}

export async function showPriceGroup(operatorId: string, priceGroupId: string) {
  const group = await getPriceGroup(operatorId, priceGroupId);
  if (!group) throw new NotFound(`Price group ${priceGroupId} not found`);
  return priceGroupView(group);
}

/**
 * A change applies to sessions priced from then on: a session takes its price group when it ends
 * (the sessions part decides whether it keeps a copy from its start).
 */
export async function changePriceGroup(operatorId: string, priceGroupId: string, body: Partial<{ [K in keyof PriceGroupBody]: PriceGroupBody[K] | null }>) {
  const fields = {
    name: 'name',
    currency: 'currency',
    price_per_kwh_minor: 'pricePerKwhMinor',
    start_fee_minor: 'startFeeMinor',
    per_minute_minor: 'perMinuteMinor',
    vat_rate_basis_points: 'vatRateBasisPoints',
  } as const;
  const set: Record<string, unknown> = {};
  const remove: string[] = [];
  for (const [wire, attr] of Object.entries(fields) as Array<[keyof typeof fields, string]>) {
    const v = body[wire];
    if (v === null) remove.push(attr);
    else if (v !== undefined) set[attr] = v;
  }
  const group = await updatePriceGroup(operatorId, priceGroupId, set, remove, nowIso());
  if (!group) throw new NotFound(`Price group ${priceGroupId} not found`);
  return priceGroupView(group);
}

async function requirePriceGroup(operatorId: string, priceGroupId: string | null): Promise<void> {
  if (priceGroupId !== null && !(await getPriceGroup(operatorId, priceGroupId))) {
    throw new ValidationFailed('No such price group', [{ field: 'price_group_id', message: 'is not a price group of this operator' }]);
  }
}

/** The default of a team's charge points (null clears it). */
export async function setTeamPriceGroup(operatorId: string, teamId: string, priceGroupId: string | null) {
  await requirePriceGroup(operatorId, priceGroupId);
  if (!(await setDefaultPriceGroup({ kind: 'team', operatorId, teamId }, priceGroupId))) throw new NotFound(`Team ${teamId} not found`);
  return { team_id: teamId, charge_point_id: null, price_group_id: priceGroupId };
}

/** The default of one charge point, before its team's (null clears it). */
export async function setChargePointPriceGroup(operatorId: string, chargePointId: string, priceGroupId: string | null) {
  await requirePriceGroup(operatorId, priceGroupId);
  if (!(await setDefaultPriceGroup({ kind: 'charge_point', operatorId, chargePointId }, priceGroupId))) throw new NotFound(`Charge point ${chargePointId} not found`);
  return { team_id: null, charge_point_id: chargePointId, price_group_id: priceGroupId };
}
