// Issue #19: bidding zones from what a location records (DOMAIN.md §6), the Swedish Facility ID and
// model matching, as pure functions.
import { describe, expect, it } from 'vitest';
import { compatibilityOf, normaliseModelName } from '../../../lib/domain/powerbank/compatibility';
import { biddingZone, bornholmZoneFromEnv, facilityIdProblem, gs1CheckDigit } from '../../../lib/domain/powerbank/zones';

describe('Danish postcodes', () => {
  it.each([
    ['1000', 'DK2'], // Copenhagen K
    ['2100', 'DK2'],
    ['4000', 'DK2'], // Roskilde
    ['4200', 'DK2'], // Slagelse, Zealand's side of the Great Belt
    ['4800', 'DK2'], // Nykøbing Falster
    ['4999', 'DK2'],
    ['5000', 'DK1'], // Odense, Funen: the other side of the Great Belt
    ['5800', 'DK1'], // Nyborg, Funen's end of the bridge
    ['8000', 'DK1'], // Aarhus
    ['9990', 'DK1'],
    ['DK-7100', 'DK1'],
  ])('%s is %s', (postcode, zone) => {
    expect(biddingZone({ country: 'DK', postcode }, { bornholmZone: 'DK2' })).toEqual({ ok: true, zone });
  });

  it('puts Bornholm (37xx) in DK2 by default and in DK3 when configured', () => {
    expect(biddingZone({ country: 'DK', postcode: '3700' }, { bornholmZone: 'DK2' })).toEqual({ ok: true, zone: 'DK2' });
    expect(biddingZone({ country: 'DK', postcode: '3790' }, { bornholmZone: 'DK3' })).toEqual({ ok: true, zone: 'DK3' });
    expect(bornholmZoneFromEnv({})).toBe('DK2');
    expect(bornholmZoneFromEnv({ POWERBANK_BORNHOLM_ZONE: 'DK3' })).toBe('DK3');
  });

  it('excludes Greenland and the Faroes, refuses special 0xxx codes and a missing postcode, with a reason', () => {
    expect(biddingZone({ country: 'DK', postcode: '3900' })).toMatchObject({ ok: false, reason: expect.stringMatching(/Greenland/), field: 'postcode' });
    expect(biddingZone({ country: 'DK', postcode: '3800' })).toMatchObject({ ok: false, reason: expect.stringMatching(/Faroe/) });
    expect(biddingZone({ country: 'DK', postcode: '0800' })).toMatchObject({ ok: false, reason: expect.stringMatching(/street address/) });
    expect(biddingZone({ country: 'DK' })).toMatchObject({ ok: false, field: 'postcode' });
    expect(biddingZone({ country: 'DK', postcode: '12345' })).toMatchObject({ ok: false, field: 'postcode' });
  });
});

describe('other markets', () => {
  it('takes Sweden from the zone set on the location and refuses to guess without one', () => {
    expect(biddingZone({ country: 'SE', postcode: '11120', gridRegion: 'se3' })).toEqual({ ok: true, zone: 'SE3' });
    expect(biddingZone({ country: 'SE', postcode: '11120' })).toMatchObject({ ok: false, reason: expect.stringMatching(/set the bidding zone/), field: 'grid_region' });
    expect(biddingZone({ country: 'SE', gridRegion: 'SE5' })).toMatchObject({ ok: false, field: 'grid_region' });
  });

  it('puts Northern Ireland (BT) with Ireland in the SEM, the rest of the UK in GB', () => {
    expect(biddingZone({ country: 'GB', postcode: 'BT1 5GS' })).toEqual({ ok: true, zone: 'SEM' });
    expect(biddingZone({ country: 'GB', postcode: 'BA1 1LT' })).toEqual({ ok: true, zone: 'GB' });
    expect(biddingZone({ country: 'IE', postcode: 'D02 X285' })).toEqual({ ok: true, zone: 'SEM' });
    expect(biddingZone({ country: 'GB' })).toMatchObject({ ok: false, field: 'postcode' });
  });

  it('refuses other countries, naming them', () => {
    expect(biddingZone({ country: 'DE', postcode: '10115' })).toMatchObject({ ok: false, reason: expect.stringMatching(/not DE/), field: 'country' });
    expect(biddingZone({ country: 'GL', postcode: '3900' })).toMatchObject({ ok: false, reason: expect.stringMatching(/Greenland/) });
  });
});

describe('Swedish Facility ID (GSRN)', () => {
  const valid = `73599900000000001${gs1CheckDigit('73599900000000001')}`;
  it('accepts 18 digits starting 735999 with a GS1 mod-10 check digit', () => {
    // Worked by hand: from the right 1×3, 0s, 9×1, 9×3, 9×1, 5×3, 3×1, 7×3 = 87 → 10 − 7 = 3.
    expect(gs1CheckDigit('73599900000000001')).toBe(3);
    expect(valid).toBe('735999000000000013');
    expect(facilityIdProblem(valid)).toBeUndefined();
  });
  it('refuses a wrong check digit, another prefix or length', () => {
    expect(facilityIdProblem('735999000000000014')).toMatch(/check digit/);
    expect(facilityIdProblem('571313000000000013')).toMatch(/735999/);
    expect(facilityIdProblem('73599900000000001')).toMatch(/18 digits/);
  });
});

describe('compatibility', () => {
  it('normalises case, spaces and punctuation, and matches model variants by their family', () => {
    expect(normaliseModelName(' Terra-AC w22 ')).toBe('terraacw22');
    expect(compatibilityOf({ chargePointVendor: 'abb', chargePointModel: 'TERRA AC W22-T-RD-M-0' })).toEqual({ compatible: true, source: 'list' });
    expect(compatibilityOf({ chargePointVendor: 'TestVendor', chargePointModel: 'AC22' })).toMatchObject({ compatible: false, reason: expect.stringMatching(/not on the list/) });
    expect(compatibilityOf(undefined)).toMatchObject({ compatible: false, source: 'no_boot' });
  });
  it("lets the operator's override win over the list, either way", () => {
    expect(compatibilityOf({ chargePointVendor: 'TestVendor', chargePointModel: 'AC22' }, [{ vendor: 'test vendor', model: 'ac-22', compatible: true }])).toEqual({ compatible: true, source: 'override' });
    expect(compatibilityOf({ chargePointVendor: 'ABB', chargePointModel: 'Terra AC W22' }, [{ vendor: 'ABB', model: 'Terra AC', compatible: false }])).toMatchObject({ compatible: false, source: 'override' });
  });
});
