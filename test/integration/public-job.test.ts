// The public job link and its JSON API (issue #14, docs/job-page.md), end to end through the local
// runtime: the operator creates, lists and revokes links; the installer's phone reads the job, sets
// serials and connector positions, gets and reveals passwords, leaves notes and completes the job.
// Chargers are strict ocpp-rpc clients.
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { RPCClient } from 'ocpp-rpc';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LocalRuntime } from '../../local/runtime';
import { documentClient } from '../../lib/aws/clients';
import { config } from '../../lib/config';
import { getChargePoint, getIdentityGuard } from '../../lib/db/charge-points';
import { keys } from '../../lib/db/keys';
import { registerChargePoint } from '../../lib/domain/charge-points';
import { startCommissioning } from '../../lib/domain/commissioning';
import { hashToken } from '../../lib/domain/public-links';
import { putPublicLink } from '../../lib/db/public-links';
import { apiClient, type ApiResponse } from './support/api';
import { aConnectedClient, aSerial, BOOT, behaveLikeACharger, markCommissioned, upgradeStatus, basic } from './support/ocpp';
import { startTestRuntime } from './support/runtime';

let rt: LocalRuntime;
let api: ReturnType<typeof apiClient>;
let op: string;
const clients: RPCClient[] = [];

beforeAll(async () => {
  rt = await startTestRuntime();
  api = apiClient(rt);
  op = rt.seed!.operatorApiKey;
});
afterAll(async () => {
  for (const c of clients) await c.close({ force: true }).catch(() => undefined);
  await rt?.stop();
});

interface Job {
  readonly projectId: string;
  readonly teamId: string;
  readonly jobNumber: string;
  readonly linkId: string;
  readonly token: string;
  /** Planned charge points: the first for OCPP 1.6, the second for 2.0.1. */
  readonly cps: readonly [string, string];
}

interface JobCp {
  charge_point_id: string;
  serial: string | null;
  connector_position: string | null;
  status: string;
  validation_message: string | null;
  last_failed_attempt: { cause: string; message: string; at: string } | null;
  connection: { ocpp_url: string | null; protocol: string | null; password_state: string };
  notes: Array<{ text: string; author: { kind: string; link_id?: string; description: string } }>;
}
interface JobViewBody {
  link: { link_id: string };
  job: { job_number: string; status: string; read_only: boolean; completed_at: string | null };
  summary: { total: number; connected: number; text: string };
  charge_points: JobCp[];
}

let jobs = 0;
/** Test-data builder: a team, a site, a project with two planned charge points, and a job link. */
async function aJob(teamName = `Harbour Car Parks ${++jobs}`): Promise<Job> {
  const team = await api<{ team_id: string }>('POST', '/api/v1/operator/teams', { token: op, body: { name: teamName, owner_email: 'owner@harbour.example' } });
  const site = await api<{ site_id: string }>('POST', '/api/v1/operator/sites', { token: op, body: { team_id: team.body.team_id, name: 'Quay', address: '1 Quay Street', country: 'GB' } });
  const jobNumber = `JOB-PUB-${jobs}-${Date.now().toString(36)}`;
  const project = await api<{ project_id: string }>('POST', '/api/v1/operator/projects', { token: op, body: { job_number: jobNumber, name: 'Quay wallboxes', site_id: site.body.site_id } });
  const projectId = project.body.project_id;
  const plan = async (protocol: string) =>
    (await api<{ charge_point_id: string }>('POST', `/api/v1/operator/projects/${projectId}/charge-points`, { token: op, body: { connector_count: 1, ocpp_protocol: protocol } })).body.charge_point_id;
  const cps = [await plan('ocpp1.6'), await plan('ocpp2.0.1')] as const;
  const link = await api<{ link_id: string; url: string }>('POST', `/api/v1/operator/projects/${projectId}/public-links`, { token: op, body: {} });
  expect(link.status).toBe(201);
  return { projectId, teamId: team.body.team_id, jobNumber, linkId: link.body.link_id, token: link.body.url.split('/jobs/')[1]!, cps };
}

const jobPath = (job: Pick<Job, 'token'>) => `/api/v1/public/jobs/${job.token}`;
const cpPath = (job: Job, cp: string) => `${jobPath(job)}/charge-points/${cp}`;
const view = async (job: Job) => (await api<JobViewBody>('GET', jobPath(job))).body;
const row = async (job: Job, cp: string) => (await view(job)).charge_points.find((c) => c.charge_point_id === cp)!;

/** Sets a serial through the link and returns the provisioning password the page reveals. */
async function registerThroughLink(job: Job, cp: string, serial = aSerial('PUB')): Promise<{ identity: string; password: string }> {
  const patched = await api<JobCp>('PATCH', cpPath(job, cp), { body: { serial } });
  expect(patched.status).toBe(200);
  const revealed = await api<{ password: string }>('POST', `${cpPath(job, cp)}/password/reveal`);
  expect(revealed.status).toBe(200);
  return { identity: serial.toUpperCase(), password: revealed.body.password };
}

function expectNothingAbout(job: Job, res: ApiResponse) {
  const text = JSON.stringify(res.body);
  expect(text).not.toContain(job.jobNumber);
  expect(text).not.toContain(job.projectId);
  expect(text).not.toContain('Quay');
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
}

describe('job links (operator API)', () => {
  it('creates a link whose token has 256 bits and is never listed, lists it with its state and last use, and revokes it at once', async () => {
    const job = await aJob();
    // Prepare: the token is base64url of 32 bytes; the default lifetime is 30 days.
    expect(job.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const links = await api<{ items: Array<Record<string, unknown>> }>('GET', `/api/v1/operator/projects/${job.projectId}/public-links`, { token: op });
    expect(links.body.items).toEqual([expect.objectContaining({ link_id: job.linkId, state: 'active', revoked_at: null, last_used_at: null })]);
    const item = links.body.items[0]!;
    expect((Date.parse(item.expires_at as string) - Date.parse(item.created_at as string)) / 86_400_000).toBe(30);
    expect(JSON.stringify(links.body)).not.toContain(job.token);

    // Act: the phone opens the job; the operator revokes the link.
    expect((await api('GET', jobPath(job))).status).toBe(200);
    const used = await api<{ items: Array<{ last_used_at: string | null }> }>('GET', `/api/v1/operator/projects/${job.projectId}/public-links`, { token: op });
    expect(used.body.items[0]!.last_used_at).not.toBeNull();
    expect((await api('DELETE', `/api/v1/operator/projects/${job.projectId}/public-links/${job.linkId}`, { token: op })).status).toBe(204);

    // Assess: revoked at once, 410 saying whom to ask, nothing about the job.
    const gone = await api<{ status: number; detail: string }>('GET', jobPath(job));
    expect(gone.status).toBe(410);
    expect(gone.body.detail).toBe('This job link was revoked. Ask Demo CPO for a new link.');
    expectNothingAbout(job, gone);
    expect((await api('POST', `${cpPath(job, job.cps[0])}/notes`, { body: { text: 'hello' } })).status).toBe(410);
    const after = await api<{ items: Array<{ state: string; revoked_at: string | null }> }>('GET', `/api/v1/operator/projects/${job.projectId}/public-links`, { token: op });
    expect(after.body.items[0]).toMatchObject({ state: 'revoked', revoked_at: expect.any(String) });
  });

  it('takes expires_in_days up to 180 and names the field above it; another operator\'s project is a 404', async () => {
    const job = await aJob();
    const long = await api<{ expires_at: string; created_at: string }>('POST', `/api/v1/operator/projects/${job.projectId}/public-links`, { token: op, body: { expires_in_days: 180 } });
    expect(long.status).toBe(201);
    expect((Date.parse(long.body.expires_at) - Date.parse(long.body.created_at)) / 86_400_000).toBe(180);
    const tooLong = await api<{ errors: Array<{ field: string }> }>('POST', `/api/v1/operator/projects/${job.projectId}/public-links`, { token: op, body: { expires_in_days: 181 } });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.errors.map((e) => e.field)).toEqual(['expires_in_days']);
    expect((await api('DELETE', `/api/v1/operator/projects/${job.projectId}/public-links/lnk_nope`, { token: op })).status).toBe(404);
  });
});

describe('how many links a project may have', () => {
  it('counts only live links against the 100: revoking an unused one makes room at once (a probe found the project stuck for 90 days)', async () => {
    const job = await aJob(); // one live link
    // 98 more live links and 5 revoked ones, written as the link store writes them (the cap is what is tested).
    const now = Date.now();
    for (let i = 0; i < 103; i++) {
      const createdAt = new Date(now - 60_000 + i).toISOString();
      await putPublicLink({
        linkId: `lnk_cap${i}`,
        projectId: job.projectId,
        operatorId: rt.seed!.operatorId,
        tokenHash: hashToken(`cap-${job.projectId}-${i}`),
        createdBy: 'operator:test',
        createdAt,
        validUntil: new Date(now + 86_400_000).toISOString(),
        ...(i < 5 ? { revokedAt: createdAt } : {}),
      });
    }
    const create = () => api<{ link_id: string; detail?: string }>('POST', `/api/v1/operator/projects/${job.projectId}/public-links`, { token: op, body: {} });
    const hundredth = await create();
    expect(hundredth.status).toBe(201);
    const full = await create();
    expect(full.status).toBe(409);
    expect(full.body.detail).toMatch(/100 active links/);
    expect((await api('DELETE', `/api/v1/operator/projects/${job.projectId}/public-links/${hundredth.body.link_id}`, { token: op })).status).toBe(204);
    expect((await create()).status).toBe(201);
  });
});

describe('the public job API', () => {
  it('answers 404 for an unknown token and 410 for an expired one, with nothing about the job', async () => {
    const job = await aJob();
    const unknown = await api('GET', `/api/v1/public/jobs/${'A'.repeat(43)}`);
    expect(unknown.status).toBe(404);
    expect((await api('GET', '/api/v1/public/jobs/short')).status).toBe(404);

    // The link's end moved into the past (as if 30 days had passed).
    await documentClient().send(
      new UpdateCommand({
        TableName: config().tableName,
        Key: keys.publicLink(hashToken(job.token)),
        UpdateExpression: 'SET validUntil = :past',
        ExpressionAttributeValues: { ':past': new Date(Date.now() - 1000).toISOString() },
      }),
    );
    const expired = await api<{ detail: string }>('GET', jobPath(job));
    expect(expired.status).toBe(410);
    expect(expired.body.detail).toBe('This job link has expired. Ask Demo CPO for a new link.');
    expectNothingAbout(job, expired);
    const links = await api<{ items: Array<{ state: string }> }>('GET', `/api/v1/operator/projects/${job.projectId}/public-links`, { token: op });
    expect(links.body.items[0]!.state).toBe('expired');
  });

  it('shows the job with `0 / 2 connected`, answers 304 to its ETag, and a new body once a charger connects', async () => {
    const job = await aJob();
    const first = await api<JobViewBody>('GET', jobPath(job));
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ link: { link_id: job.linkId }, job: { job_number: job.jobNumber, status: 'open', read_only: false }, summary: { total: 2, connected: 0, text: '0 / 2 connected' } });
    expect(first.body.charge_points.map((c) => c.status)).toEqual(['No serial', 'No serial']);
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);

    // Nothing changed: 304, no body.
    const res = await fetch(`${rt.url}${jobPath(job)}`, { headers: { 'if-none-match': etag } });
    expect(res.status).toBe(304);
    expect(await res.text()).toBe('');
    expect(res.headers.get('etag')).toBe(etag);

    // A charger connects: the same tag now gets the new body.
    const cp = await registerThroughLink(job, job.cps[0]);
    clients.push(await aConnectedClient(rt, { ...cp, protocol: 'ocpp1.6' }));
    const changed = await api<JobViewBody>('GET', jobPath(job), { headers: { 'if-none-match': etag } });
    expect(changed.status).toBe(200);
    expect(changed.body.summary.text).toBe('1 / 2 connected');
    expect(changed.headers.get('etag')).not.toBe(etag);
  });

  it('registers a free serial with the exact OCPP URL, stores one another team holds as `Serial is in use by: <Team>`, and names `serial` when it is invalid', async () => {
    const job = await aJob();
    // Prepare: another team of the same operator holds a serial.
    const other = await aJob('Rival Parking Ltd');
    const held = aSerial('HELD');
    await registerChargePoint({ projectId: other.projectId, serialNumber: held, protocol: 'ocpp1.6' });

    // Held by another team: stored, and the status is the guide's validation message.
    const inUse = await api<JobCp>('PATCH', cpPath(job, job.cps[1]), { body: { serial: held, connector_position: 'left' } });
    expect(inUse.status).toBe(200);
    expect(inUse.body).toMatchObject({ serial: held, connector_position: 'left', status: 'Serial is in use by: Rival Parking Ltd', validation_message: 'Serial is in use by: Rival Parking Ltd' });
    expect(inUse.body.connection).toEqual({ ocpp_url: null, protocol: 'ocpp2.0.1', password_state: 'none' });
    expect((await getIdentityGuard(held))?.projectId).toBe(other.projectId);

    // Invalid: 400 naming the field, nothing written.
    const invalid = await api<{ errors: Array<{ field: string }> }>('PATCH', cpPath(job, job.cps[1]), { body: { serial: 'has space', connector_position: 'right' } });
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors.map((e) => e.field)).toEqual(['serial']);
    const position = await api<{ errors: Array<{ field: string }> }>('PATCH', cpPath(job, job.cps[1]), { body: { connector_position: 'upside-down' } });
    expect(position.body.errors.map((e) => e.field)).toEqual(['connector_position']);
    expect((await row(job, job.cps[1])).connector_position).toBe('left');

    // Fixed: a free serial is registered for this charge point with its planned protocol.
    const free = aSerial('Free');
    const fixed = await api<JobCp>('PATCH', cpPath(job, job.cps[1]), { body: { serial: free } });
    expect(fixed.status).toBe(200);
    expect(fixed.body).toMatchObject({ serial: free, validation_message: null, connector_position: 'left' });
    expect(fixed.body.connection).toEqual({ ocpp_url: `${rt.ocppUrl}/${free.toUpperCase()}`, protocol: 'ocpp2.0.1', password_state: 'provisioning' });
    expect((await getIdentityGuard(free.toUpperCase()))?.chargePointId).toBe(job.cps[1]);
  });

  it('re-identifies a registered charge point in one step, and leaves it alone when the new serial is taken', async () => {
    const job = await aJob();
    const other = await aJob('Rival Parking Two Ltd');
    const held = aSerial('HELD');
    await registerChargePoint({ projectId: other.projectId, serialNumber: held, protocol: 'ocpp1.6' });
    const first = await registerThroughLink(job, job.cps[0]);

    // Taken by another team: 409 naming serial; the charge point keeps its serial.
    const taken = await api<{ errors?: unknown; field?: string; detail: string }>('PATCH', cpPath(job, job.cps[0]), { body: { serial: held } });
    expect(taken.status).toBe(409);
    expect(taken.body.field).toBe('serial');
    expect((await row(job, job.cps[0])).serial).toBe(first.identity);

    // Free: old guard released, new one taken, new password issued; the old identity may be registered elsewhere again.
    const next = aSerial('NEXT');
    const moved = await api<JobCp>('PATCH', cpPath(job, job.cps[0]), { body: { serial: next } });
    expect(moved.status).toBe(200);
    expect(moved.body.connection.ocpp_url).toBe(`${rt.ocppUrl}/${next}`);
    expect(await getIdentityGuard(first.identity)).toBeUndefined();
    expect((await getIdentityGuard(next))?.chargePointId).toBe(job.cps[0]);
    const revealed = await api<{ password: string }>('POST', `${cpPath(job, job.cps[0])}/password/reveal`);
    expect(revealed.body.password).not.toBe(first.password);
    expect(await upgradeStatus(`${rt.ocppUrl}/${next}`, { protocols: ['ocpp1.6'], authorization: basic(next, revealed.body.password) })).toBe(101);
  });

  it('refuses to re-identify a connected charger and writes nothing of the request', async () => {
    const job = await aJob();
    const cp = await registerThroughLink(job, job.cps[0]);
    clients.push(await aConnectedClient(rt, { ...cp, protocol: 'ocpp1.6' }));
    const next = aSerial('NEXT');
    const refused = await api<{ field: string; detail: string }>('PATCH', cpPath(job, job.cps[0]), { body: { serial: next, connector_position: 'left' } });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ field: 'serial', detail: expect.stringMatching(/disconnect it/) });
    expect(await row(job, job.cps[0])).toMatchObject({ serial: cp.identity, connector_position: null });
    expect(await getIdentityGuard(next)).toBeUndefined();
    expect((await getIdentityGuard(cp.identity))?.chargePointId).toBe(job.cps[0]);
  });

  it('names why a charger will not connect: a wrong password, with the time', async () => {
    const job = await aJob();
    const cp = await registerThroughLink(job, job.cps[0]);
    expect((await row(job, job.cps[0])).last_failed_attempt).toBeNull();
    expect(await upgradeStatus(`${rt.ocppUrl}/${cp.identity}`, { protocols: ['ocpp1.6'], authorization: basic(cp.identity, 'not-the-password') })).toBe(401);
    const failed = (await row(job, job.cps[0])).last_failed_attempt;
    expect(failed).toMatchObject({ cause: 'wrong_password', at: expect.any(String) });
    expect(failed!.message).toMatch(/password/i);
  });

  it('records every change as made via the public link in the log the operator reads', async () => {
    const job = await aJob();
    const cp = await registerThroughLink(job, job.cps[0]);
    await api('PATCH', cpPath(job, job.cps[0]), { body: { connector_position: 'rear' } });
    await api('POST', `${cpPath(job, job.cps[0])}/notes`, { body: { text: 'Mounted on the pillar' } });

    const log = await api<{ entries: Array<{ category: string; kind: string; action: string; detail: { description: string; by: { kind: string; link_id: string } } }> }>(
      'GET',
      `/api/v1/operator/charge-points/${job.cps[0]}/logs?category=audit`,
      { token: op },
    );
    expect(log.status).toBe(200);
    const descriptions = log.body.entries.map((e) => e.detail.description);
    expect(descriptions).toEqual([
      `Note added via public link ${job.linkId}`,
      `Connector position set to rear via public link ${job.linkId}`,
      `Provisioning password shown via public link ${job.linkId}`,
      `Serial set to ${cp.identity} (registered, ocpp1.6) via public link ${job.linkId}`,
    ]);
    expect(log.body.entries.every((e) => e.kind === 'change' && e.detail.by.kind === 'public_link' && e.detail.by.link_id === job.linkId)).toBe(true);
    // A change to a charge point without a serial is in its log too.
    await api('PATCH', cpPath(job, job.cps[1]), { body: { connector_position: 'front' } });
    const unregistered = await api<{ entries: Array<{ detail: { description: string } }> }>('GET', `/api/v1/operator/charge-points/${job.cps[1]}/logs`, { token: op });
    expect(unregistered.body.entries.map((e) => e.detail.description)).toEqual([`Connector position set to front via public link ${job.linkId}`]);
  });

  it('shows the installer\'s notes to the operator and the operator\'s answer on the job page', async () => {
    const job = await aJob();
    const note = await api<{ note_id: string; author: Record<string, unknown> }>('POST', `${cpPath(job, job.cps[0])}/notes`, { body: { text: 'No network in bay 4' } });
    expect(note.status).toBe(201);
    expect(note.body.author).toEqual({ kind: 'public_link', link_id: job.linkId, description: `via public link ${job.linkId}` });
    const seen = await api<{ items: Array<{ text: string; author: { kind: string } }> }>('GET', `/api/v1/operator/charge-points/${job.cps[0]}/notes`, { token: op });
    expect(seen.body.items.map((n) => [n.text, n.author.kind])).toEqual([['No network in bay 4', 'public_link']]);

    const answer = await api('POST', `/api/v1/operator/charge-points/${job.cps[0]}/notes`, { token: op, body: { text: 'Use the 4G router in the cabinet' } });
    expect(answer.status).toBe(201);
    expect((await row(job, job.cps[0])).notes.map((n) => [n.text, n.author.description])).toEqual([
      ['No network in bay 4', `via public link ${job.linkId}`],
      ['Use the 4G router in the cabinet', 'by the operator'],
    ]);
    expect((await api<{ errors: Array<{ field: string }> }>('POST', `${cpPath(job, job.cps[0])}/notes`, { body: { text: '' } })).body.errors[0]!.field).toBe('text');
    // Another job's charge point is not reachable through this link.
    const other = await aJob();
    expect((await api('POST', `${cpPath(job, other.cps[0])}/notes`, { body: { text: 'x' } })).status).toBe(404);
  });

  it('issues a new password that replaces the old one, reveals it, and refuses to reveal once the charger uses its long-term password', async () => {
    const job = await aJob();
    const cp = await registerThroughLink(job, job.cps[0]);
    const url = `${rt.ocppUrl}/${cp.identity}`;

    // New password: the old one stops working.
    const fresh = await api<{ password: string; issued_at: string; message: string }>('POST', `${cpPath(job, job.cps[0])}/password`);
    expect(fresh.status).toBe(200);
    expect(fresh.body.message).toMatch(/previous one stops working/);
    expect(await upgradeStatus(url, { protocols: ['ocpp1.6'], authorization: basic(cp.identity, cp.password) })).toBe(401);
    const revealed = await api<{ password: string; issued_at: string }>('POST', `${cpPath(job, job.cps[0])}/password/reveal`);
    expect(revealed.body).toEqual({ password: fresh.body.password, issued_at: fresh.body.issued_at });

    // Commissioning moves the charger to its long-term password, which it then uses.
    const client = await aConnectedClient(rt, { identity: cp.identity, password: fresh.body.password, protocol: 'ocpp1.6' });
    clients.push(client);
    const state: { password?: string } = {};
    behaveLikeACharger(client, 'ocpp1.6', state);
    await client.call('BootNotification', BOOT['ocpp1.6']);
    await startCommissioning(job.cps[0], 'test');
    await vi.waitFor(() => expect(state.password).toBeDefined(), { timeout: 20_000, interval: 200 });
    await vi.waitFor(async () => expect((await row(job, job.cps[0])).connection.password_state).toBe('long_term'), { timeout: 10_000, interval: 1000 });
    await client.close({ force: true });
    expect(await upgradeStatus(url, { protocols: ['ocpp1.6'], authorization: basic(cp.identity, state.password!) })).toBe(101);

    const refused = await api<{ detail: string }>('POST', `${cpPath(job, job.cps[0])}/password/reveal`);
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toMatch(/long-term password, which is never shown/);
  }, 60_000);

  it('stops starting, stopping, re-passwording and re-identifying a charger once the operator opens it to drivers (a probe got a free charge and locked a live charger out)', async () => {
    const job = await aJob();
    const cp = await registerThroughLink(job, job.cps[0]);
    await markCommissioned(job.cps[0]); // so its boot is Accepted, and remote starts allowed
    const client = await aConnectedClient(rt, { identity: cp.identity, password: cp.password, protocol: 'ocpp1.6' });
    clients.push(client);
    behaveLikeACharger(client, 'ocpp1.6', {});
    client.handle('Reset', async () => ({ status: 'Accepted' }));
    await client.call('BootNotification', BOOT['ocpp1.6']);
    await client.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Available' });
    await rt.drain();
    // Before activation the job page offers the test charge.
    expect((await api<{ charge_points: Array<{ charge_point_id: string; actions: Record<string, boolean> }> }>('GET', jobPath(job))).body.charge_points.find((c) => c.charge_point_id === job.cps[0])!.actions).toMatchObject({ start: true, reboot: true });

    expect((await api('POST', `/api/v1/operator/charge-points/${job.cps[0]}/activate`, { token: op })).status).toBe(200);
    const live = (await api<{ charge_points: Array<{ charge_point_id: string; active: boolean; actions: Record<string, boolean> }> }>('GET', jobPath(job))).body.charge_points.find((c) => c.charge_point_id === job.cps[0])!;
    expect(live.active).toBe(true);
    expect(live.actions).toEqual({ start: false, stop: false, unlock: true, reboot: true });

    const before = await getChargePoint(job.cps[0], true);
    for (const [method, path, body] of [
      ['POST', `${cpPath(job, job.cps[0])}/actions`, { action: 'start' }],
      ['POST', `${cpPath(job, job.cps[0])}/actions`, { action: 'stop' }],
      ['POST', `${cpPath(job, job.cps[0])}/password`, undefined],
      ['PATCH', cpPath(job, job.cps[0]), { serial: aSerial('PUB') }],
    ] as const) {
      const refused = await api<{ detail: string; reason: string }>(method, path, body ? { body } : {});
      expect(refused.status, `${method} ${path}`).toBe(409);
      expect(refused.body).toMatchObject({ reason: 'charge_point_active', detail: expect.stringMatching(/open to drivers/) });
    }
    // Nothing changed: the same identity and password, no start sent, and the charger's password still works.
    const after = await getChargePoint(job.cps[0], true);
    expect(after?.identity).toBe(before?.identity);
    expect(after?.credentials?.current).toBe(before?.credentials?.current);
    expect(after?.lastAction).toEqual(before?.lastAction);
    // What stays with the installer on site: a reboot (answered by the charger) and notes.
    expect((await api<{ outcome: string }>('POST', `${cpPath(job, job.cps[0])}/actions`, { body: { action: 'reboot' } })).body.outcome).toBe('accepted');
    expect((await api('POST', `${cpPath(job, job.cps[0])}/notes`, { body: { text: 'Live since today.' } })).status).toBe(201);
  }, 60_000);

  it('completes the job: the view turns read-only and every write through the link is refused', async () => {
    const job = await aJob();
    await registerThroughLink(job, job.cps[0]);
    const done = await api<JobViewBody>('POST', `${jobPath(job)}/complete`, { body: { activate_all: true } });
    expect(done.status).toBe(200);
    expect(done.body.job).toMatchObject({ status: 'completed', read_only: true, completed_at: expect.any(String) });
    // "Activate all charge points" (the default on the page) opened every charge point to drivers.
    expect(done.body.charge_points.map((c) => (c as unknown as { active: boolean }).active)).toEqual([true, true]);
    expect(done.body.charge_points.every((c) => Object.values((c as unknown as { actions: Record<string, boolean> }).actions).every((a) => !a))).toBe(true);

    for (const [method, path, body] of [
      ['PATCH', cpPath(job, job.cps[1]), { connector_position: 'left' }],
      ['POST', `${cpPath(job, job.cps[0])}/notes`, { text: 'late' }],
      ['POST', `${cpPath(job, job.cps[0])}/password`, undefined],
      ['POST', `${cpPath(job, job.cps[0])}/password/reveal`, undefined],
      ['POST', `${cpPath(job, job.cps[0])}/actions`, { action: 'reboot' }],
      ['POST', `${jobPath(job)}/complete`, { activate_all: false }],
    ] as const) {
      const res = await api<{ detail: string }>(method, path, body === undefined ? {} : { body });
      expect([path, res.status]).toEqual([path, 409]);
      expect(res.body.detail).toMatch(/read-only/);
    }
    expect((await view(job)).job.read_only).toBe(true);
  });
});
