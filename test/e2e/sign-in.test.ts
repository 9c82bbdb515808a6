import { expect, it } from 'vitest';
import { describeInBrowser } from './support/browser.js';
import { expectText, signIn } from './support/pages.js';
import { ADMIN_LOGIN, ADMIN_PASSWORD, createAdmin } from './support/server.js';
import { browserSuite } from './support/suite.js';

/** ログイン and ログアウト in a real browser against `tayori serve`. */
describeInBrowser('signing in and out', () => {
  const suite = browserSuite();

  async function tryToSignIn(loginId: string, password: string) {
    await suite.page.getByLabel('ログインID').fill(loginId);
    await suite.page.getByLabel('パスワード', { exact: true }).fill(password);
    await suite.page.getByRole('button', { name: 'ログイン' }).click();
  }

  it('refuses a wrong password and an unknown login ID with the same words, then signs in where the user was going', async () => {
    await suite.page.goto(`${suite.server.baseUrl}/audit`);
    await suite.page.waitForURL((url) => url.pathname === '/login');
    expect(new URL(suite.page.url()).searchParams.get('next')).toBe('/audit');

    const refusals: string[] = [];
    for (const [loginId, password] of [[ADMIN_LOGIN, 'wrong-password'], ['nobody-here', 'wrong-password']]) {
      await tryToSignIn(loginId, password);
      const alert = suite.page.getByRole('alert');
      await expectText(alert, 'ログインIDまたはパスワードが正しくありません。');
      refusals.push(await alert.innerText());
      expect(await suite.page.getByLabel('パスワード', { exact: true }).inputValue()).toBe('');
      await expect.poll(() => suite.page.getByLabel('パスワード', { exact: true }).evaluate((element) => element === document.activeElement)).toBe(true);
    }
    expect(refusals[0]).toBe(refusals[1]);

    await tryToSignIn(ADMIN_LOGIN, ADMIN_PASSWORD);
    await suite.page.getByRole('heading', { name: '監査ログ', level: 1 }).waitFor();
    expect(new URL(suite.page.url()).pathname).toBe('/audit');
  });

  it.each(['https://evil.example/', '//evil.example/', '/\\evil.example/', '/\t/evil.example/'])(
    'signs in at home, on this site, when next=%j points elsewhere',
    async (elsewhere) => {
      await suite.page.goto(`${suite.server.baseUrl}/login?next=${encodeURIComponent(elsewhere)}`);
      await tryToSignIn(ADMIN_LOGIN, ADMIN_PASSWORD);
      await suite.page.getByRole('heading', { name: 'メール送信設定', level: 1 }).waitFor();
      expect(new URL(suite.page.url()).origin).toBe(new URL(suite.server.baseUrl).origin);
      expect(new URL(suite.page.url()).pathname).toBe('/settings/mail');
    },
  );

  it('signs out: the session ends and the pages lead back to the sign-in page', async () => {
    await signIn(suite.page, suite.server.baseUrl, '/settings/mail');
    await suite.page.getByRole('navigation', { name: 'メニュー' }).getByRole('link', { name: 'ログアウト' }).click();
    await expectText(suite.page.getByRole('heading', { level: 1 }), 'ログイン');
    await expectText(suite.page.locator('.notice'), 'ログアウトしました。');
    expect(new URL(suite.page.url()).search).toBe('');

    const session = await suite.page.request.get(`${suite.server.baseUrl}/api/session`);
    expect(session.status()).toBe(401);
    await suite.page.goto(`${suite.server.baseUrl}/settings/mail`);
    await suite.page.waitForURL((url) => url.pathname === '/login');
  });

  it('says the session ended when the server no longer knows it (an admin set a new password)', async () => {
    const id = await createAdmin(suite.server.api, { loginId: 'sato', displayName: '佐藤 花子', password: 'sato-pass-123' });
    await signIn(suite.page, suite.server.baseUrl, '/settings/mail', 'sato', 'sato-pass-123');

    expect((await suite.server.api.request('PUT', `/api/users/${id}/password`, { password: 'another-pass-1' })).status).toBe(204);
    await suite.page.getByRole('navigation', { name: 'メニュー' }).getByRole('link', { name: '配信ログ' }).click();
    await expectText(suite.page.locator('.notice'), 'ログインの有効期限が切れました。もう一度ログインしてください。');
    expect(new URL(suite.page.url()).pathname).toBe('/login');
  });
});
