// Debian's Chromium driven by playwright-core (DESIGN.md §4): never `playwright install`, no
// download. Each launch gets a fresh profile: Playwright refuses `--user-data-dir` in launch() and
// makes a new temporary profile folder itself (removed on close), which is the same thing.
import { chromium, type Browser, type BrowserContext } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/** A phone: 360×640 CSS pixels, touch, mobile viewport rules (`<meta name="viewport">`). */
export const PHONE = { viewport: { width: 360, height: 640 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'en-GB', timezoneId: 'Europe/Copenhagen' } as const;

export interface PhoneBrowser {
  readonly browser: Browser;
  newPhone(): Promise<BrowserContext>;
  close(): Promise<void>;
}

export async function launchPhoneBrowser(): Promise<PhoneBrowser> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    browser,
    newPhone: () => browser.newContext({ ...PHONE }),
    close: () => browser.close(),
  };
}
