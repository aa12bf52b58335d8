// The installer journey end to end against the local runtime: sign up, verify from the outbox,
// log in, see the assigned job, register a 1.6 and a 2.0.1 charge point, connect them with strict
// ocpp-rpc clients using the provisioning password, commission them to completed (TriggerMessage,
// password rotation, an Accepted boot), and the checklist. Plus the failures.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RPCClient } from 'ocpp-rpc';
import type { LocalRuntime } from '../../local/runtime';
import { issueAccessToken } from '../../lib/auth/tokens';
import { getChargePoint } from '../../lib/db/charge-points';
import { aConnectedClient, behaveLikeACharger, BOOT } from './support/ocpp';
import { anEmail, apiClient } from './support/api';
import { aWebhookReceiver, type WebhookReceiver } from './support/webhooks';
import { startTestRuntime } from './support/runtime';

let rt: LocalRuntime;
let api: ReturnType<typeof apiClient>;
let op: string;
let token: string;
let installerId: string;
let projectId: string;
const commissioned: string[] = [];
const email = anEmail();
const password = 'Correct-Horse-42';
const clients: RPCClient[] = [];

// The CPO's system: a real HTTP receiver subscribed to the events of this journey (issue #5).
let hooks: WebhookReceiver;

beforeAll(async () => {
  rt = await startTestRuntime();
  api = apiClient(rt);
  op = rt.seed!.operatorApiKey;
  hooks = await aWebhookReceiver(api, op, ['commissioning.completed', 'project.handed_over'], '/cpo-hooks');
});
afterAll(async () => {
  for (const c of clients) await c.close({ force: true }).catch(() => undefined);
  await rt?.stop();
  await hooks?.close();
});

describe('installer journey', () => {
  it('the CPO sets up a team, a site and a job with a planned charge point', async () => {
    const team = await api<{ team_id: string }>('POST', '/api/v1/operator/teams', { token: op, body: { name: 'Harbour Car Parks Ltd', owner_email: 'owner@harbour.example' } });
    expect(team.status).toBe(201);
    const badSite = await api('POST', '/api/v1/operator/sites', { token: op, body: { team_id: team.body.team_id, name: 'Quay', address: '1 Quay', country: 'uk' } });
    expect(badSite.status).toBe(400);
    expect(badSite.body).toMatchObject({ errors: [expect.objectContaining({ field: 'country' })] });
    const site = await api<{ site_id: string }>('POST', '/api/v1/operator/sites', { token: op, body: { team_id: team.body.team_id, name: 'Quay car park', address: '1 Quay Street, Bristol', country: 'GB', grid_region: 'GB-SW' } });
    const project = await api<{ project_id: string }>('POST', '/api/v1/operator/projects', {
      token: op,
      body: { job_number: 'JOB-2042', name: 'Quay car park: two wallboxes', site_id: site.body.site_id, description: 'Two 22 kW AC', instructions: 'Key at the kiosk, bay 4.' },
    });
    expect(project.status).toBe(201);
    projectId = project.body.project_id;
    const planned = await api<{ status: string; validation_message: string }>('POST', `/api/v1/operator/projects/${projectId}/charge-points`, { token: op, body: { connector_count: 2 } });
    expect(planned.status).toBe(201);
    expect(planned.body).toMatchObject({ status: 'No serial', validation_message: 'No serial' });
  });

  it('signs up, cannot log in before verifying, verifies with the emailed token and password, logs in for one hour', async () => {
    const weak = await api('POST', '/api/v1/installer/signup', { body: { email, password: 'short', name: 'Ina Installer' } });
    expect(weak.status).toBe(400);
    expect(weak.body).toMatchObject({ errors: expect.arrayContaining([expect.objectContaining({ field: 'password' })]) });

    const signup = await api('POST', '/api/v1/installer/signup', { body: { email, password, name: 'Ina Installer' } });
    expect(signup.status).toBe(202);
    expect(signup.body).toMatchObject({ status: 'accepted' });

    const early = await api('POST', '/api/v1/installer/login', { body: { email, password } });
    expect(early.status).toBe(403);
    expect(String(early.body.detail)).toMatch(/verify/i);

    await rt.drain();
    const mail = rt.outbox.list({ to: email })[0];
    expect(mail?.subject).toMatch(/verify/i);
    const emailed = /Verification token: (\S+)/.exec(mail!.text!)![1]!;
    expect((await api('POST', '/api/v1/installer/verify-email', { body: { token: 'x'.repeat(43), password } })).status).toBe(400);
    const verified = await api('POST', '/api/v1/installer/verify-email', { body: { token: emailed, password } });
    expect(verified.body).toMatchObject({ status: 'active' });
    installerId = String(verified.body.installer_id);

    const login = await api<{ access_token: string; token_type: string; expires_in: number }>('POST', '/api/v1/installer/login', { body: { email, password } });
    expect(login.status).toBe(200);
    expect(login.body).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
    token = login.body.access_token;
  });

  it('sees only projects a CPO assigned; anything else is 404', async () => {
    expect((await api<{ projects: unknown[] }>('GET', '/api/v1/installer/projects', { token })).body.projects).toEqual([]);
    expect((await api('GET', `/api/v1/installer/projects/${projectId}`, { token })).status).toBe(404);
    expect((await api('POST', `/api/v1/operator/projects/${projectId}/installers`, { token: op, body: { email } })).status).toBe(201);
    const list = await api<{ projects: Array<{ project_id: string }> }>('GET', '/api/v1/installer/projects', { token });
    expect(list.body.projects.map((p) => p.project_id)).toEqual([projectId]);
    const detail = await api<{ instructions: string; site: { name: string }; charge_points: Array<{ status: string }>; checklist: unknown[] }>('GET', `/api/v1/installer/projects/${projectId}`, { token });
    expect(detail.status).toBe(200);
    expect(detail.body.site.name).toBe('Quay car park');
    expect(detail.body.instructions).toMatch(/bay 4/);
    expect(detail.body.charge_points.map((c) => c.status)).toEqual(['No serial']);
    expect(detail.body.checklist).toHaveLength(5);
    // The seeded demo project is not theirs.
    expect((await api('GET', `/api/v1/installer/projects/${rt.seed!.projectId}`, { token })).status).toBe(404);
  });

  it('rejects an expired token with 401 saying it expired, and a forged one', async () => {
    const old = await issueAccessToken({ accountId: installerId, email }, Date.now() - 2 * 3600_000);
    const res = await api('GET', '/api/v1/installer/projects', { token: old.access_token });
    expect(res.status).toBe(401);
    expect(String(res.body.detail)).toMatch(/expired/);
    expect((await api('GET', '/api/v1/installer/projects', { token: `${token.slice(0, -4)}AAAA` })).status).toBe(401);
  });

  it('refuses a handover too early with 403 listing what is missing', async () => {
    const early = await api<{ charge_points_not_completed: Array<{ commissioning_status: string }>; checklist_missing: string[] }>('POST', `/api/v1/installer/projects/${projectId}/handover`, { token });
    expect(early.status).toBe(403);
    expect(early.headers.get('content-type')).toBe('application/problem+json');
    expect(early.body.checklist_missing).toEqual(['meter_calibration', 'emergency_stop_tested', 'cable_management_inspected', 'enclosure_ip_rating_inspected', 'site_owner_briefed']);
    // The operator's planned charge point has no serial yet, so it cannot be commissioned.
    expect(early.body.charge_points_not_completed).toEqual([expect.objectContaining({ serial_number: null, commissioning_status: 'pending' })]);
  });

  for (const version of ['ocpp1.6', 'ocpp2.0.1'] as const) {
    it(`registers, connects and commissions an ${version} charge point to completed`, async () => {
      const serial = `JOURNEY-${version === 'ocpp1.6' ? '16' : '201'}-${Date.now().toString(36)}`.toUpperCase();
      const reg = await api<{ charge_point_id: string; charge_point_identity: string; ocpp_endpoint: string; provisioning_password: string }>(
        'POST',
        `/api/v1/installer/projects/${projectId}/charge-points`,
        { token, body: { serial_number: serial, ocpp_protocol: version, connector_count: 2 } },
      );
      expect(reg.status).toBe(201);
      expect(reg.body.ocpp_endpoint).toBe(rt.ocppUrl);
      expect(reg.body.provisioning_password).toMatch(/^[0-9a-f]{40}$/);
      const id = reg.body.charge_point_id;
      commissioned.push(id);

      const state: { password?: string } = {};
      const client = await aConnectedClient(rt, { identity: reg.body.charge_point_identity, password: reg.body.provisioning_password, protocol: version });
      clients.push(client);
      behaveLikeACharger(client, version, state);
      expect(await client.call('BootNotification', BOOT[version])).toMatchObject({ status: 'Pending' });

      const started = await api('POST', `/api/v1/installer/charge-points/${id}/commissioning`, { token });
      expect(started.status).toBe(202);
      expect(started.body).toMatchObject({ status: 'in_progress' });

      await vi.waitFor(
        async () => {
          const s = await api<{ status: string; checks: Array<{ name: string; status: string }> }>('GET', `/api/v1/installer/charge-points/${id}/commissioning`, { token });
          expect(s.body.status).toBe('completed');
          expect(s.body.checks.map((c) => `${c.name}:${c.status}`)).toEqual(['ocpp_connection:passed', 'firmware_version:passed', 'heartbeat:passed']);
        },
        { timeout: 15_000, interval: 200 },
      );
      // The boot triggered before the heartbeat check was Accepted (the TC_B_31 order); then
      // commissioning-finish moved the charger to a long-term password, which it accepted.
      expect((await getChargePoint(id, true))?.boot?.status).toBe('Accepted');
      // Accepted, but not used yet: not rotated until the charger connects with it.
      const rotation = async () => (await api<{ password_rotation: { status: string } | null }>('GET', `/api/v1/installer/charge-points/${id}/commissioning`, { token })).body.password_rotation?.status;
      await vi.waitFor(async () => expect(await rotation()).toBe('pending_adoption'), { timeout: 15_000, interval: 200 });
      const cp = await getChargePoint(id, true);
      expect(cp?.credentials?.kind).toBe('long_term');
      expect(state.password).toMatch(/^[0-9a-f]{40}$/);
      expect(state.password).not.toBe(reg.body.provisioning_password);

      // The charger reconnects with its new password (API Gateway closes every socket after 2 h).
      await client.close({ force: true });
      const again = await aConnectedClient(rt, { identity: reg.body.charge_point_identity, password: state.password!, protocol: version });
      clients.push(again);
      expect(await again.call('BootNotification', BOOT[version])).toMatchObject({ status: 'Accepted' });
      // It has one connector more than the installer registered: the certificate counts what it reports.
      for (const n of [1, 2, 3]) {
        await (version === 'ocpp1.6'
          ? again.call('StatusNotification', { connectorId: n, errorCode: 'NoError', status: 'Available' })
          : again.call('StatusNotification', { timestamp: new Date().toISOString(), connectorStatus: 'Available', evseId: n, connectorId: 1 }));
      }
      expect(await rotation()).toBe('rotated');
    }, 40_000);
  }

  it('refuses a serial used by another team with 409 naming the team', async () => {
    const otherTeam = await api<{ team_id: string }>('POST', '/api/v1/operator/teams', { token: op, body: { name: 'Rival Parking Co', owner_email: 'rival@example.com' } });
    const site = await api<{ site_id: string }>('POST', '/api/v1/operator/sites', { token: op, body: { team_id: otherTeam.body.team_id, name: 'Rival lot', address: '2 Road', country: 'GB' } });
    const project = await api<{ project_id: string }>('POST', '/api/v1/operator/projects', { token: op, body: { job_number: 'JOB-9', name: 'Rival job', site_id: site.body.site_id } });
    await api('POST', `/api/v1/operator/projects/${project.body.project_id}/installers`, { token: op, body: { email } });
    const serial = `TAKEN-${Date.now().toString(36)}`.toUpperCase();
    expect((await api('POST', `/api/v1/installer/projects/${project.body.project_id}/charge-points`, { token, body: { serial_number: serial, ocpp_protocol: 'ocpp1.6' } })).status).toBe(201);
    const clash = await api('POST', `/api/v1/installer/projects/${projectId}/charge-points`, { token, body: { serial_number: serial.toLowerCase(), ocpp_protocol: 'ocpp1.6' } });
    expect(clash.status).toBe(409);
    expect(clash.body.detail).toBe('Serial is in use by: Rival Parking Co');
  });

  it('refuses a serial another operator holds without naming that operator\'s customer', async () => {
    const { createOperator } = await import('../../lib/domain/operator-setup');
    const other = await createOperator({ name: 'Other CPO', contactEmail: 'ops@other-cpo.example' });
    const team = await api<{ team_id: string }>('POST', '/api/v1/operator/teams', { token: other.apiKey, body: { name: 'Secret Customer Ltd', owner_email: 'secret@example.com' } });
    const site = await api<{ site_id: string }>('POST', '/api/v1/operator/sites', { token: other.apiKey, body: { team_id: team.body.team_id, name: 'Hidden lot', address: '3 Road', country: 'GB' } });
    const project = await api<{ project_id: string }>('POST', '/api/v1/operator/projects', { token: other.apiKey, body: { job_number: 'JOB-X', name: 'Other job', site_id: site.body.site_id } });
    await api('POST', `/api/v1/operator/projects/${project.body.project_id}/installers`, { token: other.apiKey, body: { email } });
    const serial = `HELD-${Date.now().toString(36)}`.toUpperCase();
    expect((await api('POST', `/api/v1/installer/projects/${project.body.project_id}/charge-points`, { token, body: { serial_number: serial, ocpp_protocol: 'ocpp1.6' } })).status).toBe(201);
    const clash = await api('POST', `/api/v1/installer/projects/${projectId}/charge-points`, { token, body: { serial_number: serial, ocpp_protocol: 'ocpp1.6' } });
    expect(clash.status).toBe(409);
    expect(JSON.stringify(clash.body)).not.toMatch(/Secret Customer|Other CPO/);
    expect(clash.body.detail).toMatch(/^Serial is in use by another operator/);
  });

  it('records the site checklist with who and when, and validates items', async () => {
    const bad = await api('PUT', `/api/v1/installer/projects/${projectId}/checklist/emergency_stop_tested`, { token, body: { result: 'not_supported' } });
    expect(bad.status).toBe(400);
    const unknown = await api('PUT', `/api/v1/installer/projects/${projectId}/checklist/made_up_item`, { token, body: { result: 'passed' } });
    expect(unknown.status).toBe(400);
    const ok = await api<{ checklist: Array<{ item: string; result: string; recorded_by: string; recorded_at: string }> }>(
      'PUT',
      `/api/v1/installer/projects/${projectId}/checklist/meter_calibration`,
      { token, body: { result: 'not_supported', notes: 'MID meter without calibration interface' } },
    );
    expect(ok.status).toBe(200);
    expect(ok.body.checklist.find((c) => c.item === 'meter_calibration')).toMatchObject({ result: 'not_supported', recorded_by: 'Ina Installer', recorded_at: expect.any(String) });
  });

  it('hands over once everything is done: a signed PDF, a locked project, the same certificate on repeat, emails to CPO and owner', async () => {
    for (const item of ['emergency_stop_tested', 'cable_management_inspected', 'enclosure_ip_rating_inspected', 'site_owner_briefed']) {
      expect((await api('PUT', `/api/v1/installer/projects/${projectId}/checklist/${item}`, { token, body: { result: 'passed' } })).status).toBe(200);
    }
    // The first registration filled the operator's planned slot; every charge point is now commissioned.
    const detail = await api<{ charge_points: Array<{ charge_point_id: string; commissioning_status: string }> }>('GET', `/api/v1/installer/projects/${projectId}`, { token });
    expect(detail.body.charge_points.map((c) => c.commissioning_status)).toEqual(['completed', 'completed']);

    // A double tap on a phone: five handovers at once make one certificate, and all five answer it.
    type Done = { status: string; handed_over_at: string; handover_certificate_url: string; certificate_sha256: string };
    const attempts = await Promise.all(Array.from({ length: 5 }, () => api<Done>('POST', `/api/v1/installer/projects/${projectId}/handover`, { token })));
    const done = attempts[0]!;
    expect(attempts.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    expect(new Set(attempts.map((a) => a.body.certificate_sha256)).size).toBe(1);
    const s3 = new S3Client({ endpoint: `${rt.url}/_local/s3`, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
    const stored = await s3.send(new ListObjectsV2Command({ Bucket: rt.certificateBucket, Prefix: `certificates/${projectId}/` }));
    expect((stored.Contents ?? []).map((o) => o.Key)).toHaveLength(1);
    expect(done.body).toMatchObject({ status: 'handed_over', handed_over_at: expect.any(String) });
    const url = new URL(done.body.handover_certificate_url);
    expect(Number(url.searchParams.get('X-Amz-Expires'))).toBeGreaterThanOrEqual(24 * 3600);

    // Download through the presigned URL and check the signature with poppler's pdfsig.
    const pdf = Buffer.from(await (await fetch(url)).arrayBuffer());
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(createHash('sha256').update(pdf).digest('hex')).toBe(done.body.certificate_sha256);
    const file = join(mkdtempSync(join(tmpdir(), 'cert-')), 'handover.pdf');
    writeFileSync(file, pdf);
    const sig = spawnSync('pdfsig', [file], { encoding: 'utf8' });
    expect(sig.stdout).toContain('Signature is Valid');
    const text = spawnSync('pdftotext', [file, '-'], { encoding: 'utf8' }).stdout;
    expect(text).toContain('JOB-2042');
    expect(text).toMatch(/JOURNEY-16/);
    expect(text).toMatch(/heartbeat/i);
    const rows = spawnSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).stdout;
    expect(rows).toMatch(/ocpp1\.6\s+3\s+completed/);
    expect(rows).toMatch(/ocpp2\.0\.1\s+3\s+completed/);
    // Both chargers connected with their long-term passwords, so the certificate may say rotated.
    expect(text.match(/Long-term password\s+rotated/g)).toHaveLength(2);

    // Locked: any installer change answers 423 with a clear message.
    const locked = await api('PUT', `/api/v1/installer/projects/${projectId}/checklist/site_owner_briefed`, { token, body: { result: 'passed' } });
    expect(locked.status).toBe(423);
    expect(String(locked.body.detail)).toMatch(/handed over/);
    // There is no reopen route, so the message must not send anyone looking for one.
    expect(String(locked.body.detail)).not.toMatch(/reopen/);
    expect(String(locked.body.detail)).toMatch(/new project/);
    expect((await api('POST', `/api/v1/installer/projects/${projectId}/charge-points`, { token, body: { serial_number: 'LATE-1', ocpp_protocol: 'ocpp1.6' } })).status).toBe(423);
    expect((await api('POST', `/api/v1/installer/charge-points/${commissioned[0]}/commissioning`, { token })).status).toBe(423);

    // A repeated handover returns the same certificate (a fresh link); GET re-issues the link too.
    const again = await api<{ certificate_sha256: string; handed_over_at: string }>('POST', `/api/v1/installer/projects/${projectId}/handover`, { token });
    expect(again.body).toMatchObject({ certificate_sha256: done.body.certificate_sha256, handed_over_at: done.body.handed_over_at });
    expect((await api<{ certificate_sha256: string }>('GET', `/api/v1/installer/projects/${projectId}/handover`, { token })).body.certificate_sha256).toBe(done.body.certificate_sha256);
    expect((await api<{ certificate_sha256: string }>('GET', `/api/v1/operator/projects/${projectId}/handover`, { token: op })).body.certificate_sha256).toBe(done.body.certificate_sha256);

    // The CPO and the site owner are emailed by the consumer of project.handed_over.
    await rt.drain();
    expect(rt.outbox.list({ to: 'owner@harbour.example' }).map((m) => m.subject)).toEqual([expect.stringContaining('JOB-2042')]);
    expect(rt.outbox.list({ to: 'ops@demo-cpo.example' }).map((m) => m.subject)).toEqual([expect.stringContaining('JOB-2042')]);
  });

  it('delivered commissioning.completed and project.handed_over to the CPO system, signed', async () => {
    await vi.waitFor(() => expect(hooks.received.length).toBeGreaterThanOrEqual(3), { timeout: 10_000 });
    const hook = new Webhook(hooks.secret);
    const events = hooks.received.map((r) => hook.verify(r.body, r.headers) as { type: string; data: { project_id: string; charge_point_id?: string } });
    const ours = events.filter((e) => e.data.project_id === projectId);
    expect(ours.filter((e) => e.type === 'commissioning.completed').map((e) => e.data.charge_point_id).sort()).toEqual([...commissioned].sort());
    expect(ours.filter((e) => e.type === 'project.handed_over')).toHaveLength(1);
    const forged = { ...hooks.received[0]!.headers, 'webhook-signature': 'v1,AAAA' };
    expect(() => hook.verify(hooks.received[0]!.body, forged)).toThrow();
  });
});
