import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { type SmtpSink, startSmtpSink } from '../support/smtp-sink.js';
import { describeInBrowser } from './support/browser.js';
import { expectLabelsOf } from './support/labels.js';
import { expectText, screenshot, seriousAccessibilityViolations, signIn } from './support/pages.js';
import { ADMIN_EMAIL } from './support/server.js';
import { browserSuite } from './support/suite.js';

const RELAY_SENDER = 'relay@example.jp';

/** メール自動設定機能: the operator's relay is configured, so the page has no server fields at all. */
describeInBrowser('メール送信設定 with the managed relay', () => {
  let relay: SmtpSink;
  beforeAll(async () => {
    relay = await startSmtpSink({ tls: 'none' });
  });
  afterAll(() => relay?.close());
  const suite = browserSuite(() => ({
    TAYORI_MANAGED_SMTP_URL: `smtp://127.0.0.1:${relay.port}`,
    TAYORI_MANAGED_FROM: RELAY_SENDER,
  }));
  beforeEach(() => signIn(suite.page, suite.server.baseUrl, '/settings/mail'));

  it('states the mode, shows the relay sender read-only and no server field; every other label is there', async () => {
    await expectText(suite.page.locator('.mode-line'), 'メール自動設定機能を利用中です。');
    await expectText(suite.page.locator('.mode-line dl'), RELAY_SENDER);
    await expectLabelsOf(suite.page, 'managed');
    // Every part of the page is reached by heading: sending on or off and the suspension mail's recipients were not.
    expect(await suite.page.getByRole('heading', { level: 2 }).allTextContents()).toEqual(['メール自動設定機能', 'メール送信', '送信テスト', 'アカウント停止メール', 'バックグラウンド処理通知設定']);
    expect(await suite.page.getByRole('textbox').evaluateAll((inputs) => inputs.map((input) => (input as HTMLInputElement).value))).not.toContain(RELAY_SENDER);
    expect(await seriousAccessibilityViolations(suite.page)).toEqual([]);
    await screenshot(suite.page, 'settings-managed');
  });

  it('fits a 375-pixel-wide window: the relay sender’s line does not push the page sideways', async () => {
    await suite.page.setViewportSize({ width: 375, height: 800 });
    try {
      await expectText(suite.page.locator('.mode-line dl'), RELAY_SENDER);
      // Before, the label and the address side by side made the page 110 pixels too wide.
      expect(await suite.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    } finally {
      await suite.page.setViewportSize({ width: 1280, height: 900 });
    }
  });

  it('sends the test mail through the relay and saves what the admin may set', async () => {
    await suite.page.getByRole('button', { name: 'テストメール送信' }).click();
    await expectText(suite.page.locator('.check-result'), `テストメールを ${ADMIN_EMAIL} に送信しました。`);
    const [mail] = await relay.waitForMessages(1);
    expect(mail.from).toBe(RELAY_SENDER);

    await suite.page.getByRole('radio', { name: '有効化' }).check();
    await suite.page.getByLabel('アカウント停止通知メール送信先メールアドレス', { exact: true }).fill('it@example.jp');
    await suite.page.getByRole('button', { name: '設定完了' }).click();
    await expectText(suite.page.getByRole('status').filter({ hasText: '設定を保存しました。' }), '設定を保存しました。');
    const saved = (await suite.server.api.request('GET', '/api/settings/mail')).json as { settings: { sendingEnabled: boolean; suspensionRecipients: string[] } };
    expect(saved.settings).toMatchObject({ sendingEnabled: true, suspensionRecipients: ['it@example.jp'] });
  });
});
