import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { type SmtpSink, startSmtpSink } from '../support/smtp-sink.js';
import { writeTestCaFile } from '../support/test-ca.js';
import { describeInBrowser, launchBrowser } from './support/browser.js';
import { expectLabelsOf } from './support/labels.js';
import { expectText, isShown, newPage, screenshot, signIn } from './support/pages.js';
import { ADMIN_EMAIL, type ScreenServer, startScreenServer } from './support/server.js';

/**
 * メール送信設定 in a real browser against a real `tayori serve` (fresh SQLite installation, no
 * dev mailbox, so the form starts from SPEC §1.6's initial settings) and a real SMTP server
 * that speaks STARTTLS with a certificate of the test CA and wants a password.
 */

const SMTP_USER = 'mailer';
const SMTP_PASSWORD = 'sink-password-1';

describeInBrowser('メール送信設定 in the browser', () => {
  let browser: Browser;
  let server: ScreenServer;
  let sink: SmtpSink;
  let page: Page;

  beforeAll(async () => {
    sink = await startSmtpSink({ tls: 'starttls', auth: { user: SMTP_USER, password: SMTP_PASSWORD } });
    server = await startScreenServer({ TAYORI_SMTP_CA_FILE: writeTestCaFile() });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await sink?.close();
  });
  beforeEach(async () => {
    page = await newPage(browser);
    await signIn(page, server.baseUrl);
  });
  afterEach(async () => {
    await page.context().close();
  });

  const field = (label: string) => page.getByLabel(label, { exact: true });
  const group = (name: string) => page.getByRole('group', { name, exact: true });
  const dialog = () => page.getByRole('dialog');
  const errorOf = (label: string) => page.locator('.field', { has: field(label) }).locator('.field-error');
  const save = () => page.getByRole('button', { name: '設定完了' }).click();

  async function chooseServer(name: 'Gmailを使用する' | '既定のメールサーバーを使用する') {
    await page.getByRole('radio', { name }).click();
    await dialog().getByRole('button', { name: 'OK' }).click();
    await dialog().waitFor({ state: 'detached' });
  }

  it('finds every label of SPEC §1 in the state it belongs to, as the choices change', async () => {
    await expectText(page.locator('.mode-line'), 'メール自動設定機能を利用していません。');
    expect(await group('メール送信の有効化').getByRole('radio', { name: '無効', exact: true }).isChecked()).toBe(true);
    expect(await field('ポート番号').inputValue()).toBe('587');
    expect(await page.getByRole('radio', { name: 'STARTTLS', exact: true }).isChecked()).toBe(true);
    await expectLabelsOf(page, 'smtp');

    await group('SMTP認証を有効にする').getByRole('radio', { name: 'する' }).click();
    await field('認証ユーザ名').waitFor();
    await expectLabelsOf(page, 'smtp+auth');
    await group('SMTP認証を有効にする').getByRole('radio', { name: 'しない' }).click();
    await field('認証ユーザ名').waitFor({ state: 'detached' });
    await expectLabelsOf(page, 'smtp');

    await chooseServer('Gmailを使用する');
    await field('Client ID').waitFor();
    await expectLabelsOf(page, 'gmail');
    await expectText(page.locator('dl.read-only').first(), '未認証');
    await chooseServer('既定のメールサーバーを使用する');
    await expectLabelsOf(page, 'smtp');
  });

  it("shows a kind's 長時間 threshold only while 長時間 is ticked, and warns while certificates are not verified", async () => {
    const dataSource = group('データソーススレッド処理通知設定');
    const threshold = (kind: string) => group(kind).getByLabel('長時間と判断するまでの時間');
    expect(await isShown(threshold('データソーススレッド処理通知設定'))).toBe(false);
    await dataSource.getByRole('checkbox', { name: '長時間' }).check();
    expect(await threshold('データソーススレッド処理通知設定').inputValue()).toBe('3');
    expect(await threshold('データソーススレッド処理通知設定').locator('option').allInnerTexts()).toEqual(
      Array.from({ length: 24 }, (_, index) => `${index + 1}時間`),
    );
    expect(await isShown(threshold('Googleカレンダー同期スレッド処理通知設定'))).toBe(false);
    await dataSource.getByRole('checkbox', { name: '長時間' }).uncheck();
    await threshold('データソーススレッド処理通知設定').waitFor({ state: 'detached' });
    expect(await field('監視間隔').locator('option').allInnerTexts()).toEqual(Array.from({ length: 12 }, (_, index) => `${(index + 1) * 5}分`));

    const warning = page.getByText('証明書を検証しないと、通信の盗聴やなりすましを防げません', { exact: false });
    expect(await isShown(warning)).toBe(false);
    await field('証明書を検証しない').check();
    await warning.waitFor();
    await field('証明書を検証しない').uncheck();
    await warning.waitFor({ state: 'detached' });
  });

  it('asks before changing the mail server: the popup holds the focus, Esc and キャンセル change nothing, OK switches', async () => {
    const smtpChoice = page.getByRole('radio', { name: '既定のメールサーバーを使用する' });
    const gmailChoice = page.getByRole('radio', { name: 'Gmailを使用する' });

    await gmailChoice.click();
    await dialog().waitFor();
    expect(await dialog().getAttribute('open')).not.toBeNull();
    await expectText(dialog().getByRole('heading'), 'メールサーバーの設定を変更しますか?');
    for (let press = 0; press < 5; press += 1) {
      await page.keyboard.press('Tab');
      expect(await dialog().evaluate((element) => element.contains(document.activeElement))).toBe(true);
    }
    await page.keyboard.press('Shift+Tab');
    expect(await dialog().evaluate((element) => element.contains(document.activeElement))).toBe(true);
    await page.keyboard.press('Escape');
    await dialog().waitFor({ state: 'detached' });
    expect(await smtpChoice.isChecked()).toBe(true);
    expect(await isShown(field('SMTPサーバアドレス'))).toBe(true);

    await gmailChoice.click();
    await dialog().getByRole('button', { name: 'キャンセル' }).click();
    await dialog().waitFor({ state: 'detached' });
    expect(await smtpChoice.isChecked()).toBe(true);
    expect(await gmailChoice.isChecked()).toBe(false);

    // With the keyboard: the arrow key moves to Gmail, which asks first too.
    await smtpChoice.focus();
    await page.keyboard.press('ArrowDown');
    await dialog().waitFor();
    await dialog().getByRole('button', { name: 'OK' }).click();
    await dialog().waitFor({ state: 'detached' });
    expect(await gmailChoice.isChecked()).toBe(true);
    await field('Client ID').waitFor();
  });

  it('shows each refused field with its message, focuses the first, in Japanese and then in English', async () => {
    await page.getByRole('radio', { name: '有効化' }).check();
    await field('SMTPサーバアドレス').fill('mail server!');
    await field('ポート番号').fill('70000');
    await field('アカウント停止通知メール送信先メールアドレス').fill('ops@example.jp; 情報 システム <it@example.jp>');
    await group('データソーススレッド処理通知設定').getByRole('radio', { name: '有効', exact: true }).check();
    await save();

    await expectText(errorOf('SMTPサーバアドレス'), 'ホスト名またはIPアドレスの形式が正しくありません');
    await expectText(errorOf('ポート番号'), '65535以下の値を入力してください。');
    await expectText(errorOf('アカウント停止通知メール送信先メールアドレス'), '「情報 システム <it@example.jp>」');
    await expectText(group('データソーススレッド処理通知設定').locator('.field-error').first(), '正常終了・異常終了・長時間のいずれかにチェックを付けてください');
    await expectText(errorOf('メールアドレス'), '通知先のメールアドレスを入力してください');
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-invalid'))).toBe('true');
    expect(await field('SMTPサーバアドレス').evaluate((element) => element === document.activeElement)).toBe(true);
    await expectText(page.getByRole('alert').first(), '入力内容に誤りがあります');
    await screenshot(page, 'settings-errors');

    // Fixed in the browser; what only the server checks (a sender to send with) comes back from it.
    await field('SMTPサーバアドレス').fill('127.0.0.1');
    await field('ポート番号').fill(String(sink.port));
    await field('アカウント停止通知メール送信先メールアドレス').fill('ops@example.jp');
    await group('データソーススレッド処理通知設定').getByRole('radio', { name: '無効', exact: true }).check();
    await save();
    await expectText(errorOf('送信元メールアドレス'), 'メール送信を有効化する場合は入力してください。');
    await expect.poll(() => field('送信元メールアドレス').evaluate((element) => element === document.activeElement)).toBe(true);

    const english = await server.api.request('PUT', '/api/me', { locale: 'en' });
    expect(english.status).toBe(200);
    try {
      page.once('dialog', (question) => void question.accept()); // leave the unsaved form
      await page.reload();
      await page.getByRole('heading', { name: 'Mail settings', level: 1 }).waitFor();
      await group('Enable mail sending').getByRole('radio', { name: 'Enabled' }).check();
      const host = page.getByLabel('SMTP server address', { exact: true });
      await host.fill('mail server!');
      await page.getByRole('button', { name: 'Save settings' }).click();
      await expectText(page.locator('.field', { has: host }).locator('.field-error'), 'Enter a host name or an IP address');
      await host.fill('127.0.0.1');
      await page.getByRole('button', { name: 'Save settings' }).click();
      await expectText(
        page.locator('.field', { has: page.getByLabel('Sender address', { exact: true }) }).locator('.field-error'),
        'Required when sending is enabled.',
      );
    } finally {
      await server.api.request('PUT', '/api/me', { locale: 'ja' });
    }
  });

  it('saves the own SMTP server, checks it in place, and the test mail arrives; the password stays write-only', async () => {
    await page.getByRole('radio', { name: '有効化' }).check();
    await field('SMTPサーバアドレス').fill('127.0.0.1');
    await field('ポート番号').fill(String(sink.port));
    await group('SMTP認証を有効にする').getByRole('radio', { name: 'する' }).click();
    await field('認証ユーザ名').fill(SMTP_USER);
    await field('認証パスワード').fill(SMTP_PASSWORD);
    await field('送信元メールアドレス').fill('tayori@example.jp');
    await field('アカウント停止通知メール送信先メールアドレス').fill(' ops@example.jp;; it@EXAMPLE.jp; ops@example.jp;');

    await page.getByRole('button', { name: '接続テスト' }).click();
    await expectText(page.locator('.check-result'), '接続テストに成功しました');
    expect(sink.messages).toHaveLength(0);

    await page.getByRole('button', { name: 'テストメール送信' }).click();
    await expectText(page.locator('.check-result'), `テストメールを ${ADMIN_EMAIL} に送信しました。`);
    const [mail] = await sink.waitForMessages(1);
    expect(mail.subject).toBe('Tayori テストメール');
    expect(mail.envelope.to).toEqual([ADMIN_EMAIL]);
    expect(mail.text).toContain('(Asia/Tokyo)');

    await save();
    await expectText(page.getByRole('status').filter({ hasText: '設定を保存しました。' }), '設定を保存しました。');
    expect(await field('アカウント停止通知メール送信先メールアドレス').inputValue()).toBe('ops@example.jp; it@example.jp');
    const password = page.getByRole('group', { name: '認証パスワード' });
    await expectText(password, '設定済み');
    expect(await page.locator('input[type="password"]').count()).toBe(0);
    expect(await page.content()).not.toContain(SMTP_PASSWORD);
    await screenshot(page, 'settings-own-smtp');

    // Changing where the password would go says at once that the saved one will be cleared.
    const willClear = page.getByText('保存済みのパスワードは使用されず、保存すると消去されます');
    await field('ポート番号').fill('2525');
    await willClear.waitFor();
    await field('ポート番号').fill(String(sink.port));
    await willClear.waitFor({ state: 'detached' });
    await page.getByRole('radio', { name: /^なし/ }).check();
    await willClear.waitFor();
    await page.getByRole('radio', { name: /^STARTTLS/ }).check();
    await willClear.waitFor({ state: 'detached' });

    // 変更 opens an empty box with the focus; a wrong password is refused by the server, quoted in place.
    await password.getByRole('button', { name: '変更' }).click();
    await expect.poll(() => field('認証パスワード').evaluate((element) => element === document.activeElement)).toBe(true);
    expect(await field('認証パスワード').inputValue()).toBe('');
    await field('認証パスワード').fill('not-the-password');
    await page.getByRole('button', { name: '接続テスト' }).click();
    await expectText(page.locator('.check-result'), 'SMTPサーバに認証を拒否されました');
    await expectText(page.locator('.check-result code'), /^535/);
    await page.getByRole('button', { name: '変更をやめる' }).click();
    await expectText(page.getByRole('group', { name: '認証パスワード' }), '設定済み');

    // The saved password is used as long as nothing changed.
    await page.getByRole('button', { name: '接続テスト' }).click();
    await expectText(page.locator('.check-result'), '接続テストに成功しました');
  });

  it('opens on a warm server within a second or so (measured, not asserted)', async () => {
    const started = Date.now();
    await page.goto(`${server.baseUrl}/settings/mail`);
    await page.getByRole('button', { name: '設定完了' }).waitFor();
    await field('アカウント停止通知メール送信先メールアドレス').waitFor();
    console.log(`settings_form_visible_ms ${Date.now() - started}`);
  });

  it('explains a save over a newer one (409) and loads the latest settings on request', async () => {
    await field('アカウント停止通知メール送信先メールアドレス').fill('mine@example.jp');
    const current = (await server.api.request('GET', '/api/settings/mail')).json as { version: number; settings: { sendingEnabled: boolean; monitoring: object } };
    const theirs = await server.api.request('PUT', '/api/settings/mail', {
      sendingEnabled: current.settings.sendingEnabled,
      suspensionRecipients: 'theirs@example.jp',
      monitoring: current.settings.monitoring,
      version: current.version,
    });
    expect(theirs.status).toBe(200);

    await save();
    await expectText(page.getByRole('alert').filter({ hasText: '他の管理者' }), 'あなたの変更は保存されていません');
    expect(await field('アカウント停止通知メール送信先メールアドレス').inputValue()).toBe('mine@example.jp');
    await page.getByRole('button', { name: /最新の設定を読み込む/ }).click();
    await expect.poll(() => field('アカウント停止通知メール送信先メールアドレス').inputValue()).toBe('theirs@example.jp');
  });

  it('asks before leaving with unsaved changes; キャンセル keeps them, leaving discards them', async () => {
    await field('アカウント停止通知メール送信先メールアドレス').fill('unsaved@example.jp');
    await page.getByRole('navigation', { name: 'メニュー' }).getByRole('link', { name: '配信ログ' }).click();
    await expectText(dialog().getByRole('heading'), '保存されていない変更があります');
    await dialog().getByRole('button', { name: 'キャンセル' }).click();
    expect(new URL(page.url()).pathname).toBe('/settings/mail');
    expect(await field('アカウント停止通知メール送信先メールアドレス').inputValue()).toBe('unsaved@example.jp');

    // Reloading asks through the browser's own question; staying keeps the typing.
    const asked: string[] = [];
    page.once('dialog', (question) => {
      asked.push(question.type());
      void question.dismiss();
    });
    await page.reload({ timeout: 2_000 }).catch(() => {});
    expect(asked).toEqual(['beforeunload']);
    expect(await field('アカウント停止通知メール送信先メールアドレス').inputValue()).toBe('unsaved@example.jp');

    await page.getByRole('navigation', { name: 'メニュー' }).getByRole('link', { name: '配信ログ' }).click();
    await dialog().getByRole('button', { name: 'このページを離れる' }).click();
    await page.getByRole('heading', { name: '配信ログ', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/deliveries');
  });
});
