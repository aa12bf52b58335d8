// What the handover certificate says about each charge point: a firmware version the installer
// recorded by hand is shown as such, and the long-term password is `rotated` only once used.
import { describe, expect, it } from 'vitest';
import { renderHandoverCertificate } from '../../../lib/certificates/render';
import type { ChargePoint } from '../../../lib/db/charge-points';
import { certificateChargePoint } from '../../../lib/domain/handover';
import { aHandoverCertificate } from '../../fixtures/certificates/handover-data';
import { pdfText } from '../../fixtures/certificates/poppler';

const AT = '2025-05-14T10:32:00.000Z';

function aCommissionedChargePoint(overrides: Partial<ChargePoint> = {}): ChargePoint {
  return {
    chargePointId: 'cp_1',
    operatorId: 'op_1',
    teamId: 'team_1',
    siteId: 'site_1',
    projectId: 'prj_1',
    identity: 'SN-00001',
    protocol: 'ocpp2.0.1',
    connectorCount: 1,
    firmwareVersion: '6.4.0',
    credentials: { current: 'scrypt$new', issuedAt: '2025-05-14T09:00:00.000Z', kind: 'long_term', adoptedAt: '2025-05-14T09:05:00.000Z' },
    commissioning: {
      status: 'completed',
      checks: [{ name: 'firmware_version', status: 'passed', detail: 'Firmware 6.4.0 (reported in BootNotification)', at: '2025-05-14T09:00:00.000Z' }],
      passwordRotation: { status: 'pending_adoption', detail: 'accepted', at: '2025-05-14T09:00:00.000Z' },
    },
    createdAt: '2025-05-14T08:00:00.000Z',
    updatedAt: '2025-05-14T09:05:00.000Z',
    ...overrides,
  };
}

const passwordRow = (cp: ChargePoint) => certificateChargePoint(cp, AT).checks.find((c) => c.name === 'password_rotation');

describe('certificateChargePoint', () => {
  it('prints a firmware version the installer recorded by hand with "(recorded by installer: <reason>)"', async () => {
    const cp = aCommissionedChargePoint({
      firmwareVersion: '3.1.4',
      firmwareSource: { kind: 'installer', reason: 'Read from the display', by: 'ina@example.com', at: '2025-05-14T09:30:00.000Z' },
    });

    const shown = certificateChargePoint(cp, AT);
    const text = pdfText(await renderHandoverCertificate(aHandoverCertificate({ chargePoints: [shown] }))).replace(/\s+/g, ' ');

    expect(shown).toMatchObject({ firmwareVersion: '3.1.4', firmwareNote: '(recorded by installer: Read from the display)' });
    expect(text).toContain('(recorded by installer: Read from the display)');
    // A version the charge point reported carries no note.
    expect(certificateChargePoint(aCommissionedChargePoint(), AT).firmwareNote).toBeUndefined();
  });

  it('says pending_adoption while the previous password is still accepted, and rotated once the new one was used', () => {
    const pending = aCommissionedChargePoint({
      credentials: { current: 'scrypt$new', previous: 'scrypt$old', previousValidUntil: '2025-05-21T09:00:00.000Z', issuedAt: '2025-05-14T09:00:00.000Z', kind: 'long_term' },
    });
    const expired = aCommissionedChargePoint({
      credentials: { current: 'scrypt$new', previous: 'scrypt$old', previousValidUntil: '2025-05-14T10:00:00.000Z', issuedAt: '2025-05-14T09:00:00.000Z', kind: 'long_term' },
    });

    expect(passwordRow(pending)).toMatchObject({ label: 'Long-term password', status: 'pending_adoption' });
    expect(passwordRow(expired)).toMatchObject({ status: 'expired', detail: expect.stringContaining('reprovision') });
    expect(passwordRow(aCommissionedChargePoint())).toMatchObject({ status: 'rotated', at: '2025-05-14T09:05:00.000Z' });
  });
});
