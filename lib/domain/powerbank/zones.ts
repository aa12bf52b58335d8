// Where a location is on the electricity market (issue #19, ../shared/DOMAIN.md §6): its bidding zone,
// derived from what the location records, or the reason it has none. Pure: no I/O.
//
// Where the facts live (a decision, the least invasive one): a location (site) already has `country`,
// `address` and an optional `gridRegion` (the operator's free text since #2). PowerBank adds
// `postcode` to the site; Sweden's zone is the site's `gridRegion` when it is SE1–SE4, because no
// postcode rule is reliable there (zones cut through counties) and the zone is what the customer's
// grid bill names. Both are set with `PATCH /api/v1/locations/{location_id}`.

/** The zones PowerBank knows. `SEM` is the all-island Irish market (Ireland and Northern Ireland). */
export const ZONES = ['DK1', 'DK2', 'DK3', 'SE1', 'SE2', 'SE3', 'SE4', 'GB', 'SEM'] as const;
export type Zone = (typeof ZONES)[number];
export const SE_ZONES = ['SE1', 'SE2', 'SE3', 'SE4'] as const;

/** Countries whose charge points may take part: Denmark, Sweden, the UK and Ireland. */
export const ELIGIBLE_COUNTRIES = ['DK', 'SE', 'GB', 'IE'] as const;

export type ZoneAnswer = { readonly ok: true; readonly zone: Zone } | { readonly ok: false; readonly reason: string; readonly field?: 'postcode' | 'grid_region' | 'country' };

export interface ZoneInput {
  readonly country: string;
  readonly postcode?: string | undefined;
  readonly gridRegion?: string | undefined;
}

export interface ZoneOptions {
  /**
   * Bornholm (37xx) is DK2 today; it may become a zone of its own (DK3) when the energy island runs
   * (not before 2030). Env `POWERBANK_BORNHOLM_ZONE` (DK2 | DK3), default DK2.
   */
  readonly bornholmZone?: 'DK2' | 'DK3';
}

export function bornholmZoneFromEnv(env: NodeJS.ProcessEnv = process.env): 'DK2' | 'DK3' {
  return env.POWERBANK_BORNHOLM_ZONE === 'DK3' ? 'DK3' : 'DK2';
}

/** The location's bidding zone, or why it has none (the preview shows the reason as it is). */
export function biddingZone(input: ZoneInput, opts: ZoneOptions = {}): ZoneAnswer {
  const country = input.country.trim().toUpperCase();
  const postcode = input.postcode?.trim().toUpperCase().replace(/\s+/g, ' ');
  switch (country) {
    case 'DK':
      return danishZone(postcode, opts.bornholmZone ?? bornholmZoneFromEnv());
    case 'SE': {
      const zone = input.gridRegion?.trim().toUpperCase();
      if (zone && (SE_ZONES as readonly string[]).includes(zone)) return { ok: true, zone: zone as Zone };
      // Refuse to guess: zones SE1–SE4 cut through counties and postcodes.
      return { ok: false, reason: 'Sweden: set the bidding zone (SE1–SE4, as on the grid bill) of the location', field: 'grid_region' };
    }
    case 'GB':
    case 'UK':
      if (!postcode) return { ok: false, reason: 'United Kingdom: set the postcode (Northern Ireland, BT…, is in the Irish market)', field: 'postcode' };
      // Northern Ireland belongs to the all-island Single Electricity Market, not Great Britain's.
      return { ok: true, zone: /^BT\d/.test(postcode) ? 'SEM' : 'GB' };
    case 'IE':
      return { ok: true, zone: 'SEM' };
    case 'GL':
      return { ok: false, reason: 'Greenland is outside the market', field: 'country' };
    default:
      return { ok: false, reason: `PowerBank is for Denmark, Sweden, the United Kingdom and Ireland, not ${country}`, field: 'country' };
  }
}

/**
 * Danish postcodes (DOMAIN.md §6): 1000–3799 and 4000–4999 east of the Great Belt (DK2: Copenhagen,
 * Zealand, Lolland-Falster, Møn, Bornholm 37xx); 5000–9999 west (DK1: Funen, Jutland); 38xx the Faroe
 * Islands and 39xx Greenland (outside the market); 0xxx special codes (companies, PO boxes) say
 * nothing about the place: the street address decides, which we do not geocode.
 */
function danishZone(postcode: string | undefined, bornholm: 'DK2' | 'DK3'): ZoneAnswer {
  if (!postcode) return { ok: false, reason: 'Denmark: set the postcode of the location', field: 'postcode' };
  const m = /^(?:DK-?\s?)?(\d{4})$/.exec(postcode);
  if (!m) return { ok: false, reason: `Denmark: ${postcode} is not a Danish postcode (four digits)`, field: 'postcode' };
  const n = Number(m[1]);
  if (n < 1000) return { ok: false, reason: `Denmark: postcode ${m[1]} is a special code; the street address decides the zone, so set the postcode of the street address`, field: 'postcode' };
  if (n >= 3700 && n <= 3799) return { ok: true, zone: bornholm };
  if (n >= 3800 && n <= 3899) return { ok: false, reason: `Postcode ${m[1]} is the Faroe Islands, outside the market`, field: 'postcode' };
  if (n >= 3900 && n <= 3999) return { ok: false, reason: `Postcode ${m[1]} is Greenland, outside the market`, field: 'postcode' };
  if (n < 5000) return { ok: true, zone: 'DK2' };
  return { ok: true, zone: 'DK1' };
}

/** Zones whose compatible charge points are enrolled automatically (they may opt out). */
export const AUTO_ENROL_ZONES: readonly Zone[] = ['DK2'];

/** Zones where a charge point needs its Facility ID (anläggnings-ID) before it is signed up. */
export const needsFacilityId = (zone: Zone): boolean => zone.startsWith('SE');

/**
 * A Swedish Facility ID (anläggnings-ID) is a GS1 GSRN: 18 digits, starting 735999, the last one a
 * GS1 mod-10 check digit (weights 3 and 1 alternating from the right, the check digit excluded).
 * Returns why it is not one, or undefined when it is.
 */
export function facilityIdProblem(value: string): string | undefined {
  if (!/^\d{18}$/.test(value)) return 'must be 18 digits (a GSRN)';
  if (!value.startsWith('735999')) return 'must start with 735999 (a Swedish facility GSRN)';
  if (gs1CheckDigit(value.slice(0, 17)) !== Number(value[17])) return 'has a wrong check digit (GS1 mod 10)';
  return undefined;
}

/** The GS1 mod-10 check digit of the digits before it: from the right, weights 3, 1, 3, 1, … */
export function gs1CheckDigit(body: string): number {
  let sum = 0;
  for (let i = 0; i < body.length; i += 1) {
    const digit = Number(body[body.length - 1 - i]);
    sum += digit * (i % 2 === 0 ? 3 : 1);
  }
  return (10 - (sum % 10)) % 10;
}
