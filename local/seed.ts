// Demo data for a first `npm start`: an operator with an API key, a team, a site and a project.
// The same values are printed and written to .data/local-credentials.json.
import { readFileSync, writeFileSync } from 'node:fs';
import { registerChargePoint } from '../lib/domain/charge-points';
import { createOperator, createProject, createSite, createTeam } from '../lib/domain/operator-setup';
import { createPublicLink } from '../lib/domain/public-links';

export interface SeedResult {
  readonly operatorId: string;
  readonly operatorApiKey: string;
  readonly teamId: string;
  readonly siteId: string;
  readonly projectId: string;
  /** Demo charge points with their provisioning passwords, so a simulator can connect at once. */
  readonly chargePoints: ReadonlyArray<{ readonly identity: string; readonly protocol: string; readonly password: string; readonly url: string }>;
  /**
   * The demo job link (issue #14). Only the token's hash is in the table, so the token is kept here,
   * like the demo passwords, and later starts print the same link (`jobUrl` follows the address).
   */
  readonly jobLink?: { readonly linkId: string; readonly token: string; readonly expiresAt: string };
  readonly jobUrl?: string;
  readonly url: string;
  readonly ocppUrl: string;
}

export async function seedDemoData(at: { url: string; ocppUrl: string }): Promise<SeedResult> {
  const { operator, apiKey } = await createOperator({ name: 'Demo CPO', contactEmail: 'ops@demo-cpo.example' });
  const team = await createTeam(operator.operatorId, { name: 'Demo Site Owner Ltd', ownerEmail: 'owner@demo-site.example' });
  const site = await createSite(operator.operatorId, {
    teamId: team.teamId,
    name: 'Demo Depot',
    address: '1 Example Street, London',
    country: 'GB',
    gridRegion: 'GB-LDN',
  });
  const project = await createProject(operator.operatorId, {
    teamId: team.teamId,
    siteId: site.siteId,
    jobNumber: 'JOB-0001',
    name: 'Demo Depot: two AC chargers',
    description: 'Install and commission two 22 kW AC wallboxes in the staff car park.',
    instructions: 'Park in bay 4. The distribution board is behind the reception desk; ask for the key.',
  });
  const chargePoints = [];
  for (const [serial, protocol] of [
    ['DEMO-CP-16', 'ocpp1.6'],
    ['DEMO-CP-201', 'ocpp2.0.1'],
  ] as const) {
    // keepSealedCopy: the demo job page can show (reveal) these provisioning passwords.
    const cp = await registerChargePoint({ projectId: project.projectId, serialNumber: serial, protocol, connectorCount: 2, vendor: 'Demo', model: 'AC22', keepSealedCopy: true });
    chargePoints.push({ identity: cp.identity, protocol, password: cp.provisioningPassword, url: `${at.ocppUrl}/${cp.identity}` });
  }
  // The longest lifetime a link may have: a demo data folder is often reused for weeks.
  const link = await createPublicLink(operator.operatorId, project.projectId, { expiresInDays: 180 });
  return {
    operatorId: operator.operatorId,
    operatorApiKey: apiKey,
    teamId: team.teamId,
    siteId: site.siteId,
    projectId: project.projectId,
    chargePoints,
    jobLink: { linkId: link.link.linkId, token: link.token, expiresAt: link.link.validUntil },
    jobUrl: jobUrlAt(at.url, link.token),
    ...at,
  };
}

export function writeCredentials(file: string, seed: SeedResult): void {
  writeFileSync(file, `${JSON.stringify(seed, null, 2)}\n`, { mode: 0o600 });
}

export function readCredentials(file: string): SeedResult | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as SeedResult;
  } catch {
    return undefined;
  }
}

/** The demo job page's address on this start (the token is kept; the host and port may change). */
export function jobUrlAt(baseUrl: string, token: string): string {
  return `${baseUrl}/jobs/${token}`;
}
