// Two installers (or two browser tabs) registering different serials on one project at the same
// moment. Each picks the project's first charge point planned without a serial; one transaction
// wins it, and the other must take the next slot (or a new charge point), not be told that its
// serial "is in use by another operator", which nobody holds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime';
import { anInstallerOnTheSeedProject, apiClient } from './support/api';
import { aSerial } from './support/ocpp';
import { startTestRuntime } from './support/runtime';

let rt: LocalRuntime;
beforeAll(async () => {
  rt = await startTestRuntime();
});
afterAll(async () => {
  await rt?.stop();
});

describe('concurrent registrations on one project', () => {
  it('each gets a charge point of its own, planned slots first', async () => {
    const api = apiClient(rt);
    const { operatorApiKey } = rt.seed!;
    const created = await api<{ project_id: string }>('POST', '/api/v1/operator/projects', {
      token: operatorApiKey,
      body: { job_number: 'RACE-1', name: 'Race', site_id: rt.seed!.siteId, instructions: '', description: '' },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const project = created.body.project_id;
    for (let i = 0; i < 2; i += 1) expect((await api('POST', `/api/v1/operator/projects/${project}/charge-points`, { token: operatorApiKey, body: { connector_count: 2 } })).status).toBe(201);
    const token = await anInstallerOnTheSeedProject(rt);
    await api('POST', `/api/v1/operator/projects/${project}/installers`, { token: operatorApiKey, body: { email: (await api<{ email: string }>('GET', '/api/v1/account', { token })).body.email } });

    for (let round = 0; round < 3; round += 1) {
      const serials = [aSerial('RACE'), aSerial('RACE'), aSerial('RACE')];
      const answers = await Promise.all(
        serials.map((serial_number) => api<{ charge_point_id: string; detail?: string }>('POST', `/api/v1/installer/projects/${project}/charge-points`, { token, body: { serial_number, ocpp_protocol: 'ocpp1.6' } })),
      );
      expect(answers.map((a) => `${a.status} ${a.body.detail ?? ''}`.trim())).toEqual(['201', '201', '201']);
      expect(new Set(answers.map((a) => a.body.charge_point_id)).size).toBe(3);
    }
  }, 60_000);
});
