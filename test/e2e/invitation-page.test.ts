// The invitation page (issue #16) in Debian's Chromium at a phone viewport, against the local
// runtime: an installer creates a location and invites its owner; the owner opens the link on their
// phone, signs up, reads the code from the local outbox, verifies and accepts, and the location is
// theirs. Then the used link shows the 410 page, and a second invitation is accepted by signing in
// (after a wrong account is refused next to the email field). The steps run in order.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import type { LocalRuntime } from '../../local/runtime';
import { aSignedInAccount, anEmail, apiClient, type SignedInAccount } from '../integration/support/api';
import { startTestRuntime } from '../integration/support/runtime';
import { launchPhoneBrowser, PHONE, type PhoneBrowser } from './support/browser';

let rt: LocalRuntime;
let browser: PhoneBrowser;
let page: Page;
let api: ReturnType<typeof apiClient>;
let installer: SignedInAccount;
let locationId: string;
let ownerUrl: string;
const ownerEmail = anEmail('owner');
const ownerPassword = 'Harbour-Lights-Over-Bath-7';
const LOCATION = { name: 'Garage at Rose Cottage', address: '3 Rose Lane, Bath', country: 'GB' };

const seen = (l: Locator, timeout = 20_000) => l.first().waitFor({ state: 'visible', timeout });
const textOf = async (l: Locator) => ((await l.textContent()) ?? '').trim();
/** The link as mailed, on the local runtime's origin (PUBLIC_BASE_URL may name another host). */
const local = (url: string) => url.replace(/^https?:\/\/[^/]+/, rt.url);

async function invite(token: string, kind: 'team_owner' | 'team_member', email: string): Promise<string> {
  const res = await api<{ url: string }>('POST', `/api/v1/locations/${locationId}/invitations`, { token, body: { kind, email } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.url;
}

/** The verification code in the newest verification mail to `email`, as the person reads it from their inbox. */
async function mailedCode(email: string): Promise<string> {
  let code: string | undefined;
  await expect
    .poll(
      async () => {
        await rt.drain();
        const res = await fetch(`${rt.url}/_local/outbox?to=${encodeURIComponent(email)}`);
        const { mails } = (await res.json()) as { mails: Array<{ subject: string; text?: string }> };
        code = /Verification token: (\S+)/.exec(mails.find((m) => /Verify/.test(m.subject))?.text ?? '')?.[1];
        return code;
      },
      { timeout: 20_000 },
    )
    .toBeTruthy();
  return code!;
}

async function axeViolations(): Promise<string[]> {
  // Evaluated through the DevTools protocol: the page's CSP refuses an injected inline script.
  await page.evaluate(readFileSync(resolve(import.meta.dirname, '../../node_modules/axe-core/axe.min.js'), 'utf8'));
  return page.evaluate<string[]>(`axe.run(document).then((r) => r.violations
    .map((v) => v.id + ' (' + v.impact + '): ' + v.nodes.map((n) => n.target.join(' ')).join(', ')))`);
}

beforeAll(async () => {
  rt = await startTestRuntime();
  api = apiClient(rt);
  installer = await aSignedInAccount(rt, { name: 'Ina Installer' });
  await api('POST', `/api/v1/operator/projects/${rt.seed!.projectId}/installers`, { token: rt.seed!.operatorApiKey, body: { email: installer.email } });
  const created = await api<{ location_id: string }>('POST', '/api/v1/locations', { token: installer.token, body: { operator_id: rt.seed!.operatorId, ...LOCATION } });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  locationId = created.body.location_id;
  ownerUrl = await invite(installer.token, 'team_owner', ownerEmail);

  browser = await launchPhoneBrowser();
  const context = await browser.browser.newContext({ ...PHONE, viewport: { width: 360, height: 740 } });
  page = await context.newPage();
});

afterAll(async () => {
  await browser?.close();
  await rt?.stop();
});

describe('the invitation page on a phone', () => {
  it('opens the mailed link and shows who invites to what, for whom and until when', async () => {
    expect(ownerUrl).toMatch(/\/invitations\/[A-Za-z0-9_-]{43}$/);
    const res = await page.goto(local(ownerUrl));
    expect(res!.status()).toBe(200);
    expect(res!.headers()['content-security-policy']).toMatch(/default-src 'self'/);
    await seen(page.getByRole('heading', { level: 1, name: `You are invited to become the owner of ${LOCATION.name}` }));
    await seen(page.getByText('Ina Installer', { exact: false }));
    await seen(page.getByText(`${LOCATION.name}, ${LOCATION.address}, GB`));
    await seen(page.getByText(/^Owner: you decide/));
    expect(await page.getByLabel('Email').first().inputValue()).toBe(ownerEmail);
    // Nothing of the session is kept in the browser's storage.
    expect(await page.evaluate<number>('localStorage.length + sessionStorage.length')).toBe(0);
  });

  it('fits 360 px with no horizontal scroll, every control at least 44 px, and axe finds no violation', async () => {
    await page.getByRole('button', { name: 'New here? Create an account' }).click();
    await seen(page.getByRole('heading', { name: 'Create an account' }));
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
    const small = await page.evaluate<string[]>(`[...document.querySelectorAll('button, input')]
      .map((el) => ({ el, r: el.getBoundingClientRect() }))
      .filter(({ r }) => r.width > 0 && r.height > 0)
      .filter(({ r }) => Math.min(r.width, r.height) < 44)
      .map(({ el, r }) => el.tagName + ' "' + (el.textContent || el.id) + '" ' + r.width + 'x' + r.height)`);
    expect(small).toEqual([]);
    expect(await axeViolations()).toEqual([]);
  });

  it('a weak password gets the API\'s message next to the password field', async () => {
    const form = page.locator('form', { has: page.getByRole('button', { name: 'Create account' }) });
    expect(await form.getByLabel('Email').getAttribute('readonly')).not.toBeNull();
    await form.getByLabel('Your name').fill('Olive Owner');
    await form.getByLabel('Choose a password').fill('short');
    await form.getByRole('button', { name: 'Create account' }).click();
    await expect.poll(() => textOf(page.locator('#signup-password-msg')), { timeout: 20_000 }).toMatch(/\S/);
    expect(await form.getByLabel('Choose a password').getAttribute('aria-invalid')).toBe('true');
    expect(await page.evaluate<string>('document.activeElement.id')).toBe('signup-password');
  });

  it('signs up, verifies with the emailed code and accepts: the location is the new owner\'s', async () => {
    const form = page.locator('form', { has: page.getByRole('button', { name: 'Create account' }) });
    await form.getByLabel('Choose a password').fill(ownerPassword);
    await form.getByRole('button', { name: 'Create account' }).click();
    await seen(page.getByRole('heading', { name: 'Check your email' }));
    await seen(page.getByText(`We emailed you a verification code at ${ownerEmail}.`));
    expect(await page.evaluate<string>('document.activeElement.textContent')).toBe('Check your email');

    await page.getByLabel('Verification code').fill(await mailedCode(ownerEmail));
    await page.getByRole('button', { name: 'Verify and accept' }).click();
    await seen(page.getByText(`You are now the owner of ${LOCATION.name}.`));
    expect(await page.evaluate<string>('document.activeElement.textContent')).toBe('Invitation accepted');
    expect(await page.evaluate<number>('localStorage.length + sessionStorage.length')).toBe(0);
    expect(await axeViolations()).toEqual([]);

    const login = await api<{ access_token: string }>('POST', '/api/v1/installer/login', { body: { email: ownerEmail, password: ownerPassword } });
    const mine = await api<{ locations: Array<{ location_id: string; roles: string[] }> }>('GET', '/api/v1/locations', { token: login.body.access_token });
    expect(mine.body.locations).toEqual([expect.objectContaining({ location_id: locationId, roles: ['team_owner'] })]);
  });

  it('the used link shows the 410 page: ask the inviter for a new one, nothing about the invitation', async () => {
    const res = await page.reload();
    expect(res!.status()).toBe(410);
    await expect.poll(() => textOf(page.getByRole('heading', { level: 1 }))).toBe('This invitation link no longer works');
    await seen(page.getByText(/already been used/));
    await seen(page.getByText('Ask whoever invited you for a new invitation.'));
    expect(await page.content()).not.toMatch(/Rose Cottage|Ina Installer|<script/);
    expect(await axeViolations()).toEqual([]);
  });

  it('an unknown link shows the not-found page', async () => {
    const res = await page.goto(`${rt.url}/invitations/${'A'.repeat(43)}`);
    expect(res!.status()).toBe(404);
    await expect.poll(() => textOf(page.getByRole('heading', { level: 1 }))).toBe('This invitation link does not exist');
  });

  it('signing in with another account says the invitation is for another address; the invited account accepts', async () => {
    const ownerToken = (await api<{ access_token: string }>('POST', '/api/v1/installer/login', { body: { email: ownerEmail, password: ownerPassword } })).body.access_token;
    const memberEmail = anEmail('member');
    const url = await invite(ownerToken, 'team_member', memberEmail);
    const member = await aSignedInAccount(rt, { email: memberEmail, name: 'Max Member' });
    const other = await aSignedInAccount(rt, { name: 'Someone Else' });

    await page.goto(local(url));
    await seen(page.getByRole('heading', { level: 1, name: `You are invited to join ${LOCATION.name} as a member` }));
    const form = page.locator('form', { has: page.getByRole('button', { name: 'Sign in and accept' }) });
    await form.getByLabel('Email').fill(other.email);
    await form.getByLabel('Password').fill(other.password);
    await form.getByRole('button', { name: 'Sign in and accept' }).click();
    await expect.poll(() => textOf(page.locator('#signin-email-msg')), { timeout: 20_000 }).toMatch(/^This invitation is for another email address/);
    // The message names the invited address, which may be long: it wraps within the screen.
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);

    await form.getByLabel('Password').fill('not the password');
    await form.getByLabel('Email').fill(memberEmail);
    await form.getByRole('button', { name: 'Sign in and accept' }).click();
    await expect.poll(() => textOf(page.locator('#signin-password-msg')), { timeout: 20_000 }).toBe('The email or password is not right.');

    await form.getByLabel('Password').fill(member.password);
    await form.getByRole('button', { name: 'Sign in and accept' }).click();
    await seen(page.getByText(`You are now a member of ${LOCATION.name}.`));
    const theirs = await api<{ locations: Array<{ location_id: string; roles: string[] }> }>('GET', '/api/v1/locations', { token: member.token });
    expect(theirs.body.locations).toEqual([expect.objectContaining({ location_id: locationId, roles: ['team_member'] })]);
  });
});
