// An operator releases a serial it holds by mistake, so the rightful holder can register it
// (issue #12 finding 6); a serial a charger has connected as is not released.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getIdentityGuard } from '../../lib/db/charge-points';
import { listLog } from '../../lib/db/logs';
import { registerChargePoint } from '../../lib/domain/charge-points';
import { Conflict } from '../../lib/domain/errors';
import { createOperator, createProject, createSite, createTeam } from '../../lib/domain/operator-setup';
import type { LocalRuntime } from '../../local/runtime';
import { aConnectedClient, aRegisteredChargePoint, aSerial } from './support/ocpp';
import { startTestRuntime } from './support/runtime';

let rt: LocalRuntime;
let other: { apiKey: string; projectId: string };

beforeAll(async () => {
  rt = await startTestRuntime();
  const created = await createOperator({ name: 'Rightful CPO', contactEmail: 'ops@rightful.example' });
  const team = await createTeam(created.operator.operatorId, { name: 'Rightful Customer', ownerEmail: 'owner@rightful.example' });
  const site = await createSite(created.operator.operatorId, { teamId: team.teamId, name: 'Lot', address: '1 Road', country: 'GB' });
  const project = await createProject(created.operator.operatorId, { teamId: team.teamId, siteId: site.siteId, jobNumber: 'JOB-R', name: 'Rightful job', description: '', instructions: '' });
  other = { apiKey: created.apiKey, projectId: project.projectId };
});
afterAll(async () => rt?.stop());

const release = (chargePointId: string, key = rt.seed!.operatorApiKey) =>
  fetch(`${rt.url}/api/v1/operator/charge-points/${chargePointId}/serial`, { method: 'DELETE', headers: { authorization: `Bearer ${key}` } });

describe('DELETE /api/v1/operator/charge-points/{charge_point_id}/serial', () => {
  it('releases a serial no charger has used, in one step with its log entry, so another operator can register it', async () => {
    const held = await aRegisteredChargePoint(rt, { protocol: 'ocpp1.6' });
    await expect(registerChargePoint({ projectId: other.projectId, serialNumber: held.identity, protocol: 'ocpp1.6' })).rejects.toBeInstanceOf(Conflict);

    const res = await release(held.chargePoint.chargePointId);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ charge_point_id: held.chargePoint.chargePointId, serial_number: null, charge_point_identity: null });
    expect(await getIdentityGuard(held.identity)).toBeUndefined();
    const logged = (await listLog(held.identity, { category: 'security' })).entries.filter((e) => e.kind === 'serial_released');
    expect(logged).toHaveLength(1);
    expect(JSON.stringify(logged[0])).not.toMatch(/Demo|Site Owner/);

    const rightful = await registerChargePoint({ projectId: other.projectId, serialNumber: held.identity, protocol: 'ocpp1.6' });
    expect((await getIdentityGuard(held.identity))?.chargePointId).toBe(rightful.chargePoint.chargePointId);
  });

  it('refuses with 409 and the reason once a charger has connected as the serial, and keeps the claim', async () => {
    const used = await aRegisteredChargePoint(rt, { protocol: 'ocpp1.6' });
    const client = await aConnectedClient(rt, { identity: used.identity, password: used.provisioningPassword, protocol: 'ocpp1.6' });
    await client.close({ force: true });
    await rt.drain();
    const res = await release(used.chargePoint.chargePointId);
    expect(res.status).toBe(409);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await res.json()).toMatchObject({ detail: expect.stringMatching(/^A charger has connected as .+ so the serial is in use and cannot be released/), reason: 'has_connected' });
    expect((await getIdentityGuard(used.identity))?.chargePointId).toBe(used.chargePoint.chargePointId);
  });

  it('refuses with 409 a charge point that holds no serial, and another operator\'s charge point with 404', async () => {
    const held = await aRegisteredChargePoint(rt, { protocol: 'ocpp1.6', serial: aSerial('REL') });
    expect((await release(held.chargePoint.chargePointId, other.apiKey)).status).toBe(404);
    expect((await release(held.chargePoint.chargePointId)).status).toBe(200);
    const again = await release(held.chargePoint.chargePointId);
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ reason: 'no_serial' });
  });
});
