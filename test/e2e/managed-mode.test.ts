import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type SmtpSink, startSmtpSink } from '../support/smtp-sink.js';
import { describeInBrowser, launchBrowser } from './support/browser.js';
import { expectLabelsOf } from './support/labels.js';
import { expectText, newPage, screenshot, seriousAccessibilityViolations, signIn } from './support/pages.js';
import { ADMIN_EMAIL, type ScreenServer, startScreenServer } from './support/server.js';

const RELAY_SENDER = 'relay@example.jp';

/** メール自動設定機能: the operator's relay is configured, so the page has no server fields at all. */
describeInBrowser('メール送信設定 with the managed relay', () => {
  let browser: Browser;
  let server: ScreenServer;
  let relay: SmtpSink;
  let page: Page;

  beforeAll(async () => {
    relay = await startSmtpSink({ tls: 'none' });
    server = await startScreenServer({
      TAYORI_MANAGED_SMTP_URL: `smtp://127.0.0.1:${relay.port}`,
      TAYORI_MANAGED_FROM: RELAY_SENDER,
    });
    browser = await launchBrowser();
    page = await newPage(browser);
    await signIn(page, server.baseUrl, '/settings/mail');
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await relay?.close();
  });

  it('states the mode, shows the relay sender read-only and no server field; every other label is there', async () => {
    await expectText(page.locator('.mode-line'), 'メール自動設定機能を利用中です。');
    await expectText(page.locator('.mode-line dl'), RELAY_SENDER);
    await expectLabelsOf(page, 'managed');
    expect(await page.getByRole('textbox').evaluateAll((inputs) => inputs.map((input) => (input as HTMLInputElement).value))).not.toContain(RELAY_SENDER);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'settings-managed');
  });

  it('sends the test mail through the relay and saves what the admin may set', async () => {
    await page.getByRole('button', { name: 'テストメール送信' }).click();
    await expectText(page.locator('.check-result'), `テストメールを ${ADMIN_EMAIL} に送信しました。`);
    const [mail] = await relay.waitForMessages(1);
    expect(mail.from).toBe(RELAY_SENDER);

    await page.getByRole('radio', { name: '有効化' }).check();
    await page.getByLabel('アカウント停止通知メール送信先メールアドレス', { exact: true }).fill('it@example.jp');
    await page.getByRole('button', { name: '設定完了' }).click();
    await expectText(page.getByRole('status').filter({ hasText: '設定を保存しました。' }), '設定を保存しました。');
    const saved = (await server.api.request('GET', '/api/settings/mail')).json as { settings: { sendingEnabled: boolean; suspensionRecipients: string[] } };
    expect(saved.settings).toMatchObject({ sendingEnabled: true, suspensionRecipients: ['it@example.jp'] });
  });
});
