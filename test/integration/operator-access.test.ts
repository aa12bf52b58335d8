// Operator access (issue #16): the bootstrap command against the local runtime, API key scopes,
// rotation with an overlap (the clock is moved, not waited for), revocation, last use, and staff
// accounts on operator routes (roles from the one role × action table, lib/domain/access.ts).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LocalRuntime } from '../../local/runtime';
import { REPO_ROOT } from '../../local/lambda';
import { addStaffMember } from '../../lib/domain/operator-staff';
import { createApiKeyCommand, createOperatorCommand, listOperatorsCommand, revokeApiKeyCommand } from '../../scripts/admin';
import { anEmail, apiClient, apiClientFrom, type SignedInAccount } from './support/api';
import { startTestRuntime } from './support/runtime';

let rt: LocalRuntime;
let api: ReturnType<typeof apiClient>;
let dataDir: string;

beforeAll(async () => {
  // A data folder, as `npm start` has one: the admin command finds the runtime through it (--local).
  dataDir = mkdtempSync(join(tmpdir(), 'operator-access-'));
  rt = await startTestRuntime({ inMemory: false, dataDir });
  api = apiClient(rt);
}, 60_000);
afterAll(async () => {
  await rt?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});
afterEach(() => {
  vi.useRealTimers();
});

let accounts = 0;
/**
 * A verified, signed-in account (signup, verify from the outbox, login), each from its own loopback
 * address: this file makes more accounts than one client may sign up per hour (rate-limits.ts).
 */
async function aSignedInAccount(runtime: LocalRuntime, opts: { email?: string; name?: string } = {}): Promise<SignedInAccount> {
  accounts += 1;
  const from = apiClientFrom(runtime, `127.0.${Math.floor(accounts / 250) + 10}.${(accounts % 250) + 1}`);
  const email = opts.email ?? anEmail('staff');
  const password = 'Correct-Horse-42';
  await from('POST', '/api/v1/installer/signup', { body: { email, password, name: opts.name ?? 'Sam' } });
  await runtime.drain();
  const t = /Verification token: (\S+)/.exec(runtime.outbox.list({ to: email }).find((m) => /Verification token/.test(m.text ?? ''))!.text!)![1]!;
  const verified = await from<{ installer_id: string }>('POST', '/api/v1/installer/verify-email', { body: { token: t, password } });
  const login = async () => (await from<{ access_token: string }>('POST', '/api/v1/installer/login', { body: { email, password } })).body.access_token;
  return { email, password, accountId: verified.body.installer_id, token: await login(), login };
}

/** Runs `npm run admin -- …` as a person would, in its own process, with none of this process's AWS settings. */
function admin(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(AWS_|TABLE_NAME|EVENT_BUS_NAME|WEBHOOK_SECRETS_KEY_ID|PUBLIC_BASE_URL|EMAIL_FROM)/.test(k)));
  return new Promise((resolve, reject) => {
    const child = spawn(join(REPO_ROOT, 'node_modules/.bin/tsx'), ['scripts/admin.ts', ...args], { cwd: REPO_ROOT, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

async function mailedInvitationToken(email: string): Promise<string> {
  await rt.drain();
  const mail = rt.outbox.list({ to: email }).find((m) => /invited/.test(m.subject));
  return /\/invitations\/([A-Za-z0-9_-]{43})/.exec(mail!.text!)![1]!;
}

/** A new operator whose admin is a fresh signed-in account (through the bootstrap command's function). */
async function anOperatorWithAdmin(): Promise<{ operatorId: string; apiKey: string; admin: SignedInAccount }> {
  const account = await aSignedInAccount(rt, { name: 'Ada Admin' });
  const created = await createOperatorCommand({ name: 'Test CPO', email: account.email, table: rt.tableName });
  return { operatorId: created.operatorId, apiKey: created.apiKey, admin: account };
}

describe('bootstrap with npm run admin', () => {
  it('creates an operator from the command line against npm start, prints the key once, and the key works over HTTP', async () => {
    const account = await aSignedInAccount(rt, { name: 'Olga Operator' });

    const out = await admin(['create-operator', '--name', 'Spawned CPO', '--email', account.email, '--local', '--data-dir', dataDir]);

    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    expect(out.stdout).toContain(`table ${rt.tableName}`);
    const apiKey = /API key \S+ \(full; shown once, keep it\): (cpk_\S+)/.exec(out.stdout)![1]!;
    const operatorId = /operator (op_\S+)/.exec(out.stdout)![1]!;
    expect((await api('GET', '/api/v1/operator/projects', { token: apiKey })).status).toBe(200);
    // The email's account is the operator's admin at once: its own token manages the keys.
    const keys = await api<{ api_keys: Array<{ name: string; scopes: string[] }> }>('GET', '/api/v1/operator/api-keys', { token: account.token, headers: { 'operator-id': operatorId } });
    expect(keys.status).toBe(200);
    expect(keys.body.api_keys).toEqual([expect.objectContaining({ name: 'first key', scopes: ['full'] })]);
    expect(JSON.stringify(keys.body)).not.toContain(apiKey.slice(-43));

    const listed = await admin(['list-operators', '--local', '--data-dir', dataDir]);
    expect(listed.stdout).toContain(`${operatorId}  Spawned CPO`);
  }, 90_000);

  it('invites the first admin by email when the account does not exist yet; accepting makes it admin', async () => {
    const email = anEmail('first-admin');
    const created = await createOperatorCommand({ name: 'Invited CPO', email, table: rt.tableName });
    expect(created.admin).toMatchObject({ kind: 'invited', email });
    expect((await api('GET', '/api/v1/operator/teams', { token: created.apiKey })).status).toBe(200);

    const token = await mailedInvitationToken(email);
    const person = await aSignedInAccount(rt, { email });
    expect((await api('GET', '/api/v1/operator/staff', { token: person.token })).status).toBe(403);
    const accepted = await api('POST', `/api/v1/invitations/${token}/accept`, { token: person.token });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ operator_id: created.operatorId, role: 'admin' });
    const staff = await api<{ staff: Array<{ account_id: string; role: string }> }>('GET', '/api/v1/operator/staff', { token: person.token });
    expect(staff.body.staff).toEqual([expect.objectContaining({ account_id: person.accountId, role: 'admin', email })]);
  }, 60_000);

  it('creates, lists and revokes keys with the command; an unknown scope is refused naming scopes', async () => {
    const { operatorId } = await anOperatorWithAdmin();
    const key = await createApiKeyCommand({ operatorId, name: 'export', scopes: 'projects:read,charge_points:read', table: rt.tableName });
    expect(key.scopes).toEqual(['projects:read', 'charge_points:read']);
    expect((await api('GET', '/api/v1/operator/projects', { token: key.apiKey })).status).toBe(200);
    expect((await listOperatorsCommand({ table: rt.tableName })).operators.map((o) => o.operatorId)).toContain(operatorId);

    await revokeApiKeyCommand({ keyId: key.keyId, table: rt.tableName });
    expect((await api('GET', '/api/v1/operator/projects', { token: key.apiKey })).status).toBe(401);

    await expect(createApiKeyCommand({ operatorId, scopes: 'staff:write', table: rt.tableName })).rejects.toMatchObject({ issues: [expect.objectContaining({ field: 'scopes' })] });
  }, 60_000);
});

describe('API keys', () => {
  it('a read-only key reads but cannot write (403 naming the action); a scoped key holds exactly its scopes', async () => {
    const { admin: a } = await anOperatorWithAdmin();
    const readOnly = await api<{ api_key: string; scopes: string[] }>('POST', '/api/v1/operator/api-keys', { token: a.token, body: { name: 'dashboard', scopes: ['read_only'] } });
    expect(readOnly.status).toBe(201);
    expect((await api('GET', '/api/v1/operator/teams', { token: readOnly.body.api_key })).status).toBe(200);
    const write = await api('POST', '/api/v1/operator/teams', { token: readOnly.body.api_key, body: { name: 'T', owner_email: 'o@example.com' } });
    expect(write.status).toBe(403);
    expect(write.body).toMatchObject({ action: 'teams:write' });

    const scoped = await api<{ api_key: string }>('POST', '/api/v1/operator/api-keys', { token: a.token, body: { name: 'projects', scopes: ['projects:read', 'projects:write'] } });
    expect((await api('GET', '/api/v1/operator/projects', { token: scoped.body.api_key })).status).toBe(200);
    const teams = await api('GET', '/api/v1/operator/teams', { token: scoped.body.api_key });
    expect(teams.status).toBe(403);
    expect(teams.body).toMatchObject({ action: 'teams:read' });
    // No key manages keys, whatever its scopes (a leaked key cannot mint another).
    expect((await api('GET', '/api/v1/operator/api-keys', { token: scoped.body.api_key })).body).toMatchObject({ status: 403, action: 'api_keys:read' });
  }, 60_000);

  it('refuses unknown and forbidden scopes with a 400 naming scopes', async () => {
    const { admin: a } = await anOperatorWithAdmin();
    for (const scopes of [['everything'], ['staff:write'], ['api_keys:read'], ['full', 'read_only'], ['installer:work']]) {
      const res = await api<{ errors: Array<{ field: string }> }>('POST', '/api/v1/operator/api-keys', { token: a.token, body: { name: 'x', scopes } });
      expect(res.status, JSON.stringify(scopes)).toBe(400);
      expect(res.body.errors.map((e) => e.field)).toEqual(['scopes']);
    }
    const past = await api<{ errors: Array<{ field: string }> }>('POST', '/api/v1/operator/api-keys', { token: a.token, body: { name: 'x', scopes: ['full'], expires_at: '2020-01-01T00:00:00Z' } });
    expect(past.body.errors.map((e) => e.field)).toEqual(['expires_at']);
  }, 60_000);

  it('rotation: the old key works during the overlap and gets 401 after it; the new one keeps working', async () => {
    const { admin: a } = await anOperatorWithAdmin();
    const old = await api<{ key_id: string; api_key: string }>('POST', '/api/v1/operator/api-keys', { token: a.token, body: { name: 'back office', scopes: ['full'] } });
    const rotated = await api<{ key_id: string; api_key: string; name: string; scopes: string[]; previous: { expires_at: string } }>('POST', `/api/v1/operator/api-keys/${old.body.key_id}/rotate`, {
      token: a.token,
      body: { overlap_seconds: 3600 },
    });
    expect(rotated.status).toBe(201);
    expect(rotated.body).toMatchObject({ name: 'back office', scopes: ['full'] });
    expect((await api('GET', '/api/v1/operator/teams', { token: old.body.api_key })).status).toBe(200);
    expect((await api('GET', '/api/v1/operator/teams', { token: rotated.body.api_key })).status).toBe(200);
    // Rotated once: rotating the old key again would make a second live successor.
    expect((await api('POST', `/api/v1/operator/api-keys/${old.body.key_id}/rotate`, { token: a.token, body: {} })).status).toBe(409);

    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.parse(rotated.body.previous.expires_at) + 1000);
    expect((await api('GET', '/api/v1/operator/teams', { token: old.body.api_key })).status).toBe(401);
    expect((await api('GET', '/api/v1/operator/teams', { token: rotated.body.api_key })).status).toBe(200);
  }, 60_000);

  it('refuses an overlap longer than 7 days naming overlap_seconds', async () => {
    const { admin: a } = await anOperatorWithAdmin();
    const key = await api<{ key_id: string }>('POST', '/api/v1/operator/api-keys', { token: a.token, body: { name: 'k', scopes: ['full'] } });
    const res = await api<{ errors: Array<{ field: string }> }>('POST', `/api/v1/operator/api-keys/${key.body.key_id}/rotate`, { token: a.token, body: { overlap_seconds: 7 * 86400 + 1 } });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e) => e.field)).toEqual(['overlap_seconds']);
  }, 60_000);

  it('revocation holds from the next request; the list shows state and last use, never the secret', async () => {
    const { admin: a, apiKey: first } = await anOperatorWithAdmin();
    const key = await api<{ key_id: string; api_key: string; last_used_at: string | null }>('POST', '/api/v1/operator/api-keys', { token: a.token, body: { name: 'k', scopes: ['read_only'] } });
    expect(key.body.last_used_at).toBeNull();
    expect((await api('GET', '/api/v1/operator/teams', { token: key.body.api_key })).status).toBe(200);

    const listed = await api<{ api_keys: Array<{ key_id: string; last_used_at: string | null; state: string }> }>('GET', '/api/v1/operator/api-keys', { token: a.token });
    expect(listed.body.api_keys.find((k) => k.key_id === key.body.key_id)).toMatchObject({ state: 'active', last_used_at: expect.any(String) });
    expect(JSON.stringify(listed.body)).not.toMatch(/secret|cpk_/);

    expect((await api('DELETE', `/api/v1/operator/api-keys/${key.body.key_id}`, { token: a.token })).status).toBe(204);
    expect((await api('GET', '/api/v1/operator/teams', { token: key.body.api_key })).status).toBe(401);
    expect((await api('DELETE', `/api/v1/operator/api-keys/${key.body.key_id}`, { token: a.token })).status).toBe(204);
    // Another operator's key is as unknown as none.
    const other = await anOperatorWithAdmin();
    expect((await api('DELETE', `/api/v1/operator/api-keys/${key.body.key_id}`, { token: other.admin.token })).status).toBe(404);
    expect((await api('GET', '/api/v1/operator/teams', { token: first })).status).toBe(200);
  }, 60_000);
});

describe('staff tokens on operator routes', () => {
  it('a manager runs the business but cannot manage keys or staff; an installer and a stranger get no operator routes', async () => {
    const { operatorId, admin: a } = await anOperatorWithAdmin();
    const manager = await aSignedInAccount(rt, { name: 'Max Manager' });
    const invite = await api('POST', '/api/v1/operator/staff', { token: a.token, body: { email: manager.email, role: 'manager' } });
    expect(invite.status).toBe(201);
    expect((await api('POST', `/api/v1/invitations/${await mailedInvitationToken(manager.email)}/accept`, { token: manager.token })).status).toBe(200);

    expect((await api('GET', '/api/v1/operator/projects', { token: manager.token })).status).toBe(200);
    expect((await api('POST', '/api/v1/operator/teams', { token: manager.token, body: { name: 'Team', owner_email: 'o@example.com' } })).status).toBe(201);
    for (const [method, path, action] of [
      ['GET', '/api/v1/operator/api-keys', 'api_keys:read'],
      ['POST', '/api/v1/operator/api-keys', 'api_keys:write'],
      ['POST', '/api/v1/operator/staff', 'staff:write'],
    ] as const) {
      const res = await api(method, path, { token: manager.token, body: method === 'POST' ? { name: 'k', scopes: ['full'], email: 'x@example.com', role: 'admin' } : undefined });
      expect(res.status, path).toBe(403);
      expect(res.body).toMatchObject({ action });
    }
    expect((await api('GET', '/api/v1/operator/staff', { token: manager.token })).status).toBe(200);

    const installer = await aSignedInAccount(rt);
    await addStaffMember(operatorId, installer.accountId, 'installer');
    expect((await api('GET', '/api/v1/operator/projects', { token: installer.token })).body).toMatchObject({ status: 403, action: 'projects:read' });
    const stranger = await aSignedInAccount(rt);
    expect((await api('GET', '/api/v1/operator/projects', { token: stranger.token })).body).toMatchObject({ status: 403, action: 'projects:read' });
    expect((await api('GET', '/api/v1/operator/projects', { token: stranger.token, headers: { 'operator-id': operatorId } })).status).toBe(403);
    expect((await api('GET', '/api/v1/operator/projects', { token: 'not-a-token' })).status).toBe(401);
  }, 90_000);

  it('staff of several operators says which with Operator-Id (400 naming it otherwise)', async () => {
    const one = await anOperatorWithAdmin();
    const two = await createOperatorCommand({ name: 'Second CPO', email: one.admin.email, table: rt.tableName });
    const res = await api<{ errors: Array<{ field: string }> }>('GET', '/api/v1/operator/teams', { token: one.admin.token });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e) => e.field)).toEqual(['Operator-Id']);
    await api('POST', '/api/v1/operator/teams', { token: one.admin.token, headers: { 'operator-id': two.operatorId }, body: { name: 'Only at two', owner_email: 'o@example.com' } });
    const atTwo = await api<{ teams: Array<{ name: string }> }>('GET', '/api/v1/operator/teams', { token: one.admin.token, headers: { 'operator-id': two.operatorId } });
    const atOne = await api<{ teams: Array<{ name: string }> }>('GET', '/api/v1/operator/teams', { token: one.admin.token, headers: { 'operator-id': one.operatorId } });
    expect(atTwo.body.teams.map((t) => t.name)).toEqual(['Only at two']);
    expect(atOne.body.teams).toEqual([]);
  }, 60_000);

  it('the last admin can be neither demoted nor removed (409); with a second admin both work', async () => {
    const { operatorId, admin: a } = await anOperatorWithAdmin();
    const demote = await api('PATCH', `/api/v1/operator/staff/${a.accountId}`, { token: a.token, body: { role: 'manager' } });
    expect(demote.status).toBe(409);
    expect((await api('DELETE', `/api/v1/operator/staff/${a.accountId}`, { token: a.token })).status).toBe(409);

    const second = await aSignedInAccount(rt);
    await addStaffMember(operatorId, second.accountId, 'admin');
    const demoted = await api('PATCH', `/api/v1/operator/staff/${a.accountId}`, { token: a.token, body: { role: 'manager' } });
    expect(demoted.status).toBe(200);
    expect(demoted.body).toMatchObject({ role: 'manager' });
    // The demotion holds on the next request.
    expect((await api('GET', '/api/v1/operator/api-keys', { token: a.token })).status).toBe(403);
    expect((await api('DELETE', `/api/v1/operator/staff/${second.accountId}`, { token: second.token })).status).toBe(409);
    expect((await api('DELETE', `/api/v1/operator/staff/${a.accountId}`, { token: second.token })).status).toBe(204);
    expect((await api('GET', '/api/v1/operator/projects', { token: a.token })).status).toBe(403);
  }, 60_000);
});
