// Compatibility by brand and model (issue #19): the repository's list plus the operator's overrides,
// matched against what the charger reported in BootNotification. Pure: the caller loads overrides.
import type { BootInfo } from '../../db/charge-points';
import { COMPATIBLE_MODELS } from './compatible-models';

/** Case, spaces, punctuation and accents do not tell models apart: "Terra-AC " is "terra ac" is "TerraAC". */
export function normaliseModelName(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

export interface CompatibilityOverride {
  readonly vendor: string;
  readonly model: string;
  readonly compatible: boolean;
}

export type CompatibilityAnswer = { readonly compatible: true; readonly source: 'list' | 'override' } | { readonly compatible: false; readonly reason: string; readonly source: 'list' | 'override' | 'no_boot' };

const matches = (entry: { vendor: string; model: string }, vendor: string, model: string) =>
  normaliseModelName(entry.vendor) === vendor && model.startsWith(normaliseModelName(entry.model));

/**
 * An operator's override wins over the list (the operator knows its fleet's firmware); the most
 * specific override (the longest model) wins among overrides.
 */
export function compatibilityOf(boot: Pick<BootInfo, 'chargePointVendor' | 'chargePointModel'> | undefined, overrides: readonly CompatibilityOverride[] = []): CompatibilityAnswer {
  if (!boot) return { compatible: false, source: 'no_boot', reason: 'The charger has not reported its brand and model (BootNotification) yet' };
  const vendor = normaliseModelName(boot.chargePointVendor);
  const model = normaliseModelName(boot.chargePointModel);
  const override = overrides.filter((o) => matches(o, vendor, model)).sort((a, b) => normaliseModelName(b.model).length - normaliseModelName(a.model).length)[0];
  const what = `${boot.chargePointVendor} ${boot.chargePointModel}`;
  if (override) return override.compatible ? { compatible: true, source: 'override' } : { compatible: false, source: 'override', reason: `${what} is marked incompatible by the operator` };
  if (COMPATIBLE_MODELS.some((e) => matches(e, vendor, model))) return { compatible: true, source: 'list' };
  return { compatible: false, source: 'list', reason: `${what} is not on the list of compatible models` };
}
