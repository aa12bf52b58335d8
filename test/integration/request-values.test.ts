// Values no route may store, refused for every JSON body in one place (lib/http/storable.ts), with a
// 400 problem+json naming the field. A security probe found each of these answering 500 (a number
// DynamoDB refuses: "Number underflow") or 201 and then breaking every GET that returns it for a
// strict JSON parser (a lone UTF-16 surrogate: jq "Invalid \uXXXX surrogate pair escape").
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime';
import { meterReading } from '../../scripts/lib/meter';
import { aSignedInAccount, apiClient, type ApiResponse } from './support/api';
import { startTestRuntime } from './support/runtime';

let rt: LocalRuntime;
let api: ReturnType<typeof apiClient>;
let op: string;

beforeAll(async () => {
  rt = await startTestRuntime();
  api = apiClient(rt);
  op = rt.seed!.operatorApiKey;
});
afterAll(async () => {
  await rt?.stop();
});

type Problem = { status: number; errors?: Array<{ field: string; message: string }> };

/** 400 problem+json whose errors name exactly `fields`. */
function expectRefused(res: ApiResponse<Problem>, fields: string[]) {
  expect([res.status, res.headers.get('content-type')], JSON.stringify(res.body)).toEqual([400, 'application/problem+json']);
  expect(res.body.errors?.map((e) => e.field)).toEqual(fields);
}

const TINY = 1e-300;

describe('numbers DynamoDB cannot store', () => {
  it('refuses them in a PowerBank activation (share, power_kw)', async () => {
    const body = { external_id: 'x', zone: 'GB', direction: 'up', duration_s: 60 };
    expectRefused(await api<Problem>('POST', '/api/v1/operator/powerbank/activations', { token: op, body: { ...body, share: TINY } }), ['share']);
    expectRefused(await api<Problem>('POST', '/api/v1/operator/powerbank/activations', { token: op, body: { ...body, power_kw: -TINY } }), ['power_kw']);
  });

  it('refuses them in a location\'s power settings and a meter\'s readings, and still takes the smallest storable magnitude', async () => {
    const installer = await aSignedInAccount(rt, { from: '127.0.7.1' });
    await api('POST', `/api/v1/operator/projects/${rt.seed!.projectId}/installers`, { token: op, body: { email: installer.email } });
    const location = await api<{ location_id: string }>('POST', '/api/v1/locations', { token: installer.token, body: { operator_id: rt.seed!.operatorId, name: 'Depot', address: '1 Yard Road', country: 'GB' } });
    expect(location.status).toBe(201);
    const power = `/api/v1/locations/${location.body.location_id}/power`;
    const settings = { fuse_a: 32, phases: 3, margin_a: 2, mode: 'dynamic', distribution: 'equal', static_charging_a: 20, meter_includes_chargers: false, meter_stale_after_s: 120 };

    expectRefused(await api<Problem>('PUT', power, { token: installer.token, body: { ...settings, margin_a: TINY } }), ['margin_a']);
    expectRefused(await api<Problem>('PUT', power, { token: installer.token, body: { ...settings, static_charging_a: TINY } }), ['static_charging_a']);
    expectRefused(await api<Problem>('PUT', power, { token: installer.token, body: { ...settings, mode: 'peak_shaving', peak_limit_kw: TINY } }), ['peak_limit_kw']);
    // 1e-130 is DynamoDB's smallest magnitude: stored, and read back as it was sent.
    const smallest = await api<{ settings: { margin_a: number } }>('PUT', power, { token: installer.token, body: { ...settings, margin_a: 1e-130 } });
    expect([smallest.status, smallest.body.settings.margin_a]).toEqual([200, 1e-130]);
    expect((await api('PUT', power, { token: installer.token, body: settings })).status).toBe(200);

    const meter = await api<{ meter_id: string; secret: string }>('POST', `${power}/meters`, { token: installer.token, body: { name: 'Main meter' } });
    expect(meter.status).toBe(201);
    const readings = `/api/v1/meters/${meter.body.meter_id}/readings`;
    expectRefused(await api<Problem>('POST', readings, { token: meter.body.secret, body: meterReading({ powerW: TINY }) }), ['power_w']);
    expectRefused(await api<Problem>('POST', readings, { token: meter.body.secret, body: meterReading({ currentA: [TINY, 1, 1] }) }), ['current_a.0']);
    // Too large too (1e400 parses to Infinity): refused by the same walk, whatever the schema says.
    const huge = await fetch(`${rt.url}${readings}`, { method: 'POST', headers: { authorization: `Bearer ${meter.body.secret}`, 'content-type': 'application/json' }, body: `{"current_a":[1,1,1e400],"at":"${new Date().toISOString()}"}` });
    expect([huge.status, ((await huge.json()) as Problem).errors?.map((e) => e.field)]).toEqual([400, ['current_a.2']]);
    expect((await api('POST', readings, { token: meter.body.secret, body: meterReading({ currentA: [1e-130, 0, 0] }) })).status).toBe(202);
  });
});

describe('strings a strict JSON parser cannot read back', () => {
  async function aJobLink(): Promise<{ token: string; cp: string }> {
    const team = await api<{ team_id: string }>('POST', '/api/v1/operator/teams', { token: op, body: { name: 'Surrogates Ltd', owner_email: 'owner@surrogates.example' } });
    const site = await api<{ site_id: string }>('POST', '/api/v1/operator/sites', { token: op, body: { team_id: team.body.team_id, name: 'Yard', address: '1 Yard', country: 'GB' } });
    const project = await api<{ project_id: string }>('POST', '/api/v1/operator/projects', { token: op, body: { job_number: `JOB-SUR-${Date.now().toString(36)}`, name: 'Yard', site_id: site.body.site_id } });
    const cp = await api<{ charge_point_id: string }>('POST', `/api/v1/operator/projects/${project.body.project_id}/charge-points`, { token: op, body: { connector_count: 1, ocpp_protocol: 'ocpp1.6' } });
    const link = await api<{ url: string }>('POST', `/api/v1/operator/projects/${project.body.project_id}/public-links`, { token: op, body: {} });
    expect(link.status).toBe(201);
    return { token: link.body.url.split('/jobs/')[1]!, cp: cp.body.charge_point_id };
  }

  it('refuses a lone surrogate and NUL in a job page note, keeps tabs, newlines and paired surrogates, and the job stays valid JSON', async () => {
    const job = await aJobLink();
    const notes = `/api/v1/public/jobs/${job.token}/charge-points/${job.cp}/notes`;
    expectRefused(await api<Problem>('POST', notes, { body: { text: '\udfffz' } }), ['text']);
    expectRefused(await api<Problem>('POST', notes, { body: { text: 'a\ud83d' } }), ['text']);
    expectRefused(await api<Problem>('POST', notes, { body: { text: 'cut\u0000here' } }), ['text']);
    // An object key is a string too; the problem names the object, not the bad key.
    expectRefused(await api<Problem>('POST', notes, { body: { text: 'x', '\udfff': 1 } }), ['body']);
    expect((await api('POST', notes, { body: { text: 'bay 4\tpillar\nno signal 🙂' } })).status).toBe(201);

    const raw = await (await fetch(`${rt.url}/api/v1/public/jobs/${job.token}`)).text();
    // What jq refuses: a \uD800-\uDFFF escape that is not half of a pair.
    expect(raw).not.toMatch(/\\ud[89ab][0-9a-f]{2}(?!\\ud[c-f])|(?<!\\ud[89ab][0-9a-f]{2})\\ud[c-f][0-9a-f]{2}/i);
    expect(raw).not.toMatch(/\\u0000/);
    const view = JSON.parse(raw) as { charge_points: Array<{ notes: Array<{ text: string }> }> };
    expect(view.charge_points.flatMap((c) => c.notes.map((n) => n.text))).toEqual(['bay 4\tpillar\nno signal 🙂']);
  });
});
