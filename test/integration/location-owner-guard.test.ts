// A security probe: an installer invited their own address as the owner of a location they made,
// accepted, and stayed owner (with consent to sensitive data) past the 14-day lapse. Own file: the
// accounts it signs up would take locations.test.ts past the signup limit per client.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime';
import { transactWrite } from '../../lib/aws/transact';
import { grantPutItem } from '../../lib/db/locations';
import { aSignedInAccount, anEmail, apiClient, type SignedInAccount } from './support/api';
import { startTestRuntime } from './support/runtime';

let rt: LocalRuntime;
let api: ReturnType<typeof apiClient>;

beforeAll(async () => {
  rt = await startTestRuntime();
  api = apiClient(rt);
});
afterAll(async () => rt?.stop());

interface LocationBody {
  location_id: string;
  access: { roles: string[]; full_access_until: string | null };
}

async function anInstallerOfTheSeedOperator(): Promise<SignedInAccount> {
  const installer = await aSignedInAccount(rt, { name: 'Ina Installer' });
  await api('POST', `/api/v1/operator/projects/${rt.seed!.projectId}/installers`, { token: rt.seed!.operatorApiKey, body: { email: installer.email } });
  return installer;
}

describe('the owner handover of an installer-made location', () => {
  it('does not let the installer make themselves owner through their own handover (a probe did), yet an owner may make them co-owner', async () => {
    const installer = await anInstallerOfTheSeedOperator();
    const created = await api<LocationBody>('POST', '/api/v1/locations', { token: installer.token, body: { operator_id: rt.seed!.operatorId, name: 'Barn', address: '9 Farm Road, Wells', country: 'GB' } });
    const location_id = created.body.location_id;
    const own = await api<{ errors?: Array<{ field: string }> }>('POST', `/api/v1/locations/${location_id}/invitations`, { token: installer.token, body: { kind: 'team_owner', email: installer.email.toUpperCase() } });
    expect(own.status).toBe(400);
    expect(own.body.errors).toEqual([expect.objectContaining({ field: 'email' })]);

    // Through a second address of theirs that also installs here: the acceptance is refused, nothing changes.
    const accomplice = await anInstallerOfTheSeedOperator();
    const viaInstaller = await api<{ url: string }>('POST', `/api/v1/locations/${location_id}/invitations`, { token: installer.token, body: { kind: 'location_installer', email: accomplice.email } });
    expect(viaInstaller.status).toBe(403); // only an owner brings in installers
    const handover = await api<{ url: string }>('POST', `/api/v1/locations/${location_id}/invitations`, { token: installer.token, body: { kind: 'team_owner', email: accomplice.email } });
    expect(handover.status).toBe(201);
    // The accomplice is made an installer of the location some other way (here: directly), then tries the handover.
    await transactWrite([grantPutItem({ siteId: location_id, operatorId: rt.seed!.operatorId, accountId: accomplice.accountId, email: accomplice.email, sensitiveData: false, createdAt: new Date().toISOString() })]);
    const token = handover.body.url.split('/invitations/')[1]!;
    const refused = await api('POST', `/api/v1/invitations/${token}/accept`, { token: accomplice.token });
    expect(refused.status).toBe(403);
    const accompliceView = await api<LocationBody>('GET', `/api/v1/locations/${location_id}`, { token: accomplice.token });
    expect(accompliceView.body.access.roles).toEqual(['location_installer']);
    expect((await api<LocationBody>('GET', `/api/v1/locations/${location_id}`, { token: installer.token })).body.access).toMatchObject({ roles: ['location_installer'], full_access_until: null });

    // The real owner accepts their own handover, then makes the installer a co-owner: that is the owner's call.
    const owner = await aSignedInAccount(rt, { email: anEmail('owner') });
    const realHandover = await api<{ url: string }>('POST', `/api/v1/locations/${location_id}/invitations`, { token: installer.token, body: { kind: 'team_owner', email: owner.email } });
    expect((await api('POST', `/api/v1/invitations/${realHandover.body.url.split('/invitations/')[1]}/accept`, { token: owner.token })).status).toBe(200);
    const coOwner = await api<{ url: string }>('POST', `/api/v1/locations/${location_id}/invitations`, { token: owner.token, body: { kind: 'team_owner', email: installer.email } });
    expect(coOwner.status).toBe(201);
    expect((await api('POST', `/api/v1/invitations/${coOwner.body.url.split('/invitations/')[1]}/accept`, { token: installer.token })).status).toBe(200);
    expect((await api<LocationBody>('GET', `/api/v1/locations/${location_id}`, { token: installer.token })).body.access.roles).toContain('team_owner');
  });
});
