import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';
import { describe } from 'vitest';

/** Debian's Chromium (`apt-get install chromium`); Playwright's own browser download is not used. */
export const CHROMIUM = '/usr/bin/chromium';

export const chromiumAvailable = () => existsSync(CHROMIUM);

/** `describe` when Chromium is installed; otherwise the block is skipped (the global setup says why). */
export const describeInBrowser = chromiumAvailable() ? describe : describe.skip;

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}
