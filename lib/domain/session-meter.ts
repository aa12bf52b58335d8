// The energy of a charging session from the charger's energy register readings (pure).
//
// Rules (README facts):
// - Only the active import energy register counts: 1.6 / 2.0.1 measurand `Energy.Active.Import.Register`
//   (the default measurand when none is given: 1.6 §7.31 SampledValue, 2.0.1 SampledValueType), without
//   a phase (the total, not a per-phase value), in Wh or kWh (1.6 `unit`, default Wh; 2.0.1
//   `unitOfMeasure.unit` with its `multiplier` as a power of ten, default Wh). Other values are ignored.
// - Energy = the sum over "segments" of (last reading − first reading) of the segment. A reading lower
//   than the previous one is a meter reset (firmware update, meter swap, a register that wraps): the
//   segment before it is kept and a new segment starts AT the lower reading. The energy between the
//   last reading before the reset and the first after it was not measured and is not billed; the
//   session says so (`meter_resets` > 0, `energy_estimated` true).
// - Missing readings: energy is what was read. No reading at all (no meterStart, no register value) →
//   energy null. Only a start reading, or only readings after a start we never saw → the energy between
//   the readings we have, flagged `energy_estimated`.
// - The curve keeps at most MAX_CURVE_POINTS points: when full, every second point of it is dropped
//   (the first and the last stay), so a long session keeps an even picture of itself.

export const MAX_CURVE_POINTS = 120;

export interface CurvePoint {
  /** When the reading was taken (the charger's timestamp). */
  readonly at: string;
  /** The register as read, in Wh. */
  readonly meterWh: number;
  /** The session's energy up to this reading, in Wh. */
  readonly energyWh: number;
}

export interface MeterState {
  /** The first register reading of the current segment (Wh). */
  readonly segmentStartWh?: number;
  /** The newest register reading (Wh). */
  readonly lastMeterWh?: number;
  /** When the newest reading was taken. */
  readonly lastMeterAt?: string;
  /** Energy of the segments closed by a reset (Wh). */
  readonly energyBeforeWh: number;
  readonly meterResets: number;
  readonly readings: number;
  /** The session's start reading was not seen (2.0.1 without a Started meter value, a lost StartTransaction). */
  readonly startUnknown: boolean;
  readonly curve: readonly CurvePoint[];
}

export interface Reading {
  readonly at: string;
  readonly wh: number;
}

export function emptyMeter(): MeterState {
  return { energyBeforeWh: 0, meterResets: 0, readings: 0, startUnknown: false, curve: [] };
}

/** Energy so far, in whole Wh; null when nothing was read. */
export function energyOf(m: MeterState): number | null {
  if (m.lastMeterWh === undefined || m.segmentStartWh === undefined) return null;
  return Math.round(m.energyBeforeWh + (m.lastMeterWh - m.segmentStartWh));
}

/** Whether the energy is less than certain: a reset, a missing start reading, or a single reading. */
export function energyEstimated(m: MeterState): boolean {
  return m.meterResets > 0 || m.startUnknown || m.readings < 2;
}

function thin(curve: CurvePoint[]): CurvePoint[] {
  if (curve.length <= MAX_CURVE_POINTS) return curve;
  const last = curve[curve.length - 1]!;
  const kept = curve.filter((_, i) => i % 2 === 0);
  if (kept[kept.length - 1] !== last) kept.push(last);
  return kept;
}

/** Applies readings in time order (the charger's timestamps; equal times keep their order). */
export function applyReadings(m: MeterState, readings: readonly Reading[]): MeterState {
  if (readings.length === 0) return m;
  let { segmentStartWh, lastMeterWh, lastMeterAt, energyBeforeWh, meterResets, readings: count } = m;
  const curve = [...m.curve];
  const sorted = [...readings].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  for (const r of sorted) {
    if (!Number.isFinite(r.wh) || r.wh < 0) continue;
    // A reading older than the newest one applied is not replayed into the segments (it would read as
    // a reset); readings arrive in order from one charger, so this only drops stragglers. The newest
    // reading again (same time, same value: a retried message whose answer was lost) adds nothing.
    if (lastMeterAt !== undefined && (r.at < lastMeterAt || (r.at === lastMeterAt && r.wh === lastMeterWh))) continue;
    if (lastMeterWh === undefined || segmentStartWh === undefined) {
      segmentStartWh = r.wh;
    } else if (r.wh < lastMeterWh) {
      energyBeforeWh += lastMeterWh - segmentStartWh;
      meterResets += 1;
      segmentStartWh = r.wh;
    }
    lastMeterWh = r.wh;
    lastMeterAt = r.at;
    count += 1;
    curve.push({ at: r.at, meterWh: r.wh, energyWh: Math.round(energyBeforeWh + (lastMeterWh - segmentStartWh)) });
  }
  return { ...m, segmentStartWh, lastMeterWh, lastMeterAt, energyBeforeWh, meterResets, readings: count, curve: thin(curve) };
}

interface SampledValueLike {
  value: string | number;
  measurand?: string;
  phase?: string;
  unit?: string;
  unitOfMeasure?: { unit?: string; multiplier?: number };
}

/** The energy register readings (Wh) of 1.6 MeterValue[] / 2.0.1 MeterValueType[]. */
export function energyReadings(meterValue: ReadonlyArray<{ timestamp: string; sampledValue: readonly SampledValueLike[] }> | undefined): Reading[] {
  const out: Reading[] = [];
  for (const mv of meterValue ?? []) {
    for (const sv of mv.sampledValue) {
      if ((sv.measurand ?? 'Energy.Active.Import.Register') !== 'Energy.Active.Import.Register' || sv.phase) continue;
      const raw = typeof sv.value === 'number' ? sv.value : Number(sv.value);
      if (!Number.isFinite(raw)) continue;
      const unit = sv.unitOfMeasure?.unit ?? sv.unit ?? 'Wh';
      const scale = (unit === 'kWh' ? 1000 : unit === 'Wh' ? 1 : NaN) * 10 ** (sv.unitOfMeasure?.multiplier ?? 0);
      if (!Number.isFinite(scale)) continue;
      out.push({ at: mv.timestamp, wh: raw * scale });
      break; // one register reading per meter value
    }
  }
  return out;
}

// ---- what the charger draws now (power management, docs/power.md) --------------------------------

/** Values by the charger's own phase (1.6 / 2.0.1 `phase` L1, L2, L3), or without one. */
export interface PhaseValues {
  readonly L1?: number;
  readonly L2?: number;
  readonly L3?: number;
  /** A value without a phase: the charger's only phase, or (power) its total. */
  readonly none?: number;
}

/**
 * The charger's latest draw as its meter values gave it: `Current.Import` (A) by phase or without
 * one, and `Power.Active.Import` (W) the same, as given. The planner turns it into A per site phase
 * (planner.ts `measuredDrawOf`), knowing the charger's phases and the site's voltage.
 */
export interface MeasuredDraw {
  /** When it was sampled: the charger's timestamp, but never later than we received it. */
  readonly at: string;
  readonly currentA?: PhaseValues;
  readonly powerW?: PhaseValues;
}

const PHASES = ['L1', 'L2', 'L3'] as const;

function phaseKey(phase: string | undefined): keyof PhaseValues | undefined {
  if (phase === undefined) return 'none';
  return (PHASES as readonly string[]).includes(phase) ? (phase as keyof PhaseValues) : undefined;
}

/**
 * The newest draw in 1.6 MeterValue[] / 2.0.1 MeterValueType[]; undefined when none carries one.
 * Units: current in A (1.6 `unit` A, 2.0.1 `unitOfMeasure.unit` A with its `multiplier`; absent: A);
 * power in W or kW (absent: W). Other phases (N, L1-N, L1-L2…), units and measurands are ignored.
 */
export function drawReading(meterValue: ReadonlyArray<{ timestamp: string; sampledValue: readonly SampledValueLike[] }> | undefined, receivedAt: string): MeasuredDraw | undefined {
  let newest: MeasuredDraw | undefined;
  for (const mv of meterValue ?? []) {
    const currentA: Record<string, number> = {};
    const powerW: Record<string, number> = {};
    for (const sv of mv.sampledValue) {
      const key = phaseKey(sv.phase);
      const raw = typeof sv.value === 'number' ? sv.value : Number(sv.value);
      if (!key || !Number.isFinite(raw)) continue;
      const unit = sv.unitOfMeasure?.unit ?? sv.unit;
      const multiplier = 10 ** (sv.unitOfMeasure?.multiplier ?? 0);
      if (sv.measurand === 'Current.Import' && (unit === undefined || unit === 'A')) currentA[key] = raw * multiplier;
      else if (sv.measurand === 'Power.Active.Import' && (unit === undefined || unit === 'W' || unit === 'kW')) powerW[key] = raw * multiplier * (unit === 'kW' ? 1000 : 1);
    }
    if (!Object.keys(currentA).length && !Object.keys(powerW).length) continue;
    const stamp = Date.parse(mv.timestamp);
    if (!Number.isFinite(stamp)) continue;
    // A charger clock ahead of ours must not make its reading look newer than it can be.
    const at = new Date(Math.min(stamp, Date.parse(receivedAt))).toISOString();
    if (newest && newest.at > at) continue;
    newest = { at, ...(Object.keys(currentA).length ? { currentA } : {}), ...(Object.keys(powerW).length ? { powerW } : {}) };
  }
  return newest;
}

/** The newer of two draws (a straggler does not replace a newer reading). */
export function newerDraw(kept: MeasuredDraw | undefined, next: MeasuredDraw | undefined): MeasuredDraw | undefined {
  if (!next) return kept;
  return kept && kept.at > next.at ? kept : next;
}
