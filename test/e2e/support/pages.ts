import { mkdirSync } from 'node:fs';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import { ADMIN_LOGIN, ADMIN_PASSWORD } from './server.js';

/** Where the browser tests leave their screenshots (not committed; docs/screenshots holds the README's). */
export const RESULTS_DIR = new URL('../../../test-results/', import.meta.url);

const missing = new WeakMap<Page, string[]>();

/** A fresh browser context (no cookies) reading Japanese in Tokyo, as the product's users do. */
export async function newPage(browser: Browser, options: { locale?: string } = {}): Promise<Page> {
  const context = await browser.newContext({
    locale: options.locale ?? 'ja-JP',
    timezoneId: 'Asia/Tokyo',
    viewport: { width: 1280, height: 900 },
  });
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  const said: string[] = [];
  missing.set(page, said);
  page.on('console', (message) => {
    if (message.type() === 'error' && message.text().startsWith('no screen message')) said.push(message.text());
  });
  return page;
}

/** The messages the page wanted and the build had left out of the screen (tools/screen-messages.ts): it showed their keys. */
export function missingMessages(page: Page): string[] {
  return missing.get(page) ?? [];
}

/** Opens a page of the screen signed out, signs in on the login page it leads to, and waits for the page. */
export async function signIn(page: Page, baseUrl: string, path = '/settings/mail', loginId = ADMIN_LOGIN, password = ADMIN_PASSWORD) {
  await page.goto(`${baseUrl}${path}`);
  await page.getByLabel('ログインID').fill(loginId);
  await page.getByLabel('パスワード', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'ログイン' }).click();
  await page.waitForURL((url) => url.pathname === path);
  await page.getByRole('heading', { level: 1 }).waitFor();
}

/** Waits until the locator shows, then asserts its text. */
export async function expectText(locator: Locator, expected: string | RegExp) {
  await locator.first().waitFor();
  await expect.poll(() => locator.first().innerText()).toMatch(expected);
}

export async function isShown(locator: Locator): Promise<boolean> {
  return (await locator.count()) > 0 && (await locator.first().isVisible());
}

/**
 * axe-core's serious and critical findings on the page as it is now. A mail's own HTML (the dev
 * mailbox's sandboxed frame, where no script can run, axe included) is the sender's, not the screen's.
 */
export async function seriousAccessibilityViolations(page: Page) {
  const { violations } = await new AxeBuilder({ page }).exclude('iframe.mail-html').analyze();
  return violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => ({ rule: violation.id, impact: violation.impact, help: violation.help, nodes: violation.nodes.map((node) => node.target.join(' ')) }));
}

/**
 * `<name>.png`, the whole page, and `<name>-part.png`, the part that matters (`part`, or the span
 * from the first of `parts` to the last, else the first screen), small enough for the README
 * (docs/screenshots keeps copies of those).
 */
export async function screenshot(page: Page, name: string, part?: Locator | [Locator, Locator]) {
  mkdirSync(RESULTS_DIR, { recursive: true });
  await page.screenshot({ path: new URL(`${name}.png`, RESULTS_DIR).pathname, fullPage: true });
  const partPath = new URL(`${name}-part.png`, RESULTS_DIR).pathname;
  if (Array.isArray(part)) return void (await page.screenshot({ path: partPath, fullPage: true, clip: await spanOf(part) }));
  if (part) return void (await part.screenshot({ path: partPath }));
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: partPath });
}

/** The box from the top of the first element to the bottom of the second, across both, in page coordinates. */
async function spanOf([first, last]: [Locator, Locator]) {
  const scroll = await first.page().evaluate(() => ({ x: window.scrollX, y: window.scrollY }));
  const [top, bottom] = [await first.boundingBox(), await last.boundingBox()];
  if (!top || !bottom) throw new Error('a part of the screenshot is not on the page');
  const x = Math.min(top.x, bottom.x);
  const width = Math.max(top.x + top.width, bottom.x + bottom.width) - x;
  return { x: x + scroll.x, y: top.y + scroll.y, width, height: bottom.y + bottom.height - top.y };
}

/** The name of the focused element as a user of assistive technology hears it (its label). */
export function focusedLabel(page: Page): Promise<string> {
  return page.evaluate(() => {
    const element = document.activeElement as HTMLElement | null;
    if (!element) return '';
    const labelledBy = element.getAttribute('aria-labelledby');
    if (labelledBy) return labelledBy.split(' ').map((id) => document.getElementById(id)?.textContent ?? '').join(' ');
    const input = element as HTMLInputElement;
    const label = input.labels?.[0]?.textContent;
    return (label ?? element.getAttribute('aria-label') ?? element.textContent ?? '').trim();
  });
}

/** Presses Tab until the focus is on the control with this label (and fails if it never gets there). */
export async function tabToLabel(page: Page, label: string | RegExp, maxPresses = 60) {
  for (let press = 0; press < maxPresses; press += 1) {
    await page.keyboard.press('Tab');
    const focused = await focusedLabel(page);
    if (typeof label === 'string' ? focused === label : label.test(focused)) return;
  }
  throw new Error(`the keyboard never reached ${label} (last focus: ${await focusedLabel(page)})`);
}

/** In 開発用メールボックス: refreshes until the mail with this subject has arrived, then opens it. */
export async function openDevMail(page: Page, subject: string) {
  const link = page.getByRole('button', { name: subject, exact: true });
  await expect
    .poll(
      async () => {
        await page.getByRole('button', { name: '最新の状態に更新' }).click();
        return link.count();
      },
      { timeout: 30_000 },
    )
    .toBe(1);
  await link.click();
  // Heard as the current mail, not as a toggle button that is pressed.
  await expect.poll(() => link.getAttribute('aria-current')).toBe('true');
  expect(await link.getAttribute('aria-pressed')).toBeNull();
  return page.locator('article.dev-mail');
}
