// What the demo charge points need to connect, shared by the banner (main.ts) and the simulator
// (scripts/simulate-charger.ts). Commissioning rotates a charge point's password and only a hash of
// the new one is stored, so the runtime cannot show it; the simulator, which receives it in
// ChangeConfiguration(AuthorizationKey) / SetVariables(BasicAuthPassword), writes it back to
// local-credentials.json with the date, and the banner shows that.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { SeedResult } from './seed';

export type DemoChargePoint = SeedResult['chargePoints'][number] & { readonly rotatedAt?: string };

/** `2.0.1`, `ocpp2.0.1`, `OCPP2.0.1`, `1.6`… → the subprotocol name; undefined when unknown. */
export function normalizeProtocol(text: string): 'ocpp1.6' | 'ocpp2.0.1' | undefined {
  const t = text.trim().toLowerCase().replace(/^ocpp/, '');
  if (t === '1.6' || t === '1.6j' || t === '16') return 'ocpp1.6';
  if (t === '2.0.1' || t === '201') return 'ocpp2.0.1';
  return undefined;
}

export function findDemoChargePoint(file: string, identity: string): DemoChargePoint | undefined {
  try {
    const seed = JSON.parse(readFileSync(file, 'utf8')) as SeedResult;
    return seed.chargePoints.find((c) => c.identity.toLowerCase() === identity.toLowerCase());
  } catch {
    return undefined;
  }
}

/** Records a rotated password for `identity`; false when the file or the charge point is not there. */
export function recordRotatedPassword(file: string, identity: string, password: string, at = new Date()): boolean {
  let seed: SeedResult & { chargePoints: DemoChargePoint[] };
  try {
    seed = JSON.parse(readFileSync(file, 'utf8')) as typeof seed;
  } catch {
    return false;
  }
  const i = seed.chargePoints.findIndex((c) => c.identity.toLowerCase() === identity.toLowerCase());
  if (i < 0) return false;
  const chargePoints = seed.chargePoints.map((c, n) => (n === i ? { ...c, password, rotatedAt: at.toISOString() } : c));
  writeFileSync(`${file}.tmp`, `${JSON.stringify({ ...seed, chargePoints }, null, 2)}\n`, { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
  return true;
}

/** The banner line for one demo charge point: its current password, and whether it was rotated. */
export function describeDemoChargePoint(c: DemoChargePoint): string {
  const base = `  ${c.protocol.padEnd(10)} ${c.url}   password ${c.password}`;
  return c.rotatedAt ? `${base}   (rotated by commissioning on ${c.rotatedAt.slice(0, 10)}; saved by npm run simulate)` : base;
}

/** Why the server refused the WebSocket upgrade, in words a person can act on. */
export function refusalReason(status: number, identity: string): string {
  switch (status) {
    case 401:
      return `401 Unauthorized: the server does not say whether ${identity} is unknown or its password wrong (so serials cannot be guessed); the installer API's commissioning status and the job page name the cause. Commissioning rotates the password; \`npm run simulate\` saves the new one in local-credentials.json, so use that one (or register the charge point again for a new provisioning password).`;
    case 404:
      return `404 Not Found: the URL is not …/ocpp/{identity}.`;
    case 400:
      return `400 Bad Request: ${identity} is not registered for the subprotocol offered; try --protocol 1.6 or --protocol 2.0.1.`;
    case 503:
      return '503 Service Unavailable: the server is starting or stopping.';
    default:
      return `${status}: the server refused the connection.`;
  }
}
