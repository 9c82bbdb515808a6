import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { describeInBrowser, launchBrowser } from './support/browser.js';
import { expectText, newPage, signIn } from './support/pages.js';
import { ADMIN_LOGIN, ADMIN_PASSWORD, type ScreenServer, startScreenServer } from './support/server.js';

/** ログイン and ログアウト in a real browser against `tayori serve`. */
describeInBrowser('signing in and out', () => {
  let browser: Browser;
  let server: ScreenServer;
  let page: Page;

  beforeAll(async () => {
    server = await startScreenServer();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });
  beforeEach(async () => {
    page = await newPage(browser);
  });
  afterEach(async () => {
    await page.context().close();
  });

  async function tryToSignIn(loginId: string, password: string) {
    await page.getByLabel('ログインID').fill(loginId);
    await page.getByLabel('パスワード', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'ログイン' }).click();
  }

  it('refuses a wrong password and an unknown login ID with the same words, then signs in where the user was going', async () => {
    await page.goto(`${server.baseUrl}/audit`);
    await page.waitForURL((url) => url.pathname === '/login');
    expect(new URL(page.url()).searchParams.get('next')).toBe('/audit');

    const refusals: string[] = [];
    for (const [loginId, password] of [[ADMIN_LOGIN, 'wrong-password'], ['nobody-here', 'wrong-password']]) {
      await tryToSignIn(loginId, password);
      const alert = page.getByRole('alert');
      await expectText(alert, 'ログインIDまたはパスワードが正しくありません。');
      refusals.push(await alert.innerText());
      expect(await page.getByLabel('パスワード', { exact: true }).inputValue()).toBe('');
      await expect.poll(() => page.getByLabel('パスワード', { exact: true }).evaluate((element) => element === document.activeElement)).toBe(true);
    }
    expect(refusals[0]).toBe(refusals[1]);

    await tryToSignIn(ADMIN_LOGIN, ADMIN_PASSWORD);
    await page.getByRole('heading', { name: '監査ログ', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/audit');
  });

  it('signs out: the session ends and the pages lead back to the sign-in page', async () => {
    await signIn(page, server.baseUrl, '/settings/mail');
    await page.getByRole('navigation', { name: 'メニュー' }).getByRole('link', { name: 'ログアウト' }).click();
    await expectText(page.getByRole('heading', { level: 1 }), 'ログイン');
    await expectText(page.locator('.notice'), 'ログアウトしました。');
    expect(new URL(page.url()).search).toBe('');

    const session = await page.request.get(`${server.baseUrl}/api/session`);
    expect(session.status()).toBe(401);
    await page.goto(`${server.baseUrl}/settings/mail`);
    await page.waitForURL((url) => url.pathname === '/login');
  });

  it('says the session ended when the server no longer knows it (an admin set a new password)', async () => {
    const created = await server.api.request('POST', '/api/users', {
      loginId: 'sato',
      displayName: '佐藤 花子',
      role: 'admin',
      password: 'sato-pass-123',
    });
    expect(created.status).toBe(201);
    const { id } = (created.json as { user: { id: string } }).user;
    await signIn(page, server.baseUrl, '/settings/mail', 'sato', 'sato-pass-123');

    expect((await server.api.request('PUT', `/api/users/${id}/password`, { password: 'another-pass-1' })).status).toBe(204);
    await page.getByRole('navigation', { name: 'メニュー' }).getByRole('link', { name: '配信ログ' }).click();
    await expectText(page.locator('.notice'), 'ログインの有効期限が切れました。もう一度ログインしてください。');
    expect(new URL(page.url()).pathname).toBe('/login');
  });
});
