// What a charger's configuration says about charging profiles (the highest stack level, the rate
// units, the periods per schedule): read with GetConfiguration (1.6 §9.1 ChargeProfileMaxStackLevel,
// ChargingScheduleAllowedChargingRateUnit, ChargingScheduleMaxPeriods) or GetVariables (2.0.1
// SmartChargingCtrlr ProfileStackLevel, RateUnit, PeriodsPerSchedule). The power planner reads it
// before its first profile; PowerBank reads it when a charger is enrolled, ahead of any activation.
import { callChargePoint } from '../../ocpp/commands';
import type { ProfileCapabilities } from '../../db/power';

/**
 * What the configuration says about profiles; undefined when the charger did not answer (tried again
 * next time). Keys it does not know (1.6 `unknownKey`, 2.0.1 UnknownComponent/UnknownVariable, which
 * the outcome counts as `rejected`) are an answer: the defaults, kept like any other.
 */
export async function readCapabilities(identity: string, version: 'ocpp1.6' | 'ocpp2.0.1', requestedBy: string, timeoutMs: number): Promise<ProfileCapabilities | undefined> {
  const values = new Map<string, string>();
  if (version === 'ocpp1.6') {
    const record = await callChargePoint(identity, 'GetConfiguration', { key: ['ChargeProfileMaxStackLevel', 'ChargingScheduleAllowedChargingRateUnit', 'ChargingScheduleMaxPeriods'] }, { timeoutMs, requestedBy });
    if (record.status !== 'accepted') return undefined;
    for (const kv of (record.response?.configurationKey ?? []) as Array<{ key: string; value?: string }>) if (kv.value !== undefined) values.set(kv.key, kv.value);
    return capabilitiesFrom(values.get('ChargeProfileMaxStackLevel'), values.get('ChargingScheduleAllowedChargingRateUnit'), values.get('ChargingScheduleMaxPeriods'));
  }
  const names = ['ProfileStackLevel', 'RateUnit', 'PeriodsPerSchedule'];
  const record = await callChargePoint(identity, 'GetVariables', { getVariableData: names.map((name) => ({ component: { name: 'SmartChargingCtrlr' }, variable: { name } })) }, { timeoutMs, requestedBy });
  if (!['accepted', 'partially_accepted', 'rejected'].includes(record.status) || !Array.isArray(record.response?.getVariableResult)) return undefined;
  for (const r of (record.response?.getVariableResult ?? []) as Array<{ attributeStatus: string; attributeValue?: string; variable: { name: string } }>) {
    if (r.attributeStatus === 'Accepted' && r.attributeValue !== undefined) values.set(r.variable.name, r.attributeValue);
  }
  return capabilitiesFrom(values.get('ProfileStackLevel'), values.get('RateUnit'), values.get('PeriodsPerSchedule'));
}

/** 1.6 lists units as `Current`/`Power`, 2.0.1 as `A`/`W` (comma-separated). Absent: A, as both versions' profiles default to it. */
export function capabilitiesFrom(stackLevel: string | undefined, units: string | undefined, periods: string | undefined): ProfileCapabilities {
  const parsedUnits = (units ?? 'A')
    .split(',')
    .map((u) => u.trim())
    .map((u) => (u === 'Current' || u === 'A' ? 'A' : u === 'Power' || u === 'W' ? 'W' : undefined))
    .filter((u): u is 'A' | 'W' => u !== undefined);
  const level = Number.parseInt(stackLevel ?? '', 10);
  const maxPeriods = Number.parseInt(periods ?? '', 10);
  return {
    maxStackLevel: Number.isFinite(level) && level >= 0 ? level : 0,
    units: parsedUnits,
    ...(Number.isFinite(maxPeriods) ? { maxPeriods } : {}),
    readAt: new Date().toISOString(),
  };
}
