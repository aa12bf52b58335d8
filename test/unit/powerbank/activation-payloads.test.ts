// What an activation sends (lib/domain/powerbank/activations.ts), checked against the official
// schemas the CSMS validates every command with, and the idempotency fingerprint.
import { describe, expect, it } from 'vitest';
import { activationProfile, clearPayload, fingerprintOf, POWERBANK_PROFILE_ID } from '../../../lib/domain/powerbank/activations';
import { POWER_PROFILE_ID } from '../../../lib/domain/power/planner';
import { validateCommandRequest } from '../../../lib/ocpp/validate-command';

const target = (unit: 'A' | 'W', value: number) => ({ connectorId: 2, transactionId: '17', unit, value, phases: 3 });

describe('the activation profile', () => {
  it.each(['ocpp1.6', 'ocpp2.0.1'] as const)('is a schema-valid TxProfile on the transaction for %s, in A or W', (version) => {
    for (const t of [target('A', 7.9), target('W', 5451)]) {
      const payload = activationProfile(version, t, 4, '2026-11-30T17:00:00.000Z', 900);
      expect(validateCommandRequest(version, 'SetChargingProfile', payload)).toMatchObject({ ok: true });
      const profile = (version === 'ocpp1.6' ? payload.csChargingProfiles : payload.chargingProfile) as Record<string, unknown>;
      expect(profile).toMatchObject({ chargingProfilePurpose: 'TxProfile', chargingProfileKind: 'Absolute', stackLevel: 4, transactionId: version === 'ocpp1.6' ? 17 : '17' });
      expect(version === 'ocpp1.6' ? payload.connectorId : payload.evseId).toBe(2);
    }
  });

  it('is cleared by its own id only, never the power planner one', () => {
    expect(POWERBANK_PROFILE_ID).not.toBe(POWER_PROFILE_ID);
    expect(clearPayload('ocpp1.6')).toEqual({ id: POWERBANK_PROFILE_ID });
    expect(clearPayload('ocpp2.0.1')).toEqual({ chargingProfileId: POWERBANK_PROFILE_ID });
    for (const v of ['ocpp1.6', 'ocpp2.0.1'] as const) expect(validateCommandRequest(v, 'ClearChargingProfile', clearPayload(v))).toMatchObject({ ok: true });
  });
});

describe('fingerprintOf', () => {
  const base = { external_id: 'x', zone: 'DK2' as const, direction: 'up' as const, power_kw: 10, duration_s: 600 };
  it('is the same for the same request however it is written', () => {
    expect(fingerprintOf({ ...base, start: '2026-11-30T18:00:00Z' })).toBe(fingerprintOf({ ...base, start: '2026-11-30T19:00:00+01:00' }));
    expect(fingerprintOf({ ...base, share: undefined })).toBe(fingerprintOf(base));
  });
  it('differs when anything the request says differs', () => {
    expect(fingerprintOf({ ...base, power_kw: 11 })).not.toBe(fingerprintOf(base));
    expect(fingerprintOf({ ...base, start: '2026-11-30T18:00:00Z' })).not.toBe(fingerprintOf(base));
  });
});
