import { afterAll, beforeAll, expect, it } from 'vitest';
import { freePort } from '../support/cli.js';
import { type SmtpSink, startSmtpSink } from '../support/smtp-sink.js';
import { writeTestCaFile } from '../support/test-ca.js';
import { describeInBrowser } from './support/browser.js';
import { expectText, focusedLabel, openDevMail, seriousAccessibilityViolations, signIn, tabToLabel } from './support/pages.js';
import { createServiceToken, reportFailedRun, sendApplicationMail } from './support/server.js';
import { browserSuite } from './support/suite.js';

/**
 * Every page, as axe-core judges it (no serious or critical finding), in the states that matter
 * (errors shown, dialogs open, a mail opened); and the own SMTP server set up with the keyboard
 * alone.
 */
describeInBrowser('accessibility', () => {
  let sink: SmtpSink;
  beforeAll(async () => {
    sink = await startSmtpSink({ tls: 'starttls' });
  });
  afterAll(() => sink?.close());
  const suite = browserSuite(async () => ({
    TAYORI_SMTP_CA_FILE: writeTestCaFile(),
    TAYORI_DEV_MAILBOX: '1',
    TAYORI_DEV_MAILBOX_PORT: String(await freePort()),
    TAYORI_OUTBOX_POLL_MS: '200',
  }));

  async function expectAccessible(state: string) {
    expect(await seriousAccessibilityViolations(suite.page), state).toEqual([]);
  }

  it('finds no serious or critical problem on the sign-in page and メール送信設定 in each of its states', async () => {
    await suite.page.goto(`${suite.server.baseUrl}/login`);
    await suite.page.getByLabel('ログインID').waitFor();
    await expectAccessible('ログイン');

    await signIn(suite.page, suite.server.baseUrl, '/settings/mail');
    await expectAccessible('メール送信設定');
    await suite.page.getByRole('group', { name: 'SMTP認証を有効にする' }).getByRole('radio', { name: 'する' }).check();
    await suite.page.getByLabel('SMTPサーバアドレス', { exact: true }).fill('bad host!');
    await suite.page.getByLabel('証明書を検証しない', { exact: true }).check();
    await suite.page.getByRole('button', { name: '設定完了' }).click();
    await suite.page.locator('.field-error').first().waitFor();
    await expectAccessible('メール送信設定, errors shown');
    await suite.page.getByRole('radio', { name: 'Gmailを使用する' }).click();
    await suite.page.getByRole('dialog').waitFor();
    await expectAccessible('メール送信設定, popup open');
    await suite.page.getByRole('dialog').getByRole('button', { name: 'OK' }).click();
    await suite.page.getByLabel('Client ID', { exact: true }).waitFor();
    await expectAccessible('メール送信設定, Gmail');
  });

  it('finds no serious or critical problem on the other pages, their dialogs and an opened mail', async () => {
    const token = await createServiceToken(suite.server.api, 'axe');
    await sendApplicationMail(suite.server.baseUrl, token, { to: 'a@example.jp', subject: '件名', text: '本文', html: '<p>本文</p>' });

    const pages: [string, string][] = [
      ['/settings/organisation', '組織設定'],
      ['/settings/lockout', 'アカウント停止'],
      ['/users', 'ユーザー管理'],
      ['/settings/tokens', 'サービストークン'],
      ['/deliveries', '配信ログ'],
      ['/monitoring', 'スレッド監視'],
      ['/audit', '監査ログ'],
      ['/dev-mailbox', '開発用メールボックス'],
      ['/profile', 'プロフィール'],
      ['/no/such/page', 'ページが見つかりません'],
    ];
    await signIn(suite.page, suite.server.baseUrl, '/profile');
    for (const [path, title] of pages) {
      await suite.page.goto(`${suite.server.baseUrl}${path}`);
      await suite.page.getByRole('heading', { name: title, level: 1 }).waitFor();
      await expect.poll(() => suite.page.locator('.loading').count()).toBe(0); // a page may load several lists
      await expectAccessible(title);
    }

    await suite.page.goto(`${suite.server.baseUrl}/users`);
    await suite.page.getByRole('button', { name: 'ユーザーを追加' }).click();
    await suite.page.getByRole('dialog').getByRole('button', { name: '保存' }).click();
    await suite.page.getByRole('dialog').locator('.field-error').first().waitFor();
    await expectAccessible('ユーザーの追加, errors shown');

    await suite.page.goto(`${suite.server.baseUrl}/settings/tokens`);
    await suite.page.getByLabel('名前').fill('一度だけ');
    await suite.page.getByRole('button', { name: 'トークンを作成' }).click();
    await suite.page.getByLabel('トークン', { exact: true }).waitFor();
    await expectAccessible('サービストークン, new token shown');

    await suite.page.goto(`${suite.server.baseUrl}/dev-mailbox`);
    await (await openDevMail(suite.page, '件名')).locator('iframe.mail-html').waitFor();
    await expectAccessible('開発用メールボックス, a mail open');

    await suite.page.goto(`${suite.server.baseUrl}/monitoring`);
    const tokens = suite.page.getByRole('region', { name: 'レポートトークン' });
    await tokens.getByLabel('名前').fill('夜間取込');
    await tokens.getByRole('button', { name: 'レポートトークンを作成' }).click();
    const reportToken = await tokens.getByLabel('トークン', { exact: true }).inputValue();
    await reportFailedRun(suite.server.baseUrl, reportToken, { kind: 'data-source', name: '夜間取込', error: 'exit code 1\n接続できません' });
    await suite.page.getByRole('button', { name: '最新の状態に更新' }).click();
    await suite.page.locator('.run-error summary').click();
    await expectAccessible('スレッド監視, a new token and an error shown');
    await tokens.getByRole('button', { name: '無効化: 夜間取込' }).click();
    await suite.page.getByRole('dialog').waitFor();
    await expectAccessible('スレッド監視, revoking a token');
  });

  it('fits a 375-pixel-wide window on every page: no sideways scrolling, the page as wide as the window', async () => {
    await suite.page.setViewportSize({ width: 375, height: 800 });
    try {
      await signIn(suite.page, suite.server.baseUrl, '/profile');
      for (const [path, title] of [
        ['/settings/mail', 'メール送信設定'],
        ['/settings/lockout', 'アカウント停止'],
        ['/profile', 'プロフィール'],
        ['/monitoring', 'スレッド監視'],
        ['/deliveries', '配信ログ'],
      ]) {
        await suite.page.goto(`${suite.server.baseUrl}${path}`);
        await suite.page.getByRole('heading', { name: title, level: 1 }).waitFor();
        await expect.poll(() => suite.page.locator('.loading').count()).toBe(0);
        const layout = await suite.page.evaluate(() => ({
          scrollWidth: document.documentElement.scrollWidth,
          mainWidth: document.querySelector('main')!.getBoundingClientRect().width,
        }));
        expect(layout.scrollWidth, title).toBeLessThanOrEqual(375);
        expect(layout.mainWidth, title).toBeGreaterThan(340);
      }
    } finally {
      await suite.page.setViewportSize({ width: 1280, height: 900 });
    }
  });

  const tabTo = (label: string | RegExp) => tabToLabel(suite.page, label);

  it('sets the アカウント停止 policy and lifts a suspension with the keyboard alone; no serious problem with errors shown or the dialog open', async () => {
    const user = { loginId: 'kato', displayName: '加藤 花子', password: 'kato-pass-123' };
    expect((await suite.server.api.request('POST', '/api/users', user)).status).toBe(201);
    const { threshold } = (await suite.server.api.request('GET', '/api/settings/lockout')).json as { threshold: number };
    for (let attempt = 0; attempt < threshold; attempt += 1) {
      const refused = await fetch(`${suite.server.baseUrl}/api/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ loginId: user.loginId, password: 'wrong-password' }),
      });
      expect(refused.status).toBe(401);
    }
    await signIn(suite.page, suite.server.baseUrl, '/settings/lockout');
    await suite.page.getByRole('row', { name: /kato/ }).waitFor();
    await suite.page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());

    await tabTo('アカウント停止までのログイン失敗回数');
    await suite.page.keyboard.press('Control+A');
    await suite.page.keyboard.type('0');
    await tabTo('保存');
    await suite.page.keyboard.press('Enter');
    await expect.poll(() => focusedLabel(suite.page)).toBe('アカウント停止までのログイン失敗回数');
    await expectAccessible('アカウント停止, errors shown');
    await suite.page.keyboard.press('Control+A');
    await suite.page.keyboard.type('4');
    // Radio groups: Tab lands on the chosen radio, the arrow keys choose.
    await tabTo('時間を指定する');
    await suite.page.keyboard.press('ArrowDown');
    expect(await focusedLabel(suite.page)).toBe('無期限(管理者が解除するまで)');
    await tabTo('保存');
    await suite.page.keyboard.press('Enter');
    await expectText(suite.page.getByRole('status').filter({ hasText: '停止の条件を保存しました。' }), '停止の条件を保存しました。');
    expect((await suite.server.api.request('GET', '/api/settings/lockout')).json).toMatchObject({ threshold: 4, durationMinutes: null });

    await tabTo('停止解除: 加藤 花子(kato)');
    await suite.page.keyboard.press('Enter');
    await suite.page.getByRole('dialog').waitFor();
    await expectAccessible('アカウント停止, 停止解除 dialog open');
    // It opens on キャンセル, as a question that cannot be undone does; the keyboard moves to 停止解除.
    await expect.poll(() => focusedLabel(suite.page)).toBe('キャンセル');
    await tabTo('停止解除');
    await suite.page.keyboard.press('Enter');
    await expectText(suite.page.getByRole('status').filter({ hasText: '停止を解除しました' }), '加藤 花子(kato)の停止を解除しました。');
    expect(await focusedLabel(suite.page)).toBe('停止中のアカウント');
    expect((await suite.server.api.request('GET', '/api/suspensions')).json).toEqual([]);
  });

  it('sets up the own SMTP server, tests it and saves it with the keyboard alone', async () => {
    await signIn(suite.page, suite.server.baseUrl, '/settings/mail');
    await suite.page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());

    // The dev mailbox seeded the form (有効化, 127.0.0.1, なし); the keyboard points it at another server.
    // Radio groups: Tab lands on the chosen radio, the arrow keys choose.
    await tabTo('有効化');
    await tabTo('SMTPサーバアドレス');
    await suite.page.keyboard.press('Control+A');
    await suite.page.keyboard.type('127.0.0.1');
    await tabTo('ポート番号');
    await suite.page.keyboard.press('Control+A');
    await suite.page.keyboard.type(String(sink.port));
    await tabTo('なし');
    await suite.page.keyboard.press('ArrowDown');
    expect(await focusedLabel(suite.page)).toBe('STARTTLS');
    expect(await suite.page.getByRole('radio', { name: 'STARTTLS', exact: true }).isChecked()).toBe(true);
    await tabTo('送信元メールアドレス');
    await suite.page.keyboard.press('Control+A');
    await suite.page.keyboard.type('keyboard@example.jp');

    await tabTo('接続テスト');
    await suite.page.keyboard.press('Enter');
    await expectText(suite.page.locator('.check-result'), '接続テストに成功しました');

    await tabTo('アカウント停止通知メール送信先メールアドレス');
    await suite.page.keyboard.type('ops@example.jp');
    await tabTo('設定完了');
    await suite.page.keyboard.press('Enter');
    await expectText(suite.page.getByRole('status').filter({ hasText: '設定を保存しました。' }), '設定を保存しました。');

    const saved = (await suite.server.api.request('GET', '/api/settings/mail')).json as { settings: Record<string, unknown> };
    expect(saved.settings).toMatchObject({
      sendingEnabled: true,
      smtp: { host: '127.0.0.1', port: sink.port, security: 'starttls', authEnabled: false },
      senderAddress: 'keyboard@example.jp',
      suspensionRecipients: ['ops@example.jp'],
    });
  });
});
