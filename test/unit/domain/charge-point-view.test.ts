import { describe, expect, it } from 'vitest';
import { validationMessageFor } from '../../../lib/domain/charge-point-view';

/** A charge point as planned or registered, on team `team_a` of operator `op_a`. */
const aChargePoint = (over: { identity?: string; plannedSerial?: string } = {}) => ({ teamId: 'team_a', operatorId: 'op_a', ...over });
const aGuard = (over: { teamId?: string; operatorId?: string; teamName?: string } = {}) => ({ teamId: 'team_b', operatorId: 'op_a', teamName: 'Harbour Car Parks Ltd', ...over });

describe('validationMessageFor (the guide\'s validation messages, which take the place of the status)', () => {
  it('says No serial when there is neither a serial nor a planned one', () => {
    expect(validationMessageFor(aChargePoint(), undefined)).toBe('No serial');
  });

  it('names the team that holds a planned serial, inside one operator', () => {
    expect(validationMessageFor(aChargePoint({ plannedSerial: 'SN-1' }), aGuard())).toBe('Serial is in use by: Harbour Car Parks Ltd');
  });

  it('names nobody when another operator holds the serial', () => {
    const message = validationMessageFor(aChargePoint({ plannedSerial: 'SN-1' }), aGuard({ operatorId: 'op_b' }));

    expect(message).toMatch(/^Serial is in use by another operator/);
    expect(message).not.toContain('Harbour');
  });

  it('has nothing to say about a planned serial that is free or held by the same team', () => {
    expect(validationMessageFor(aChargePoint({ plannedSerial: 'SN-1' }), undefined)).toBeNull();
    expect(validationMessageFor(aChargePoint({ plannedSerial: 'SN-1' }), aGuard({ teamId: 'team_a' }))).toBeNull();
  });

  it('has nothing to say once the serial is registered', () => {
    expect(validationMessageFor(aChargePoint({ identity: 'SN-1' }), undefined)).toBeNull();
  });
});
