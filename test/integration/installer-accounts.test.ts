// Installer accounts under attack (issue #12 "Accounts"): signup squatting and pre-hijacking, no
// account-existence oracle, resend and password reset, a lockout nobody can force on the owner,
// per-client limits, weak passwords, and tokens that must stop working. Clients that must look
// different to the server send from different loopback addresses (apiClientFrom).
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime';
import { issueAccessToken } from '../../lib/auth/tokens';
import { documentClient } from '../../lib/aws/clients';
import { config } from '../../lib/config';
import { getAccount as getInstaller } from '../../lib/db/accounts';
import { keys } from '../../lib/db/keys';
import { LOGIN_BASE_DELAY_SECONDS, PENDING_ACCOUNT_TTL_SECONDS } from '../../lib/domain/installers';
import { RATE_LIMITS } from '../../lib/domain/rate-limits';
import { anEmail, apiClientFrom } from './support/api';
import { startTestRuntime } from './support/runtime';

let rt: LocalRuntime;
/** A new client (source IP) per call, so one test's per-client counters never touch another's. */
let nextHost = 10;
const aClient = () => apiClientFrom(rt, `127.0.0.${nextHost++}`);

const ownerPassword = 'Owner-Correct-Horse-77';
const squatterPassword = 'Squatter-Battery-Staple-91';

beforeAll(async () => {
  rt = await startTestRuntime();
});
afterAll(async () => {
  await rt?.stop();
});

async function mails(to: string) {
  await rt.drain();
  return rt.outbox.list({ to });
}
async function newestToken(to: string, label: 'Verification' | 'Reset'): Promise<string> {
  const mail = (await mails(to)).find((m) => m.text?.includes(`${label} token:`));
  return new RegExp(`${label} token: (\\S+)`).exec(mail!.text!)![1]!;
}

/** Signs up, verifies and returns the installer id and a fresh access token. */
async function anActiveInstaller(email = anEmail('owner'), password = ownerPassword) {
  const api = aClient();
  expect((await api('POST', '/api/v1/installer/signup', { body: { email, password, name: 'Olive Owner' } })).status).toBe(202);
  const verified = await api('POST', '/api/v1/installer/verify-email', { body: { token: await newestToken(email, 'Verification'), password } });
  expect(verified.status).toBe(200);
  const login = await api<{ access_token: string }>('POST', '/api/v1/installer/login', { body: { email, password } });
  expect(login.status).toBe(200);
  return { email, installerId: String(verified.body.installer_id), token: login.body.access_token };
}

/** The id behind an email's guard item (signup no longer says it). */
async function installerIdOf(email: string): Promise<string> {
  const guard = await documentClient().send(new GetCommand({ TableName: config().tableName, Key: keys.accountEmail(email), ConsistentRead: true }));
  return String(guard.Item!.accountId);
}

async function setInstaller(installerId: string, set: Record<string, unknown>) {
  const names = Object.fromEntries(Object.keys(set).map((k, i) => [`#a${i}`, k]));
  const values = Object.fromEntries(Object.values(set).map((v, i) => [`:v${i}`, v]));
  await documentClient().send(
    new UpdateCommand({
      TableName: config().tableName,
      Key: keys.account(installerId),
      UpdateExpression: `SET ${Object.keys(set).map((_, i) => `#a${i} = :v${i}`).join(', ')}`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    }),
  );
}

describe('signup squatting and pre-hijacking', () => {
  it('answers signup for an existing account exactly like a new one and mails the owner instead', async () => {
    const { email } = await anActiveInstaller();
    const fresh = await aClient()('POST', '/api/v1/installer/signup', { body: { email: anEmail('new'), password: squatterPassword, name: 'Nobody' } });
    const squat = await aClient()('POST', '/api/v1/installer/signup', { body: { email, password: squatterPassword, name: 'Mallory' } });
    expect(squat.status).toBe(fresh.status);
    expect(squat.body).toEqual(fresh.body);

    const notice = (await mails(email))[0]!;
    expect(notice.subject).toMatch(/sign-up attempt/i);
    expect(notice.text).not.toMatch(/token:/i);
    // Nothing changed: the squatter's password does not work, the owner's does.
    expect((await aClient()('POST', '/api/v1/installer/login', { body: { email, password: squatterPassword } })).status).toBe(401);
    expect((await aClient()('POST', '/api/v1/installer/login', { body: { email, password: ownerPassword } })).status).toBe(200);
  });

  it("lets the owner's signup replace a squatter's pending one, whose token then stops working", async () => {
    const email = anEmail('victim');
    expect((await aClient()('POST', '/api/v1/installer/signup', { body: { email, password: squatterPassword, name: 'Mallory' } })).status).toBe(202);
    const squattersToken = await newestToken(email, 'Verification');
    const owner = aClient();
    expect((await owner('POST', '/api/v1/installer/signup', { body: { email, password: ownerPassword, name: 'Olive' } })).status).toBe(202);
    const ownersToken = await newestToken(email, 'Verification');
    expect(ownersToken).not.toBe(squattersToken);

    // The owner clicks the older mail: nothing is activated.
    const old = await owner('POST', '/api/v1/installer/verify-email', { body: { token: squattersToken, password: ownerPassword } });
    expect(old.status).toBe(400);
    expect(old.body).toMatchObject({ errors: [expect.objectContaining({ field: 'token' })] });
    expect((await owner('POST', '/api/v1/installer/verify-email', { body: { token: ownersToken, password: ownerPassword } })).status).toBe(200);
    expect((await aClient()('POST', '/api/v1/installer/login', { body: { email, password: squatterPassword } })).status).toBe(401);
    expect((await owner('POST', '/api/v1/installer/login', { body: { email, password: ownerPassword } })).status).toBe(200);
  });

  it("does not activate a squatter's signup when the owner clicks its mail: verifying needs the signup password", async () => {
    const email = anEmail('victim');
    expect((await aClient()('POST', '/api/v1/installer/signup', { body: { email, password: squatterPassword, name: 'Mallory' } })).status).toBe(202);
    const token = await newestToken(email, 'Verification');
    const clicked = await aClient()('POST', '/api/v1/installer/verify-email', { body: { token, password: ownerPassword } });
    expect(clicked.status).toBe(400);
    expect(clicked.body).toMatchObject({ errors: [expect.objectContaining({ field: 'password' })] });
    // Still pending: the squatter cannot log in with the password they chose.
    expect((await aClient()('POST', '/api/v1/installer/login', { body: { email, password: squatterPassword } })).status).toBe(403);
  });

  it('puts nothing the requester typed into the mail', async () => {
    const email = anEmail('victim');
    const name = 'URGENT call +44 20 7946 0000 or visit https://evil.example/claim';
    expect((await aClient()('POST', '/api/v1/installer/signup', { body: { email, password: squatterPassword, name } })).status).toBe(202);
    const mail = (await mails(email))[0]!;
    expect(mail.subject).toMatch(/verify/i);
    expect(`${mail.subject}\n${mail.text}`).not.toMatch(/evil\.example|7946|URGENT/);
  });

  it('lets a pending account expire: it carries a TTL until verified, and reads as absent after it', async () => {
    const email = anEmail('pending');
    const api = aClient();
    const before = Math.floor(Date.now() / 1000);
    expect((await api('POST', '/api/v1/installer/signup', { body: { email, password: ownerPassword, name: 'P' } })).status).toBe(202);
    const verifyToken = await newestToken(email, 'Verification');
    const early = await api('POST', '/api/v1/installer/login', { body: { email, password: ownerPassword } });
    expect(early.status).toBe(403);

    const verified = await api('POST', '/api/v1/installer/verify-email', { body: { token: verifyToken, password: ownerPassword } });
    const installerId = String(verified.body.installer_id);
    expect((await getInstaller(installerId))?.expiresAt).toBeUndefined();

    // Another pending one, made to expire.
    const other = anEmail('pending');
    expect((await api('POST', '/api/v1/installer/signup', { body: { email: other, password: ownerPassword, name: 'P' } })).status).toBe(202);
    const otherToken = await newestToken(other, 'Verification');
    const pendingId = await installerIdOf(other);
    const pending = await getInstaller(pendingId);
    expect(pending?.expiresAt).toBeGreaterThanOrEqual(before + PENDING_ACCOUNT_TTL_SECONDS);
    await setInstaller(pendingId, { expiresAt: before - 1 });
    await documentClient().send(new UpdateCommand({ TableName: config().tableName, Key: keys.accountEmail(other), UpdateExpression: 'SET expiresAt = :past', ExpressionAttributeValues: { ':past': before - 1 } }));
    expect((await api('POST', '/api/v1/installer/verify-email', { body: { token: otherToken, password: ownerPassword } })).status).toBe(400);
    // As if it never existed: a wrong-password answer, not "verify first".
    expect((await api('POST', '/api/v1/installer/login', { body: { email: other, password: ownerPassword } })).status).toBe(401);
  });
});

describe('resend and password reset', () => {
  it('resends verification: the new token works, the old one no longer does, unknown emails get the same answer and no mail', async () => {
    const email = anEmail('resend');
    const api = aClient();
    await api('POST', '/api/v1/installer/signup', { body: { email, password: ownerPassword, name: 'R' } });
    const first = await newestToken(email, 'Verification');
    const resent = await api('POST', '/api/v1/installer/resend-verification', { body: { email } });
    const unknownEmail = anEmail('nobody');
    const unknown = await api('POST', '/api/v1/installer/resend-verification', { body: { email: unknownEmail } });
    expect(resent.status).toBe(202);
    expect(unknown.status).toBe(202);
    expect(unknown.body).toEqual(resent.body);
    expect(await mails(unknownEmail)).toEqual([]);
    const second = await newestToken(email, 'Verification');
    expect(second).not.toBe(first);
    expect((await api('POST', '/api/v1/installer/verify-email', { body: { token: first, password: ownerPassword } })).status).toBe(400);
    expect((await api('POST', '/api/v1/installer/verify-email', { body: { token: second, password: ownerPassword } })).status).toBe(200);
  });

  it('sends at most three account mails per address and hour, answering the same', async () => {
    const email = anEmail('flood');
    const api = aClient();
    await api('POST', '/api/v1/installer/signup', { body: { email, password: ownerPassword, name: 'F' } });
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await api('POST', '/api/v1/installer/resend-verification', { body: { email } }));
    expect(new Set(answers.map((a) => `${a.status} ${JSON.stringify(a.body)}`)).size).toBe(1);
    expect(await mails(email)).toHaveLength(RATE_LIMITS['mail-to-address'].limit);
  });

  it('resets a forgotten password with a single-use token, refusing weak ones and revoking older access tokens', async () => {
    const { email, token: oldAccess } = await anActiveInstaller();
    const api = aClient();
    const asked = await api('POST', '/api/v1/installer/password-reset/request', { body: { email } });
    const unknown = await api('POST', '/api/v1/installer/password-reset/request', { body: { email: anEmail('nobody') } });
    expect(asked.status).toBe(202);
    expect(unknown.body).toEqual(asked.body);
    const reset = await newestToken(email, 'Reset');

    const weak = await api('POST', '/api/v1/installer/password-reset', { body: { token: reset, password: 'Password12' } });
    expect(weak.status).toBe(400);
    expect(weak.body).toMatchObject({ errors: [expect.objectContaining({ field: 'password' })] });
    const newPassword = 'Fresh-Lantern-Orbit-58';
    expect((await api('POST', '/api/v1/installer/password-reset', { body: { token: reset, password: newPassword } })).status).toBe(200);
    expect((await api('POST', '/api/v1/installer/password-reset', { body: { token: reset, password: 'Another-Lantern-Orbit-59' } })).status).toBe(400);

    const revoked = await api('GET', '/api/v1/installer/projects', { token: oldAccess });
    expect(revoked.status).toBe(401);
    expect(revoked.body).toMatchObject({ reason: 'token_revoked' });
    expect((await api('POST', '/api/v1/installer/login', { body: { email, password: ownerPassword } })).status).toBe(401);
    const login = await api<{ access_token: string }>('POST', '/api/v1/installer/login', { body: { email, password: newPassword } });
    expect(login.status).toBe(200);
    expect((await api('GET', '/api/v1/installer/projects', { token: login.body.access_token })).status).toBe(200);
  });

  it('un-sticks an account whose verification mail was lost: a reset also verifies it', async () => {
    const email = anEmail('lost');
    const api = aClient();
    await api('POST', '/api/v1/installer/signup', { body: { email, password: ownerPassword, name: 'L' } });
    await api('POST', '/api/v1/installer/password-reset/request', { body: { email } });
    const newPassword = 'Recovered-Tulip-Canal-33';
    expect((await api('POST', '/api/v1/installer/password-reset', { body: { token: await newestToken(email, 'Reset'), password: newPassword } })).status).toBe(200);
    expect((await api('POST', '/api/v1/installer/login', { body: { email, password: newPassword } })).status).toBe(200);
  });
});

describe('login throttling that cannot be turned against the owner', () => {
  it('keeps a failing client waiting with growing delays while the owner, from elsewhere, still gets in', async () => {
    const { email } = await anActiveInstaller();
    const attacker = aClient();
    for (let i = 0; i < 5; i++) expect((await attacker('POST', '/api/v1/installer/login', { body: { email, password: `Guess-${i}-xyz` } })).status).toBe(401);
    const waiting = await attacker('POST', '/api/v1/installer/login', { body: { email, password: 'Guess-5-xyz' } });
    expect(waiting.status).toBe(429);
    const firstWait = Number(waiting.headers.get('retry-after'));
    expect(firstWait).toBeGreaterThan(0);
    expect(firstWait).toBeLessThanOrEqual(LOGIN_BASE_DELAY_SECONDS);
    // Even the right password waits, from the failing client.
    expect((await attacker('POST', '/api/v1/installer/login', { body: { email, password: ownerPassword } })).status).toBe(429);

    // The owner, on another network, is not locked out.
    expect((await aClient()('POST', '/api/v1/installer/login', { body: { email, password: ownerPassword } })).status).toBe(200);

    // A second attacker address gets one guess, then the wait has doubled.
    const second = aClient();
    expect((await second('POST', '/api/v1/installer/login', { body: { email, password: 'Guess-6-xyz' } })).status).toBe(401);
    const longer = await second('POST', '/api/v1/installer/login', { body: { email, password: 'Guess-7-xyz' } });
    expect(longer.status).toBe(429);
    expect(Number(longer.headers.get('retry-after'))).toBeGreaterThan(LOGIN_BASE_DELAY_SECONDS);
  });

  // Fixed windows: a run that straddles a window boundary may get up to twice the limit through.
  const endpoints = [
    ['login', '/api/v1/installer/login', () => ({ email: anEmail('spray'), password: 'Whatever-1234' })],
    ['signup', '/api/v1/installer/signup', () => ({ email: anEmail('spam'), password: ownerPassword, name: 'S' })],
    ['verify-email', '/api/v1/installer/verify-email', () => ({ token: 'x'.repeat(43), password: 'p' })],
    ['resend-verification', '/api/v1/installer/resend-verification', () => ({ email: anEmail('spam') })],
    ['request-password-reset', '/api/v1/installer/password-reset/request', () => ({ email: anEmail('spam') })],
    ['reset-password', '/api/v1/installer/password-reset', () => ({ token: 'x'.repeat(43), password: 'p' })],
  ] as const;
  it.each(endpoints)('limits %s per client, answering 429 with Retry-After, and not other clients', async (action, path, body) => {
    const { limit } = RATE_LIMITS[action];
    const api = aClient();
    let served = 0;
    let refused: Awaited<ReturnType<typeof api>> | undefined;
    while (!refused && served <= 2 * limit) {
      const res = await api('POST', path, { body: body() });
      if (res.status === 429) refused = res;
      else served += 1;
    }
    expect(refused, `no 429 after ${served} requests`).toBeDefined();
    expect(served).toBeGreaterThanOrEqual(limit);
    expect(Number(refused!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused!.headers.get('content-type')).toBe('application/problem+json');
    expect((await aClient()('POST', path, { body: body() })).status).not.toBe(429);
  }, 60_000);
});

describe('password strength', () => {
  it.each(['Password12', 'Qwerty12345', 'passwordpassword'])('refuses %s with a problem naming the password field', async (password) => {
    const res = await aClient()('POST', '/api/v1/installer/signup', { body: { email: anEmail('weak'), password, name: 'W' } });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ errors: [expect.objectContaining({ field: 'password', message: expect.stringMatching(/guess/) })] });
  });
});

describe('access tokens', () => {
  it('refuses a token without exp, even signed with the real key', async () => {
    const { installerId, email } = await anActiveInstaller();
    const forever = await new SignJWT({ email })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(installerId)
      .setIssuer('chargepoint-commissioning')
      .setAudience('installer')
      .setIssuedAt()
      .sign(new TextEncoder().encode(process.env.JWT_SECRET));
    const res = await aClient()('GET', '/api/v1/installer/projects', { token: forever });
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ reason: 'token_invalid' });
  });

  it("stops a disabled account's token at once and refuses its login", async () => {
    const { installerId, email, token } = await anActiveInstaller();
    const api = aClient();
    expect((await api('GET', '/api/v1/installer/projects', { token })).status).toBe(200);
    await setInstaller(installerId, { status: 'disabled' });
    const res = await api('GET', '/api/v1/installer/projects', { token });
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ reason: 'account_inactive' });
    expect((await api('POST', '/api/v1/installer/login', { body: { email, password: ownerPassword } })).status).toBe(403);
  });

  it('refuses a token for an account that was never verified', async () => {
    const email = anEmail('unverified');
    const api = aClient();
    await api('POST', '/api/v1/installer/signup', { body: { email, password: ownerPassword, name: 'U' } });
    const { access_token } = await issueAccessToken({ accountId: await installerIdOf(email), email });
    const res = await api('GET', '/api/v1/installer/projects', { token: access_token });
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ reason: 'account_inactive' });
  });
});
