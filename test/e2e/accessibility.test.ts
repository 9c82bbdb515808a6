import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { freePort } from '../support/cli.js';
import { type SmtpSink, startSmtpSink } from '../support/smtp-sink.js';
import { writeTestCaFile } from '../support/test-ca.js';
import { describeInBrowser, launchBrowser } from './support/browser.js';
import { expectText, focusedLabel, newPage, seriousAccessibilityViolations, signIn } from './support/pages.js';
import { type ScreenServer, startScreenServer } from './support/server.js';

/**
 * Every page, as axe-core judges it (no serious or critical finding), in the states that matter
 * (errors shown, dialogs open, a mail opened); and the own SMTP server set up with the keyboard
 * alone.
 */
describeInBrowser('accessibility', () => {
  let browser: Browser;
  let server: ScreenServer;
  let sink: SmtpSink;
  let page: Page;

  beforeAll(async () => {
    sink = await startSmtpSink({ tls: 'starttls' });
    server = await startScreenServer({
      TAYORI_SMTP_CA_FILE: writeTestCaFile(),
      TAYORI_DEV_MAILBOX: '1',
      TAYORI_DEV_MAILBOX_PORT: String(await freePort()),
      TAYORI_OUTBOX_POLL_MS: '200',
    });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await sink?.close();
  });
  beforeEach(async () => {
    page = await newPage(browser);
  });
  afterEach(async () => {
    await page.context().close();
  });

  async function expectAccessible(state: string) {
    expect(await seriousAccessibilityViolations(page), state).toEqual([]);
  }

  it('finds no serious or critical problem on the sign-in page and メール送信設定 in each of its states', async () => {
    await page.goto(`${server.baseUrl}/login`);
    await page.getByLabel('ログインID').waitFor();
    await expectAccessible('ログイン');

    await signIn(page, server.baseUrl, '/settings/mail');
    await expectAccessible('メール送信設定');
    await page.getByRole('group', { name: 'SMTP認証を有効にする' }).getByRole('radio', { name: 'する' }).check();
    await page.getByLabel('SMTPサーバアドレス', { exact: true }).fill('bad host!');
    await page.getByLabel('証明書を検証しない', { exact: true }).check();
    await page.getByRole('button', { name: '設定完了' }).click();
    await page.locator('.field-error').first().waitFor();
    await expectAccessible('メール送信設定, errors shown');
    await page.getByRole('radio', { name: 'Gmailを使用する' }).click();
    await page.getByRole('dialog').waitFor();
    await expectAccessible('メール送信設定, popup open');
    await page.getByRole('dialog').getByRole('button', { name: 'OK' }).click();
    await page.getByLabel('Client ID', { exact: true }).waitFor();
    await expectAccessible('メール送信設定, Gmail');
  });

  it('finds no serious or critical problem on the other pages, their dialogs and an opened mail', async () => {
    const created = await server.api.request('POST', '/api/mail/tokens', { name: 'axe' });
    const { token } = (created.json as { token: { token: string } }).token;
    await fetch(`${server.baseUrl}/api/mail/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ to: 'a@example.jp', subject: '件名', text: '本文', html: '<p>本文</p>' }),
    });

    const pages: [string, string][] = [
      ['/settings/organisation', '組織設定'],
      ['/users', 'ユーザー管理'],
      ['/settings/tokens', 'サービストークン'],
      ['/deliveries', '配信ログ'],
      ['/audit', '監査ログ'],
      ['/dev-mailbox', '開発用メールボックス'],
      ['/profile', 'プロフィール'],
      ['/no/such/page', 'ページが見つかりません'],
    ];
    await signIn(page, server.baseUrl, '/profile');
    for (const [path, title] of pages) {
      await page.goto(`${server.baseUrl}${path}`);
      await page.getByRole('heading', { name: title, level: 1 }).waitFor();
      await page.locator('.loading').waitFor({ state: 'detached' });
      await expectAccessible(title);
    }

    await page.goto(`${server.baseUrl}/users`);
    await page.getByRole('button', { name: 'ユーザーを追加' }).click();
    await page.getByRole('dialog').getByRole('button', { name: '保存' }).click();
    await page.getByRole('dialog').locator('.field-error').first().waitFor();
    await expectAccessible('ユーザーの追加, errors shown');

    await page.goto(`${server.baseUrl}/settings/tokens`);
    await page.getByLabel('名前').fill('一度だけ');
    await page.getByRole('button', { name: 'トークンを作成' }).click();
    await page.getByLabel('トークン', { exact: true }).waitFor();
    await expectAccessible('サービストークン, new token shown');

    await page.goto(`${server.baseUrl}/dev-mailbox`);
    const subject = page.getByRole('button', { name: '件名' });
    await expect
      .poll(async () => {
        await page.getByRole('button', { name: '最新の状態に更新' }).click();
        return subject.count();
      }, { timeout: 30_000 })
      .toBe(1);
    await subject.click();
    await page.locator('iframe.mail-html').waitFor();
    await expectAccessible('開発用メールボックス, a mail open');
  });

  /** Presses Tab until the focus is on the control with this label (and fails if it never gets there). */
  async function tabTo(label: string | RegExp, maxPresses = 60) {
    for (let press = 0; press < maxPresses; press += 1) {
      await page.keyboard.press('Tab');
      const focused = await focusedLabel(page);
      if (typeof label === 'string' ? focused === label : label.test(focused)) return;
    }
    throw new Error(`the keyboard never reached ${label} (last focus: ${await focusedLabel(page)})`);
  }

  it('sets up the own SMTP server, tests it and saves it with the keyboard alone', async () => {
    await signIn(page, server.baseUrl, '/settings/mail');
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());

    // The dev mailbox seeded the form (有効化, 127.0.0.1, なし); the keyboard points it at another server.
    // Radio groups: Tab lands on the chosen radio, the arrow keys choose.
    await tabTo('有効化');
    await tabTo('SMTPサーバアドレス');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('127.0.0.1');
    await tabTo('ポート番号');
    await page.keyboard.press('Control+A');
    await page.keyboard.type(String(sink.port));
    await tabTo('なし');
    await page.keyboard.press('ArrowDown');
    expect(await focusedLabel(page)).toBe('STARTTLS');
    expect(await page.getByRole('radio', { name: 'STARTTLS', exact: true }).isChecked()).toBe(true);
    await tabTo('送信元メールアドレス');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('keyboard@example.jp');

    await tabTo('接続テスト');
    await page.keyboard.press('Enter');
    await expectText(page.locator('.check-result'), '接続テストに成功しました');

    await tabTo('アカウント停止通知メール送信先メールアドレス');
    await page.keyboard.type('ops@example.jp');
    await tabTo('設定完了');
    await page.keyboard.press('Enter');
    await expectText(page.getByRole('status').filter({ hasText: '設定を保存しました。' }), '設定を保存しました。');

    const saved = (await server.api.request('GET', '/api/settings/mail')).json as { settings: Record<string, unknown> };
    expect(saved.settings).toMatchObject({
      sendingEnabled: true,
      smtp: { host: '127.0.0.1', port: sink.port, security: 'starttls', authEnabled: false },
      senderAddress: 'keyboard@example.jp',
      suspensionRecipients: ['ops@example.jp'],
    });
  });
});
