// The installer job page (issue #14) in Debian's Chromium at a phone viewport, against the local
// runtime, with strict ocpp-rpc charge points: what an installer in a car park does, step by step.
// The steps share one job and run in order (each builds on the last, as on site).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import type { RPCClient } from 'ocpp-rpc';
import type { LocalRuntime } from '../../local/runtime';
import { apiClient } from '../integration/support/api';
import { aConnectedClient, aRegisteredChargePoint, aSerial, BOOT, behaveLikeACharger, markCommissioned } from '../integration/support/ocpp';
import { startTestRuntime } from '../integration/support/runtime';
import { launchPhoneBrowser, type PhoneBrowser } from './support/browser';

const LIVE_MS = 5_000; // issue #14: a change shows within 5 s without a reload
const SCREENSHOT = resolve(import.meta.dirname, '../../docs/job-page-phone.png');

let rt: LocalRuntime;
let browser: PhoneBrowser;
let page: Page;
let api: ReturnType<typeof apiClient>;
let op: string;
let link: { link_id: string; url: string };
let projectId: string;
const clients: RPCClient[] = [];
/** Bytes of the first load (document, script, style, first API answer): headers + bodies. */
let firstLoadBytes = 0;

/** Waits, as a person would, for what they are looking for to appear (playwright-core has no expect). */
const seen = (l: Locator, timeout = 20_000) => l.first().waitFor({ state: 'visible', timeout });
const textOf = async (l: Locator) => ((await l.textContent()) ?? '').trim();

const token = () => decodeURIComponent(link.url.split('/').at(-1)!);
async function publicView() {
  const res = await fetch(`${rt.url}/api/v1/public/jobs/${encodeURIComponent(token())}`);
  return (await res.json()) as { charge_points: Array<{ charge_point_id: string; active: boolean }> };
}

const card = (n: number): Locator => page.getByRole('article', { name: `Charge point ${n}` });
const statusOf = (n: number) => card(n).locator('.status-text');

async function operator<T = Record<string, unknown>>(method: string, path: string, body?: unknown) {
  const res = await api<T>(method, path, { token: op, ...(body === undefined ? {} : { body }) });
  expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
  return res.body;
}

async function saveSerial(n: number, serial: string) {
  await card(n).getByLabel('Charge Point Identity (serial)').fill(serial);
  await card(n).getByRole('button', { name: 'Save' }).click();
}

/** The provisioning password and URL as the installer reads them off the page. */
async function connectionSettings(n: number) {
  const c = card(n);
  await c.getByRole('button', { name: 'Reveal' }).click();
  await seen(c.getByRole('button', { name: 'Hide' }));
  const password = (await c.locator('code.secret').textContent())!.trim();
  const url = (await c.locator('code.url').textContent())!.trim();
  return { password, url, identity: decodeURIComponent(url.split('/').at(-1)!) };
}

/** A 1.6 charger that answers the remote actions the page offers, and starts a session on RemoteStart. */
function answerRemoteActions(client: RPCClient) {
  client.handle('RemoteStartTransaction', async ({ params }) => {
    const { idTag } = params as { idTag: string };
    setImmediate(async () => {
      await client.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Charging' }).catch(() => undefined);
      await client.call('StartTransaction', { connectorId: 1, idTag, meterStart: 0, timestamp: new Date().toISOString() }).catch(() => undefined);
    });
    return { status: 'Accepted' };
  });
  client.handle('RemoteStopTransaction', async ({ params }) => {
    const { transactionId } = params as { transactionId: number };
    setImmediate(async () => {
      await client.call('StopTransaction', { transactionId, meterStop: 10, timestamp: new Date().toISOString() }).catch(() => undefined);
      await client.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Available' }).catch(() => undefined);
    });
    return { status: 'Accepted' };
  });
  client.handle('UnlockConnector', async () => ({ status: 'Unlocked' }));
  client.handle('Reset', async () => ({ status: 'Accepted' }));
}

beforeAll(async () => {
  rt = await startTestRuntime();
  api = apiClient(rt);
  op = rt.seed!.operatorApiKey;
  const team = await operator<{ team_id: string }>('POST', '/api/v1/operator/teams', { name: 'Harbour Housing', owner_email: 'owner@harbour.example' });
  const site = await operator<{ site_id: string }>('POST', '/api/v1/operator/sites', { team_id: team.team_id, name: 'Harbour View Residences', address: 'Havnegade 12, 1058 København K', country: 'DK' });
  const project = await operator<{ project_id: string }>('POST', '/api/v1/operator/projects', {
    job_number: 'J-1042',
    name: 'Car park level -1: two wallboxes',
    site_id: site.site_id,
    description: 'Two 22 kW wallboxes on the east wall of level -1.',
    instructions: 'Key from the caretaker (flat 1). Breaker panel B, fuses 14 and 15.',
  });
  projectId = project.project_id;
  for (let i = 0; i < 2; i++) await operator('POST', `/api/v1/operator/projects/${projectId}/charge-points`, { connector_count: 1, ocpp_protocol: 'ocpp1.6' });
  link = await operator<{ link_id: string; url: string }>('POST', `/api/v1/operator/projects/${projectId}/public-links`, {});

  browser = await launchPhoneBrowser();
  const context = await browser.newPhone();
  page = await context.newPage();
  page.on('requestfinished', async (req) => {
    const sizes = await req.sizes().catch(() => null);
    if (sizes && firstLoadBytes >= 0) firstLoadBytes += sizes.responseHeadersSize + sizes.responseBodySize;
  });
});

afterAll(async () => {
  for (const c of clients) await c.close({ force: true }).catch(() => undefined);
  await browser?.close();
  await rt?.stop();
});

describe('the job page on a phone', () => {
  it('opens the link and shows the job with 0 / 2 connected', async () => {
    const res = await page.goto(link.url.replace(/^https?:\/\/[^/]+/, rt.url));
    expect(res!.status()).toBe(200);
    expect(res!.headers()['content-security-policy']).toMatch(/default-src 'self'/);
    await seen(page.getByRole('heading', { level: 1, name: 'Harbour View Residences' }));
    await seen(page.getByText('0 / 2 connected'));
    await seen(page.getByText('Job J-1042'));
    await seen(page.getByText('Breaker panel B', { exact: false }));
    await expect.poll(() => textOf(statusOf(1)), { timeout: 20_000 }).toBe('No serial');
    await page.waitForLoadState('networkidle');
    const loaded = firstLoadBytes;
    firstLoadBytes = -1; // stop counting: later polls are not the first load
    expect(loaded).toBeGreaterThan(5_000); // the counter saw the script and the style sheet
    expect(loaded).toBeLessThanOrEqual(150 * 1024);
  });

  it('fits a 360 px screen with no horizontal scroll, and every button is at least 44 px', async () => {
    // Evaluated in the page (strings: the server-side tsconfig has no DOM types).
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
    const small = await page.evaluate<string[]>(`[...document.querySelectorAll('button, input, select, textarea')]
      .map((el) => ({ el, r: el.getBoundingClientRect() }))
      .filter(({ r }) => r.width > 0 && r.height > 0)
      .filter(({ el, r }) => el.type !== 'checkbox' && Math.min(r.width, r.height) < 44)
      .map(({ el, r }) => el.tagName + ' "' + el.textContent + '" ' + r.width + 'x' + r.height)`);
    expect(small).toEqual([]);
  });

  it('has no serious or critical accessibility violation (axe-core)', async () => {
    // Not page.addScriptTag: it injects an inline <script>, which the page's CSP refuses (as it
    // should). Evaluating the source through the DevTools protocol is not subject to the CSP.
    await page.evaluate(readFileSync(resolve(import.meta.dirname, '../../node_modules/axe-core/axe.min.js'), 'utf8'));
    const violations = await page.evaluate<string[]>(`axe.run(document).then((r) => r.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => v.id + ' (' + v.impact + '): ' + v.nodes.map((n) => n.target.join(' ')).join(', ')))`);
    expect(violations).toEqual([]);
  });

  it('a charger connects and the page shows 1 / 2 connected without a reload', async () => {
    await saveSerial(1, aSerial('EVB'));
    await seen(card(1).getByText('Saved.'));
    const settings = await connectionSettings(1);
    expect(settings.url).toBe(`${rt.ocppUrl}/${encodeURIComponent(settings.identity)}`);
    // Commissioned, so the Pending gate answers its boot Accepted and Start can be offered.
    await markCommissioned((await publicView()).charge_points[0]!.charge_point_id);
    const client = await aConnectedClient(rt, { identity: settings.identity, password: settings.password, protocol: 'ocpp1.6' });
    clients.push(client);
    behaveLikeACharger(client, 'ocpp1.6', {});
    answerRemoteActions(client);
    await client.call('BootNotification', BOOT['ocpp1.6']);
    await client.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Available' }).catch(() => undefined);
    await seen(page.getByText('1 / 2 connected'), LIVE_MS);
    await expect.poll(() => textOf(statusOf(1)), { timeout: LIVE_MS }).toMatch(/^connected/);
  });

  it('shows "Serial is in use by: <Team>" for a serial another team holds, and the fix clears it', async () => {
    const taken = await aRegisteredChargePoint(rt, { protocol: 'ocpp1.6', serial: aSerial('TAKEN') });
    await saveSerial(2, taken.chargePoint.identity!);
    await expect.poll(() => textOf(statusOf(2)), { timeout: 20_000 }).toBe('Serial is in use by: Demo Site Owner Ltd');
    await saveSerial(2, aSerial('EVB'));
    await expect.poll(() => textOf(statusOf(2)), { timeout: 20_000 }).not.toMatch(/Serial is in use/);
    await seen(card(2).getByText('Saved.'));
  });

  // Needs lib/domain/connection-diagnosis.ts (branch `attempts`): until it is merged the public view
  // has no last failed attempt to show, so this runs from the moment that file exists.
  it('a charger with a wrong password: the page names the cause', async () => {
    const settings = await connectionSettings(2);
    const refused = aConnectedClient(rt, { identity: settings.identity, password: `${settings.password}x`, protocol: 'ocpp1.6' });
    await expect(refused).rejects.toThrow();
    await seen(card(2).getByText(/Last failed connection/), LIVE_MS);
    await expect.poll(() => textOf(card(2).locator('.alert')), { timeout: 20_000 }).toMatch(/password/i);
  });

  it('Start, Stop, Unlock and Reboot show pending, then their outcome', async () => {
    const c = card(1);
    await c.getByRole('button', { name: 'Start' }).click();
    await seen(c.getByText('Start: accepted'));
    await seen(c.getByRole('button', { name: 'Stop' }), LIVE_MS);
    await c.getByRole('button', { name: 'Stop' }).click();
    await seen(c.getByText('Stop: accepted'));
    await seen(c.getByRole('button', { name: 'Unlock' }), LIVE_MS);
    await c.getByRole('button', { name: 'Unlock' }).click();
    await seen(c.getByText(/^Unlock: accepted/));
    await c.getByRole('button', { name: 'Reboot' }).click();
    await seen(c.getByText(/^Reboot: accepted/));
  });

  it('the Log shows the charge point\'s newest entries colour-coded, with the category in words and readable contrast', async () => {
    const c = card(1);
    await c.getByText('Log', { exact: true }).click();
    const entries = c.locator('.log-entry');
    await seen(entries);
    // The session the Start/Stop above ran (green), its status changes (blue), the connect (yellow).
    await seen(c.locator('.log-entry.log-green', { hasText: 'Transaction' }).filter({ hasText: 'The charging session begins' }));
    await seen(c.locator('.log-entry.log-green').filter({ hasText: 'The charging session ends' }));
    await seen(c.locator('.log-entry.log-blue', { hasText: 'OCPP state' }).filter({ hasText: /Status change: connector 1 is Charging/ }));
    await seen(c.locator('.log-entry.log-yellow', { hasText: 'Connect / disconnect' }).filter({ hasText: 'Connect: the charger connected' }));
    expect(await entries.count()).toBeLessThanOrEqual(50);
    // WCAG contrast of each category label against its own background: at least 4.5:1 (AA).
    const ratios = await page.evaluate<Array<[string, number]>>(`(() => {
      const lum = (rgb) => { const [r, g, b] = rgb.match(/\\d+/g).slice(0, 3).map((v) => { const c = Number(v) / 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; }); return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
      return [...document.querySelectorAll('.log-cat')].map((el) => { const s = getComputedStyle(el); const [a, b] = [lum(s.color), lum(s.backgroundColor)].sort((x, y) => y - x); return [el.textContent, (a + 0.05) / (b + 0.05)]; });
    })()`);
    expect(ratios.length).toBeGreaterThan(0);
    expect(ratios.filter(([, r]) => r < 4.5)).toEqual([]);
  });

  it('a note that failed to send says so and keeps the text; Retry saves it, and the operator reads it', async () => {
    const c = card(1);
    const text = 'Mounted; cable to panel B done. Network via the caretaker’s switch.';
    // A flaky connection: the first attempt never reaches the server.
    await page.route('**/notes', (route) => route.abort('internetdisconnected'), { times: 1 });
    await c.getByLabel('Add a note').fill(text);
    await c.getByRole('button', { name: 'Add note' }).click();
    await seen(c.getByText(/Note not sent/));
    expect(await c.getByLabel('Add a note').inputValue()).toBe(text);
    await c.getByRole('button', { name: 'Retry' }).click();
    await seen(c.getByText('Note saved.'));
    expect(await c.getByLabel('Add a note').inputValue()).toBe('');
    await expect.poll(() => textOf(c.locator('.notes')), { timeout: LIVE_MS }).toContain(text);

    const view = await publicView();
    const cpId = view.charge_points[0]!.charge_point_id;
    const notes = await operator<{ items: Array<{ text: string; author: { kind: string; link_id?: string } }> }>('GET', `/api/v1/operator/charge-points/${cpId}/notes`);
    expect(notes.items).toEqual([expect.objectContaining({ text, author: expect.objectContaining({ kind: 'public_link', link_id: link.link_id }) })]);
  });

  it('an invalid serial gets the API\'s message next to the field', async () => {
    await saveSerial(2, 'has spaces/and slash');
    await expect.poll(() => textOf(card(2).locator('#cp2-serial-msg')), { timeout: 20_000 }).toMatch(/Not saved\. Must be 1–48 characters/);
  });

  // The README's picture: rewritten only on request (UPDATE_SCREENSHOT=1), so a test run leaves the tree clean.
  it('renders a live job at phone width (the README screenshot, rewritten with UPDATE_SCREENSHOT=1)', async () => {
    await page.evaluate('window.scrollTo(0, 0)');
    const png = await page.screenshot(process.env.UPDATE_SCREENSHOT === '1' ? { path: SCREENSHOT } : {});
    // PNG IHDR: width and height at bytes 16..23; the page is laid out at 360 CSS px.
    const ratio = await page.evaluate('window.devicePixelRatio') as number;
    expect(png.readUInt32BE(16)).toBe(360 * ratio);
  });

  it('Mark as complete with the default activates the charge points and turns the page read-only', async () => {
    await page.getByRole('button', { name: 'Mark as complete' }).click();
    const dialog = page.getByRole('dialog', { name: 'Mark the job as complete?' });
    expect(await dialog.getByLabel('Activate all charge points').isChecked()).toBe(true);
    await dialog.getByRole('button', { name: 'Mark as complete' }).click();
    await seen(page.getByText(/The page is now read-only/));
    expect(await page.getByRole('button', { name: 'Save' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Add note' }).count()).toBe(0);
    const view = await publicView();
    expect(view.charge_points.map((c) => c.active)).toEqual([true, true]);
    const operatorView = await operator<{ active?: boolean }>('GET', `/api/v1/operator/charge-points/${view.charge_points[0]!.charge_point_id}`);
    expect(operatorView.active).toBe(true);
  });

  it('a revoked link shows the revoked page, and nothing about the job', async () => {
    await operator('DELETE', `/api/v1/operator/projects/${projectId}/public-links/${link.link_id}`);
    const res = await page.reload();
    expect(res!.status()).toBe(410);
    await expect.poll(() => textOf(page.getByRole('heading', { level: 1 }))).toBe('This job link no longer works');
    await seen(page.getByText(/was revoked\. Ask Demo CPO for a new link\./));
    expect(await page.content()).not.toMatch(/Harbour|J-1042/);
  });

  it('an unknown link shows the not-found page', async () => {
    const res = await page.goto(`${rt.url}/jobs/${'A'.repeat(43)}`);
    expect(res!.status()).toBe(404);
    await expect.poll(() => textOf(page.getByRole('heading', { level: 1 }))).toBe('This job link does not exist');
  });
});
