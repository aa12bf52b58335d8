import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { describeDemoChargePoint, findDemoChargePoint, normalizeProtocol, recordRotatedPassword, refusalReason } from '../../../local/demo-credentials';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function aCredentialsFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cpc-creds-'));
  dirs.push(dir);
  const file = join(dir, 'local-credentials.json');
  const cp = (identity: string, protocol: string) => ({ identity, protocol, password: `prov-${identity}`, url: `ws://localhost:3000/ocpp/${identity}` });
  writeFileSync(file, JSON.stringify({ operatorApiKey: 'k', projectId: 'p', chargePoints: [cp('DEMO-CP-16', 'ocpp1.6'), cp('DEMO-CP-201', 'ocpp2.0.1')] }));
  return file;
}

describe('demo credentials', () => {
  it('accepts 2.0.1 and 1.6 with or without the ocpp prefix, and nothing else', () => {
    expect(normalizeProtocol('2.0.1')).toBe('ocpp2.0.1');
    expect(normalizeProtocol('OCPP2.0.1')).toBe('ocpp2.0.1');
    expect(normalizeProtocol('1.6')).toBe('ocpp1.6');
    expect(normalizeProtocol('ocpp1.6')).toBe('ocpp1.6');
    expect(normalizeProtocol('2.1')).toBeUndefined();
  });

  it('remembers a rotated password for the next run and the banner, with the date', () => {
    // Prepare
    const file = aCredentialsFile();
    // Act
    const saved = recordRotatedPassword(file, 'demo-cp-201', 'new-password-0123456789', new Date('2026-11-30T10:00:00Z'));
    // Assess
    expect(saved).toBe(true);
    const cp = findDemoChargePoint(file, 'DEMO-CP-201')!;
    expect(cp).toMatchObject({ password: 'new-password-0123456789', rotatedAt: '2026-11-30T10:00:00.000Z' });
    expect(describeDemoChargePoint(cp)).toContain('password new-password-0123456789   (rotated by commissioning on 2026-11-30');
    expect(findDemoChargePoint(file, 'DEMO-CP-16')?.password).toBe('prov-DEMO-CP-16');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ operatorApiKey: 'k', projectId: 'p' });
  });

  it('does not invent an entry for a charge point that is not in the demo data', () => {
    expect(recordRotatedPassword(aCredentialsFile(), 'OTHER', 'x'.repeat(20))).toBe(false);
  });

  it('explains a refused connection by its status', () => {
    // 401 is the same for an unknown identity and a wrong password (no serial oracle), so it says so.
    expect(refusalReason(401, 'CP-1')).toMatch(/whether CP-1 is unknown or its password wrong/);
    expect(refusalReason(404, 'CP-1')).toMatch(/URL is not …\/ocpp\/\{identity\}/);
    expect(refusalReason(400, 'CP-1')).toMatch(/--protocol/);
  });
});
