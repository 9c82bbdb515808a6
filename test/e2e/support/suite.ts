import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import { launchBrowser } from './browser.js';
import { missingMessages, newPage } from './pages.js';
import { type EnvFor, type ScreenServer, startScreenServer } from './server.js';

export interface BrowserSuite {
  server: ScreenServer;
  browser: Browser;
  /** A fresh page (its own cookies) for each test. */
  page: Page;
}

/**
 * One real `tayori serve` and one Chromium for a test file, and a new signed-out page for each
 * test. `env` is read when the file starts, after the hooks registered before this call (so it
 * can name the port of an SMTP server they started), and is given the server's address.
 */
export function browserSuite(env: EnvFor = () => ({})): BrowserSuite {
  const suite = {} as BrowserSuite;
  beforeAll(async () => {
    suite.server = await startScreenServer(env);
    suite.browser = await launchBrowser();
  });
  afterAll(async () => {
    await suite.browser?.close();
    await suite.server?.stop();
  });
  beforeEach(async () => {
    suite.page = await newPage(suite.browser);
  });
  afterEach(async () => {
    const page = suite.page;
    await page?.context().close();
    if (page) expect(missingMessages(page), 'messages shown as their keys').toEqual([]);
  });
  return suite;
}
