import type { Page } from 'playwright-core';
import { beforeAll, expect, it } from 'vitest';
import { freePort } from '../support/cli.js';
import { describeInBrowser } from './support/browser.js';
import { expectText, focusedLabel, newPage, openDevMail, screenshot, signIn } from './support/pages.js';
import { browserSuite } from './support/suite.js';

/**
 * アカウント停止 in a real browser against `tayori serve` with its development mailbox on: the
 * policy form, a user failing to sign in until suspended, the suspension on the page and its
 * mails in the mailbox, 停止解除, and the user back in.
 */

const USER = { loginId: 'suzuki', displayName: '鈴木 一郎', password: 'suzuki-pass-1', email: 'suzuki@example.jp' };
const SECURITY_DESK = 'security@example.jp';
const GENERIC_REFUSAL = 'ログインIDまたはパスワードが正しくありません。';

describeInBrowser('アカウント停止 in the browser', () => {
  const suite = browserSuite(async () => ({
    TAYORI_DEV_MAILBOX: '1',
    TAYORI_DEV_MAILBOX_PORT: String(await freePort()),
    TAYORI_OUTBOX_POLL_MS: '200',
  }));

  beforeAll(async () => {
    const created = await suite.server.api.request('POST', '/api/users', { ...USER, role: 'user' });
    expect(created.status).toBe(201);
    const current = (await suite.server.api.request('GET', '/api/settings/mail')).json as { version: number; settings: { sendingEnabled: boolean; monitoring: object } };
    const saved = await suite.server.api.request('PUT', '/api/settings/mail', {
      sendingEnabled: current.settings.sendingEnabled,
      suspensionRecipients: SECURITY_DESK,
      monitoring: current.settings.monitoring,
      version: current.version,
    });
    expect(saved.status).toBe(200);
  });

  const field = (label: string) => suite.page.getByLabel(label, { exact: true });
  const errorOf = (label: string) => suite.page.locator('.field', { has: field(label) }).locator('.field-error');
  const durationChoice = (name: string) => suite.page.getByRole('group', { name: '停止期間' }).getByRole('radio', { name });
  const save = () => suite.page.getByRole('button', { name: '保存', exact: true }).click();
  const dialog = () => suite.page.getByRole('dialog');
  const menu = () => suite.page.getByRole('navigation', { name: 'メニュー' });
  const policy = async () => (await suite.server.api.request('GET', '/api/settings/lockout')).json as { threshold: number; windowMinutes: number; durationMinutes: number | null; version: number };
  const isFocused = (label: string) => field(label).evaluate((element) => element === document.activeElement);

  /** Signs in on the login page; answers the refusal shown, or null when the user got in. */
  async function tryToSignIn(page: Page, password: string): Promise<string | null> {
    await page.goto(`${suite.server.baseUrl}/login`);
    await page.getByLabel('ログインID').fill(USER.loginId);
    await page.getByLabel('パスワード', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'ログイン' }).click();
    const outcome = page.getByRole('alert').or(page.getByRole('heading', { name: 'プロフィール', level: 1 }));
    await outcome.first().waitFor();
    return (await page.getByRole('alert').count()) > 0 ? page.getByRole('alert').innerText() : null;
  }

  it('suspends a user whose logins fail, shows it with its mails, lifts it, and the user signs in again', async () => {
    // The page shows times in the administrator's own zone (not the browser's, which is Tokyo); the copy mail in the organisation's.
    expect((await suite.server.api.request('PUT', '/api/me', { timeZone: 'America/New_York' })).status).toBe(200);
    await signIn(suite.page, suite.server.baseUrl, '/settings/lockout');
    await expectText(suite.page.getByRole('navigation', { name: '現在の位置' }), /システムの設定[\s\S]*環境設定[\s\S]*アカウント停止/);
    await expectText(suite.page.locator('form .hint').first(), 'まだ保存されていません(初期設定)。');
    expect(await field('アカウント停止までのログイン失敗回数').inputValue()).toBe('5');
    expect(await field('失敗回数を数える期間(分)').inputValue()).toBe('30');
    expect(await durationChoice('時間を指定する').isChecked()).toBe(true);
    expect(await field('停止する時間(分)').inputValue()).toBe('30');
    await expectText(suite.page.getByRole('region', { name: '停止中のアカウント' }), '停止中のアカウントはありません。');

    await field('アカウント停止までのログイン失敗回数').fill('3');
    await durationChoice('無期限(管理者が解除するまで)').check();
    await field('停止する時間(分)').waitFor({ state: 'detached' });
    await save();
    await expectText(suite.page.getByRole('status'), '停止の条件を保存しました。');
    expect(await policy()).toEqual({ threshold: 3, windowMinutes: 30, durationMinutes: null, version: 1 });

    // The user fails three times; then even the right password gets the very same refusal.
    const user = await newPage(suite.browser);
    try {
      const refusals: (string | null)[] = [];
      for (let attempt = 0; attempt < 3; attempt += 1) refusals.push(await tryToSignIn(user, 'wrong-password'));
      refusals.push(await tryToSignIn(user, USER.password));
      expect(refusals).toEqual(Array(4).fill(GENERIC_REFUSAL));

      await suite.page.getByRole('button', { name: '最新の状態に更新' }).click();
      const row = suite.page.getByRole('row', { name: /suzuki/ });
      await expectText(row.getByRole('rowheader'), USER.displayName);
      const cells = await row.getByRole('cell').allInnerTexts();
      expect(cells[0]).toBe(USER.loginId);
      expect(cells[1]).toMatch(/^\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2} \S+ \(America\/New_York\)$/);
      expect(cells.slice(2, 5)).toEqual(['管理者が解除するまで', '3回', '127.0.0.1']);
      await screenshot(suite.page, 'lockout', suite.page.locator('main'));

      // The mails of the suspension, in the development mailbox: the user's and the copy.
      await menu().getByRole('link', { name: '開発用メールボックス' }).click();
      const toUser = await openDevMail(suite.page, '【Tayori】アカウントを停止しました');
      await expectText(toUser.locator('dl.read-only'), USER.email);
      await expectText(toUser.locator('pre.mail-text'), /停止日時: \d{4}年.+JST \(Asia\/Tokyo\) \/ .+ UTC/);
      await expectText(toUser.locator('pre.mail-text'), '再開日時: 管理者が解除するまで');
      const copy = await openDevMail(suite.page, `【Tayori】アカウント停止のお知らせ: ${USER.loginId}(${USER.displayName})`);
      await expectText(copy.locator('dl.read-only'), SECURITY_DESK);
      await expectText(copy.locator('pre.mail-text'), '送信元IPアドレス: 127.0.0.1');

      // 停止解除 asks first; キャンセル changes nothing.
      await menu().getByRole('link', { name: 'アカウント停止' }).click();
      await row.getByRole('button', { name: `停止解除: ${USER.displayName}(${USER.loginId})` }).click();
      await expectText(dialog().getByRole('heading'), `${USER.displayName}(${USER.loginId})の停止を解除しますか?`);
      // It opens on キャンセル: before, on 停止解除, so a second Enter lifted the suspension unasked.
      await expect.poll(() => focusedLabel(suite.page)).toBe('キャンセル');
      await dialog().getByRole('button', { name: 'キャンセル' }).click();
      await dialog().waitFor({ state: 'detached' });
      expect(((await suite.server.api.request('GET', '/api/suspensions')).json as unknown[]).length).toBe(1);

      await row.getByRole('button', { name: /停止解除/ }).click();
      await dialog().getByRole('button', { name: '停止解除' }).click();
      await expectText(suite.page.getByRole('status').filter({ hasText: '停止を解除しました' }), `${USER.displayName}(${USER.loginId})の停止を解除しました。`);
      await expectText(suite.page.getByRole('region', { name: '停止中のアカウント' }), '停止中のアカウントはありません。');
      expect((await suite.server.api.request('GET', '/api/suspensions')).json).toEqual([]);

      expect(await tryToSignIn(user, USER.password)).toBeNull();
    } finally {
      await user.context().close();
      await suite.server.api.request('PUT', '/api/me', { timeZone: 'Asia/Tokyo' });
    }
  });

  it('checks the policy with the API contract in the browser: each refusal at its field, the first focused, in Japanese and in English', async () => {
    const saves: string[] = [];
    suite.page.on('request', (request) => void (request.method() === 'PUT' && saves.push(request.url())));
    await signIn(suite.page, suite.server.baseUrl, '/settings/lockout');
    await field('アカウント停止までのログイン失敗回数').fill('0');
    await field('失敗回数を数える期間(分)').fill('1441');
    await durationChoice('時間を指定する').check();
    await field('停止する時間(分)').fill('2.5');
    await save();

    await expectText(errorOf('アカウント停止までのログイン失敗回数'), '1以上の値を入力してください。');
    await expectText(errorOf('失敗回数を数える期間(分)'), '1440以下の値を入力してください。');
    await expectText(errorOf('停止する時間(分)'), '整数で入力してください。');
    await expect.poll(() => isFocused('アカウント停止までのログイン失敗回数')).toBe(true);
    expect(saves).toEqual([]);

    // Full-width digits, as a Japanese keyboard may type them, are numbers too.
    const before = await policy();
    await field('アカウント停止までのログイン失敗回数').fill('１０');
    await field('失敗回数を数える期間(分)').fill('60');
    await field('停止する時間(分)').fill('15');
    await save();
    await expectText(suite.page.getByRole('status'), '停止の条件を保存しました。');
    expect(await policy()).toEqual({ threshold: 10, windowMinutes: 60, durationMinutes: 15, version: before.version + 1 });

    expect((await suite.server.api.request('PUT', '/api/me', { locale: 'en' })).status).toBe(200);
    try {
      await suite.page.reload();
      await suite.page.getByRole('heading', { name: 'Account suspension', level: 1 }).waitFor();
      const threshold = suite.page.getByLabel('Failed logins before suspension', { exact: true });
      await threshold.fill('101');
      await suite.page.getByRole('button', { name: 'Save', exact: true }).click();
      await expectText(suite.page.locator('.field', { has: threshold }).locator('.field-error'), 'Enter a value of at most 100.');
      await expect.poll(() => threshold.evaluate((element) => element === document.activeElement)).toBe(true);
    } finally {
      await suite.server.api.request('PUT', '/api/me', { locale: 'ja' });
    }
  });

  it('explains a save over a newer one (409) and loads the latest policy on request', async () => {
    await signIn(suite.page, suite.server.baseUrl, '/settings/lockout');
    await field('失敗回数を数える期間(分)').fill('45');
    const current = await policy();
    const theirs = await suite.server.api.request('PUT', '/api/settings/lockout', { threshold: 7, windowMinutes: 20, durationMinutes: 10, version: current.version });
    expect(theirs.status).toBe(200);

    await save();
    await expectText(suite.page.getByRole('alert'), '他の管理者がこの画面を開いた後に停止の条件を保存しました。あなたの変更は保存されていません。');
    expect(await field('失敗回数を数える期間(分)').inputValue()).toBe('45');
    expect((await policy()).windowMinutes).toBe(20);
    await suite.page.getByRole('button', { name: /最新の設定を読み込む/ }).click();
    await expect.poll(() => field('失敗回数を数える期間(分)').inputValue()).toBe('20');
    expect(await field('アカウント停止までのログイン失敗回数').inputValue()).toBe('7');
  });

  it('asks before leaving with unsaved changes; キャンセル keeps them, leaving discards them', async () => {
    await signIn(suite.page, suite.server.baseUrl, '/settings/lockout');
    await field('アカウント停止までのログイン失敗回数').fill('9');
    await menu().getByRole('link', { name: '配信ログ' }).click();
    await expectText(dialog().getByRole('heading'), '保存されていない変更があります');
    await dialog().getByRole('button', { name: 'キャンセル' }).click();
    expect(new URL(suite.page.url()).pathname).toBe('/settings/lockout');
    expect(await field('アカウント停止までのログイン失敗回数').inputValue()).toBe('9');

    await menu().getByRole('link', { name: '配信ログ' }).click();
    await dialog().getByRole('button', { name: 'このページを離れる' }).click();
    await suite.page.getByRole('heading', { name: '配信ログ', level: 1 }).waitFor();
    expect((await policy()).threshold).not.toBe(9);
  });
});
