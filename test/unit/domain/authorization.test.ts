import { describe, expect, it } from 'vitest';
import { canonicalIdToken, idTagInfoFor, isFreeVend, type Authorisation } from '../../../lib/domain/authorization';

const anAuthorisation = (over: Partial<Authorisation> = {}): Authorisation => ({ verdict: 'Accepted', freeVend: false, ...over });

describe('idTagInfoFor', () => {
  it('answers an unknown token Invalid in 1.6, which has no Unknown, and Unknown in 2.0.1', () => {
    expect(idTagInfoFor('ocpp1.6', anAuthorisation({ verdict: 'Unknown' }))).toEqual({ status: 'Invalid' });
    expect(idTagInfoFor('ocpp2.0.1', anAuthorisation({ verdict: 'Unknown' }))).toEqual({ status: 'Unknown' });
  });
  it('passes Blocked, Expired and Invalid through in both versions', () => {
    for (const verdict of ['Blocked', 'Expired', 'Invalid'] as const) {
      expect(idTagInfoFor('ocpp1.6', anAuthorisation({ verdict }))).toEqual({ status: verdict });
      expect(idTagInfoFor('ocpp2.0.1', anAuthorisation({ verdict }))).toEqual({ status: verdict });
    }
  });
  it("tells the charger when an accepted token stops being valid, in each version's field", () => {
    const a = anAuthorisation({ validUntil: '2030-01-01T00:00:00.000Z' });
    expect(idTagInfoFor('ocpp1.6', a)).toEqual({ status: 'Accepted', expiryDate: '2030-01-01T00:00:00.000Z' });
    expect(idTagInfoFor('ocpp2.0.1', a)).toEqual({ status: 'Accepted', cacheExpiryDateTime: '2030-01-01T00:00:00.000Z' });
  });
});

describe('isFreeVend', () => {
  it('follows the flag when set, else is free vend only while the charge point is inactive', () => {
    expect(isFreeVend({ freeVend: true, active: true })).toBe(true);
    expect(isFreeVend({ freeVend: false, active: false })).toBe(false);
    expect(isFreeVend({ active: false })).toBe(true);
    expect(isFreeVend({ active: true })).toBe(false);
    // Items from before activation existed count as active.
    expect(isFreeVend({})).toBe(false);
  });
});

describe('canonicalIdToken', () => {
  it('compares tokens case-insensitively (1.6 CiString20, 2.0.1 idToken)', () => {
    expect(canonicalIdToken(' 04a1b2c3 ')).toBe(canonicalIdToken('04A1B2C3'));
  });
});
