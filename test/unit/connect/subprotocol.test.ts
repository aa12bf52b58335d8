import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chooseSubprotocol, negotiateSubprotocol, parseSubprotocols, splitSubprotocols } from '../../../lib/ocpp/subprotocol';
import { OCPP_VERSIONS, type OcppVersion } from '../../../lib/ocpp/versions';

const BOTH: readonly OcppVersion[] = ['ocpp1.6', 'ocpp2.0.1'];

describe('parseSubprotocols', () => {
  it.each([
    ['the 2.0.1 Part 4 §3.1.3 example', 'ocpp2.0.1, ocpp1.6', ['ocpp2.0.1', 'ocpp1.6']],
    ['a leading comma', ',ocpp2.0.1', ['ocpp2.0.1']],
    ['mixed case and a trailing comma', 'OCPP1.6, ocpp2.0.1,', ['ocpp1.6', 'ocpp2.0.1']],
    ['empty items and tabs', ' ,\tocpp1.6 , , ', ['ocpp1.6']],
    ['a single protocol', 'ocpp1.6', ['ocpp1.6']],
    ['an empty header', '', []],
  ])('reads %s', (_case, header, expected) => {
    expect(parseSubprotocols(header)).toEqual(expected);
  });

  it('reads nothing when the header is absent', () => {
    expect(parseSubprotocols(undefined)).toEqual([]);
  });

  it('reads repeated headers in order as one list', () => {
    expect(parseSubprotocols(['ocpp2.0.1', 'OCPP1.6, ocpp1.5'])).toEqual(['ocpp2.0.1', 'ocpp1.6', 'ocpp1.5']);
  });

  it('never throws and returns only trimmed, lowercase, non-empty names', () => {
    const header = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.array(fc.string()), fc.constant(undefined));
    fc.assert(
      fc.property(header, (value) => {
        for (const name of parseSubprotocols(value)) {
          expect(name).not.toBe('');
          expect(name).toBe(name.trim());
          expect(name).toBe(name.toLowerCase());
          expect(name).not.toContain(',');
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('finds every offered protocol back, whatever the spacing and case', () => {
    const version = fc.constantFrom(...OCPP_VERSIONS, 'ocpp2.1', 'ocpp1.5');
    const padding = fc.constantFrom('', ' ', '  ', '\t', ' ,', ', ');
    fc.assert(
      fc.property(fc.array(fc.tuple(version, padding, fc.boolean())), (items) => {
        const header = items.map(([name, pad, upper]) => `${pad}${upper ? name.toUpperCase() : name}${pad}`).join(',');

        expect(parseSubprotocols(header)).toEqual(items.map(([name]) => name));
      }),
    );
  });
});

describe('splitSubprotocols', () => {
  it('keeps the case the charger sent', () => {
    expect(splitSubprotocols(' OCPP1.6 ,Ocpp2.0.1')).toEqual(['OCPP1.6', 'Ocpp2.0.1']);
  });
});

describe('chooseSubprotocol', () => {
  it("picks the first protocol in the charger's order of preference", () => {
    expect(chooseSubprotocol(['ocpp2.0.1', 'ocpp1.6'], BOTH)).toEqual({ version: 'ocpp2.0.1', echo: 'ocpp2.0.1' });
    expect(chooseSubprotocol(['ocpp1.6', 'ocpp2.0.1'], ['ocpp2.0.1', 'ocpp1.6'])).toEqual({ version: 'ocpp1.6', echo: 'ocpp1.6' });
  });

  it('skips protocols the charge point is not registered for', () => {
    expect(chooseSubprotocol(['ocpp2.0.1', 'ocpp1.6'], ['ocpp1.6'])).toEqual({ version: 'ocpp1.6', echo: 'ocpp1.6' });
  });

  it('skips protocols this platform does not speak', () => {
    expect(chooseSubprotocol(['ocpp2.1', 'ocpp2.0', 'ocpp2.0.1'], BOTH)).toEqual({ version: 'ocpp2.0.1', echo: 'ocpp2.0.1' });
  });

  it('echoes the exact token the charger offered, in its case', () => {
    expect(chooseSubprotocol(['OCPP1.6'], BOTH)).toEqual({ version: 'ocpp1.6', echo: 'OCPP1.6' });
  });

  it('returns null when nothing offered is allowed', () => {
    expect(chooseSubprotocol(['ocpp2.0.1'], ['ocpp1.6'])).toBeNull();
    expect(chooseSubprotocol([], BOTH)).toBeNull();
    expect(chooseSubprotocol(['ocpp1.6'], [])).toBeNull();
  });

  it('only ever echoes a token that was offered', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string(), fc.constantFrom('ocpp1.6', 'OCPP2.0.1'))), fc.subarray([...OCPP_VERSIONS]), (offered, allowed) => {
        const chosen = chooseSubprotocol(offered, allowed);
        if (chosen !== null) {
          expect(offered).toContain(chosen.echo);
          expect(allowed).toContain(chosen.version);
        }
      }),
    );
  });
});

describe('negotiateSubprotocol', () => {
  it('negotiates straight from the header a charger sends', () => {
    expect(negotiateSubprotocol(',OCPP2.0.1, ocpp1.6', BOTH)).toEqual({ version: 'ocpp2.0.1', echo: 'OCPP2.0.1' });
    expect(negotiateSubprotocol(undefined, BOTH)).toBeNull();
  });
});
