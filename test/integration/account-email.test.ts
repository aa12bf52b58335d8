// Issue #16 "Accounts": the signed-in account (GET /api/v1/account) and email change with
// re-verification: a token to the new address, a notice to the old one, guards swapped in one
// transaction, older access tokens revoked, project assignments following the account.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime';
import { anEmail, apiClientFrom } from './support/api';
import { startTestRuntime } from './support/runtime';

let rt: LocalRuntime;
let nextHost = 10;
const aClient = () => apiClientFrom(rt, `127.0.0.${nextHost++}`);
const password = 'Mover-Correct-Horse-58';

beforeAll(async () => {
  rt = await startTestRuntime();
});
afterAll(async () => {
  await rt?.stop();
});

async function tokenIn(to: string, label: string): Promise<string | undefined> {
  await rt.drain();
  const mail = rt.outbox.list({ to }).find((m) => m.text?.includes(`${label} token:`));
  return mail && new RegExp(`${label} token: (\\S+)`).exec(mail.text!)![1];
}

async function anAccount(email = anEmail('mover')) {
  const api = aClient();
  expect((await api('POST', '/api/v1/installer/signup', { body: { email, password, name: 'Mo Mover' } })).status).toBe(202);
  const verified = await api('POST', '/api/v1/installer/verify-email', { body: { token: await tokenIn(email, 'Verification'), password } });
  expect(verified.status).toBe(200);
  const login = await api<{ access_token: string }>('POST', '/api/v1/installer/login', { body: { email, password } });
  return { email, accountId: String(verified.body.installer_id), token: login.body.access_token, api };
}

describe('GET /api/v1/account', () => {
  it('answers the signed-in account, and 401 without a token', async () => {
    const { email, accountId, token, api } = await anAccount();
    const res = await api('GET', '/api/v1/account', { token });
    expect(res.status).toBe(200);
    // Memberships are covered in locations.test.ts; a new account has none.
    expect(res.body).toEqual({
      account_id: accountId,
      email,
      name: 'Mo Mover',
      verified: true,
      created_at: expect.any(String),
      pending_email: null,
      operator_roles: [],
      teams: [],
      location_grants: [],
      pending_invitations: [],
    });
    expect((await api('GET', '/api/v1/account')).status).toBe(401);
  });
});

describe('email change with re-verification', () => {
  it('moves the account and its project assignments to the new address; old tokens and the old email stop working', async () => {
    const op = rt.seed!.operatorApiKey;
    const projectId = rt.seed!.projectId;
    const { email: oldEmail, accountId, token, api } = await anAccount();
    expect((await api('POST', `/api/v1/operator/projects/${projectId}/installers`, { token: op, body: { email: oldEmail } })).status).toBe(201);
    const newEmail = anEmail('moved');

    const wrong = await api('PUT', '/api/v1/account/email', { token, body: { email: newEmail, password: 'Not-The-Password-9' } });
    expect(wrong.status).toBe(400);
    expect(wrong.body).toMatchObject({ errors: [expect.objectContaining({ field: 'password' })] });

    expect((await api('PUT', '/api/v1/account/email', { token, body: { email: newEmail, password } })).status).toBe(202);
    const changeToken = await tokenIn(newEmail, 'Email change');
    expect(changeToken).toBeDefined();
    const notice = rt.outbox.list({ to: oldEmail })[0]!;
    expect(notice.subject).toMatch(/email is being changed/i);
    expect(notice.text).not.toMatch(/token:/i);
    // Nothing changes before the token is used.
    expect((await api('GET', '/api/v1/account', { token })).body).toMatchObject({ email: oldEmail, pending_email: newEmail });

    const applied = await api('POST', '/api/v1/account/email/verify', { token, body: { token: changeToken } });
    expect(applied.status).toBe(200);
    expect(applied.body).toMatchObject({ account_id: accountId, email: newEmail, pending_email: null });
    // The token carried the old email: it is revoked with the change.
    expect((await api('GET', '/api/v1/account', { token })).status).toBe(401);
    // Single use.
    const fresh = await aClient()<{ access_token: string }>('POST', '/api/v1/installer/login', { body: { email: newEmail, password } });
    expect(fresh.status).toBe(200);
    expect((await api('POST', '/api/v1/account/email/verify', { token: fresh.body.access_token, body: { token: changeToken } })).status).toBe(400);

    expect((await aClient()('POST', '/api/v1/installer/login', { body: { email: oldEmail, password } })).status).toBe(401);
    const projects = await api<{ projects: Array<{ project_id: string }> }>('GET', '/api/v1/installer/projects', { token: fresh.body.access_token });
    expect(projects.body.projects.map((p) => p.project_id)).toEqual([projectId]);
    const detail = await api<{ installers: Array<{ email: string }> }>('GET', `/api/v1/operator/projects/${projectId}`, { token: op });
    expect(detail.body.installers.map((i) => i.email)).toContain(newEmail);
    expect(detail.body.installers.map((i) => i.email)).not.toContain(oldEmail);

    // Whoever signs up with the freed old address inherits nothing.
    const newcomer = await anAccount(oldEmail);
    expect((await newcomer.api<{ projects: unknown[] }>('GET', '/api/v1/installer/projects', { token: newcomer.token })).body.projects).toEqual([]);
  });

  it('answers 409 naming email when the new address got an account before the change was applied', async () => {
    const { token, api } = await anAccount();
    const target = anEmail('taken');
    expect((await api('PUT', '/api/v1/account/email', { token, body: { email: target, password } })).status).toBe(202);
    const changeToken = await tokenIn(target, 'Email change');
    await anAccount(target);
    const res = await api('POST', '/api/v1/account/email/verify', { token, body: { token: changeToken } });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ field: 'email' });
  });

  it('sends no token to an address that already has an account, and tells nobody so in the answer', async () => {
    const { token, api } = await anAccount();
    const other = await anAccount();
    const res = await api('PUT', '/api/v1/account/email', { token, body: { email: other.email, password } });
    expect(res.status).toBe(202);
    expect(await tokenIn(other.email, 'Email change')).toBeUndefined();
  });

  it("refuses another account's change token", async () => {
    const a = await anAccount();
    const b = await anAccount();
    const target = anEmail('target');
    expect((await a.api('PUT', '/api/v1/account/email', { token: a.token, body: { email: target, password } })).status).toBe(202);
    const res = await b.api('POST', '/api/v1/account/email/verify', { token: b.token, body: { token: await tokenIn(target, 'Email change') } });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ errors: [expect.objectContaining({ field: 'token' })] });
  });
});
