// The maths of a PowerBank activation (issue #19, "Activations"), pure: a charger's present power
// from its session's energy register, and the requested power spread over the charging chargers as
// per-charger current limits. No I/O.
import type { CurvePoint } from '../session-meter';

/** OCPP chargers cannot run an EV below 6 A (IEC 61851-1 PWM minimum): a lower limit pauses it (0 A). */
export const MIN_CHARGING_A = 6;

/** The average power over one interval of the energy register (two consecutive readings). */
export interface IntervalPower {
  readonly w: number;
  readonly from: string;
  readonly to: string;
}

/**
 * The average power (W) over the newest interval of the session's meter curve that lies wholly
 * within the window: ends at or before `before`, starts at or after `after` (both optional).
 * Undefined when no such interval has a positive length.
 */
export function intervalPower(curve: readonly CurvePoint[], window: { before?: string; after?: string } = {}): IntervalPower | undefined {
  for (let i = curve.length - 1; i >= 1; i -= 1) {
    const a = curve[i - 1]!;
    const b = curve[i]!;
    if (window.before !== undefined && b.at > window.before) continue;
    if (window.after !== undefined && a.at < window.after) break;
    const hours = (Date.parse(b.at) - Date.parse(a.at)) / 3_600_000;
    if (!(hours > 0)) continue;
    return { w: Math.max(0, (b.energyWh - a.energyWh) / hours), from: a.at, to: b.at };
  }
  return undefined;
}

export interface ShedCandidate {
  readonly id: string;
  /** Estimated present power, W. */
  readonly presentW: number;
  /** Phases it charges on, and the voltage per phase: an A limit is per phase (1.6 §7.13, 2.0.1 ChargingRateUnitEnumType). */
  readonly phases: number;
  readonly voltageV: number;
}

export interface ShedShare {
  readonly id: string;
  /** The per-phase current limit to send; 0 pauses the session (below MIN_CHARGING_A). */
  readonly limitA: number;
  /** What that limit sheds against the present power, W. */
  readonly plannedShedW: number;
}

export interface ShedPlan {
  readonly shares: readonly ShedShare[];
  readonly presentW: number;
  readonly plannedShedW: number;
  /** What the chargers cannot give (requested above their present power), W. */
  readonly shortfallW: number;
}

/**
 * Spreads `requestedW` over the candidates in proportion to their present power (each gives the same
 * fraction, so no single car is paused while others charge on at full power), then turns each one's
 * allowed power into a per-phase current limit rounded DOWN to 0.1 A (the shed is never less than
 * asked because of rounding); a limit under 6 A becomes 0 (the session pauses; it is never stopped).
 * Requested above what they draw: every candidate goes to 0 and the rest is the shortfall.
 */
export function spreadShed(candidates: readonly ShedCandidate[], requestedW: number): ShedPlan {
  const presentW = candidates.reduce((s, c) => s + Math.max(0, c.presentW), 0);
  const fraction = presentW > 0 ? Math.min(1, Math.max(0, requestedW) / presentW) : 0;
  const shares = candidates.map((c) => {
    const present = Math.max(0, c.presentW);
    const wPerA = c.voltageV * c.phases;
    const allowedW = present * (1 - fraction);
    let limitA = Math.floor((allowedW / wPerA) * 10) / 10;
    if (limitA < MIN_CHARGING_A) limitA = 0;
    const plannedShedW = Math.max(0, present - limitA * wPerA);
    return { id: c.id, limitA, plannedShedW };
  });
  const plannedShedW = shares.reduce((s, x) => s + x.plannedShedW, 0);
  return { shares, presentW, plannedShedW, shortfallW: Math.max(0, requestedW - presentW) };
}
