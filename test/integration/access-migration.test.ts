// Issue #16: operators, API keys, teams, sites and projects made before it, written exactly as the
// code before #16 wrote them (`git log -p -- lib/db/operators.ts lib/db/projects.ts`: no `OPERATORS`
// list index on operators, no per-operator list index on API keys, no `SITE#{id}` index on sites, no
// `SITE#{id}#PROJECTS` index on projects, a team with `ownerEmail` and no owner member), then
// `npm run admin -- migrate`, then checked through the admin command and the real HTTP handlers.
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LocalRuntime } from '../../local/runtime';
import { documentClient } from '../../lib/aws/clients';
import { config } from '../../lib/config';
import { ENTITY, keys } from '../../lib/db/keys';
import { issueApiKey } from '../../lib/domain/api-keys';
import { planChargePoint } from '../../lib/domain/charge-points';
import { addStaffMember } from '../../lib/domain/operator-staff';
import { main as admin, listOperatorsCommand } from '../../scripts/admin';
import { aSignedInAccount, anEmail, apiClient } from './support/api';
import { aSerial } from './support/ocpp';
import { startTestRuntime } from './support/runtime';
import { scanAll } from './support/table';

let rt: LocalRuntime;
let api: ReturnType<typeof apiClient>;

const suffix = Date.now().toString(36);
const OLD = {
  operatorId: `op_old${suffix}`,
  teamId: `team_old${suffix}`,
  siteId: `site_old${suffix}`,
  projectId: `prj_old${suffix}`,
  createdAt: '2026-06-01T09:00:00.000Z',
};
const key = issueApiKey();
const ownerEmail = anEmail('old-owner');

const put = (Item: Record<string, unknown>) => documentClient().send(new PutCommand({ TableName: config().tableName, Item }));


async function migrate(): Promise<string[]> {
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  try {
    expect(await admin(['migrate'])).toBe(0);
    return log.mock.calls.map((c) => String(c[0]));
  } finally {
    log.mockRestore();
  }
}

beforeAll(async () => {
  rt = await startTestRuntime({ seed: false });
  api = apiClient(rt);
  const { operatorId, teamId, siteId, projectId, createdAt } = OLD;
  // The pre-#16 shapes (putOperatorWithKey, putTeam, putSite, putProject of that code).
  await put({ ...keys.operator(operatorId), type: ENTITY.operator, operatorId, name: 'Old Volts Ltd', contactEmail: 'ops@old-volts.example', createdAt });
  await put({ ...keys.apiKey(key.keyId), type: ENTITY.apiKey, keyId: key.keyId, operatorId, secretHash: key.secretHash, createdAt });
  await put({ ...keys.team(operatorId, teamId), type: ENTITY.team, teamId, operatorId, name: 'Hotel Seaview', ownerEmail, createdAt });
  await put({ ...keys.site(operatorId, siteId), type: ENTITY.site, siteId, operatorId, teamId, name: 'Seaview car park', address: '1 Promenade', country: 'GB', createdAt });
  await put({
    ...keys.project(projectId),
    ...keys.projectByOperator(operatorId, createdAt, projectId),
    type: ENTITY.project,
    projectId,
    operatorId,
    teamId,
    siteId,
    jobNumber: 'OLD-1',
    name: 'Car park chargers',
    description: '',
    instructions: '',
    status: 'open',
    createdAt,
  });
  // A charger the operator planned on it (charge point items did not change in #16).
  await planChargePoint(operatorId, projectId, { serialNumber: aSerial('OLD'), connectorCount: 1, protocol: 'ocpp1.6' });
});
afterAll(async () => {
  await rt?.stop();
});

describe('operators, API keys, sites and projects made before #16', () => {
  it('are listed, found as locations and handed to their owner after `npm run admin -- migrate`', async () => {
    const { operatorId, teamId, siteId } = OLD;
    // The owner the operator typed has a verified account before the migration runs.
    const owner = await aSignedInAccount(rt, { email: ownerEmail, name: 'Olga Owner' });

    expect((await listOperatorsCommand({ table: rt.tableName })).operators.map((o) => o.operatorId)).not.toContain(operatorId);
    const lines = await migrate();
    expect(lines).toContain('✔ indexed: 1 operator(s), 1 site(s), 1 project(s), 1 API key(s) made before #16');

    // list-operators now has it.
    expect((await listOperatorsCommand({ table: rt.tableName })).operators).toEqual([expect.objectContaining({ operatorId, name: 'Old Volts Ltd', createdAt: OLD.createdAt })]);

    // Its API key is listed (to an admin), before anyone used it (a use would index it too).
    const adminAccount = await aSignedInAccount(rt);
    await addStaffMember(operatorId, adminAccount.accountId, 'admin');
    const listed = await api<{ api_keys: Array<{ key_id: string }> }>('GET', '/api/v1/operator/api-keys', { token: adminAccount.token });
    expect(listed.status).toBe(200);
    expect(listed.body.api_keys.map((k) => k.key_id)).toEqual([key.keyId]);

    // The migration made nobody owner, even the verified account with the team's ownerEmail: the
    // email was typed by the operator, never confirmed by its holder (docs/access.md).
    expect((await api('GET', `/api/v1/locations/${siteId}`, { token: owner.token })).status).toBe(404);

    // The operator hands the team over with an owner invitation; once accepted, the site is the
    // owner's location, with the charger of its old project.
    const invite = await api<{ url: string; kind: string; team_id: string }>('POST', `/api/v1/operator/teams/${teamId}/owner-invitation`, { token: key.plaintext, body: { email: ownerEmail } });
    expect(invite.status).toBe(201);
    expect(invite.body).toMatchObject({ kind: 'team_owner', team_id: teamId });
    const token = invite.body.url.split('/invitations/')[1]!;
    expect((await api('POST', `/api/v1/invitations/${token}/accept`, { token: owner.token })).status).toBe(200);
    const location = await api<{ view: string; access: { roles: string[] }; charge_points: unknown[] }>('GET', `/api/v1/locations/${siteId}`, { token: owner.token });
    expect(location.status).toBe(200);
    expect(location.body).toMatchObject({ view: 'full', access: { roles: ['team_owner'] } });
    expect(location.body.charge_points).toHaveLength(1);

    // Once the team has an owner, further owners are the owners' call (409), not the operator's.
    const again = await api<{ reason: string }>('POST', `/api/v1/operator/teams/${teamId}/owner-invitation`, { token: key.plaintext, body: { email: anEmail('other') } });
    expect(again.status).toBe(409);
    expect(again.body.reason).toBe('has_owner');
    // Another operator's team is out of reach.
    expect((await api('POST', `/api/v1/operator/teams/team_nope/owner-invitation`, { token: key.plaintext, body: { email: anEmail() } })).status).toBe(404);
  }, 60_000);

  it('changes nothing when run again', async () => {
    const before = await scanAll();
    expect(await migrate()).toContain('✔ indexed: 0 operator(s), 0 site(s), 0 project(s), 0 API key(s) made before #16');
    const byKey = (items: Record<string, unknown>[]) => Object.fromEntries(items.map((i) => [`${String(i.pk)}|${String(i.sk)}`, i]));
    expect(byKey(await scanAll())).toEqual(byKey(before));
  });
});
