import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { type SmtpSink, startSmtpSink } from '../support/smtp-sink.js';
import { writeTestCaFile } from '../support/test-ca.js';
import { describeInBrowser } from './support/browser.js';
import { expectLabelsOf } from './support/labels.js';
import { expectText, focusedLabel, isShown, screenshot, signIn } from './support/pages.js';
import { ADMIN_EMAIL, ADMIN_PASSWORD } from './support/server.js';
import { browserSuite } from './support/suite.js';

/**
 * メール送信設定 in a real browser against a real `tayori serve` (fresh SQLite installation, no
 * dev mailbox, so the form starts from SPEC §1.6's initial settings) and a real SMTP server
 * that speaks STARTTLS with a certificate of the test CA and wants a password.
 */

const SMTP_USER = 'mailer';
const SMTP_PASSWORD = 'sink-password-1';

describeInBrowser('メール送信設定 in the browser', () => {
  let sink: SmtpSink;
  beforeAll(async () => {
    sink = await startSmtpSink({ tls: 'starttls', auth: { user: SMTP_USER, password: SMTP_PASSWORD } });
  });
  afterAll(() => sink?.close());
  const suite = browserSuite(() => ({ TAYORI_SMTP_CA_FILE: writeTestCaFile() }));
  beforeEach(() => signIn(suite.page, suite.server.baseUrl));

  const field = (label: string) => suite.page.getByLabel(label, { exact: true });
  const group = (name: string) => suite.page.getByRole('group', { name, exact: true });
  const dialog = () => suite.page.getByRole('dialog');
  const errorOf = (label: string) => suite.page.locator('.field', { has: field(label) }).locator('.field-error');
  const save = () => suite.page.getByRole('button', { name: '設定完了' }).click();

  async function chooseServer(name: 'Gmailを使用する' | '既定のメールサーバーを使用する') {
    await suite.page.getByRole('radio', { name }).click();
    await dialog().getByRole('button', { name: 'OK' }).click();
    await dialog().waitFor({ state: 'detached' });
  }

  it('finds every label of SPEC §1 in the state it belongs to, as the choices change', async () => {
    await expectText(suite.page.locator('.mode-line'), 'メール自動設定機能を利用していません。');
    expect(await group('メール送信の有効化').getByRole('radio', { name: '無効', exact: true }).isChecked()).toBe(true);
    expect(await field('ポート番号').inputValue()).toBe('587');
    expect(await suite.page.getByRole('radio', { name: 'STARTTLS', exact: true }).isChecked()).toBe(true);
    await expectLabelsOf(suite.page, 'smtp');

    await group('SMTP認証を有効にする').getByRole('radio', { name: 'する' }).click();
    await field('認証ユーザ名').waitFor();
    await expectLabelsOf(suite.page, 'smtp+auth');
    await group('SMTP認証を有効にする').getByRole('radio', { name: 'しない' }).click();
    await field('認証ユーザ名').waitFor({ state: 'detached' });
    await expectLabelsOf(suite.page, 'smtp');

    await chooseServer('Gmailを使用する');
    await field('Client ID').waitFor();
    await expectLabelsOf(suite.page, 'gmail');
    await expectText(suite.page.locator('dl.read-only').first(), '未認証');
    await chooseServer('既定のメールサーバーを使用する');
    await expectLabelsOf(suite.page, 'smtp');
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

    const warning = suite.page.getByText('証明書を検証しないと、通信の盗聴やなりすましを防げません', { exact: false });
    expect(await isShown(warning)).toBe(false);
    await field('証明書を検証しない').check();
    await warning.waitFor();
    await field('証明書を検証しない').uncheck();
    await warning.waitFor({ state: 'detached' });
  });

  it('asks before changing the mail server: the popup holds the focus, Esc and キャンセル change nothing, OK switches', async () => {
    const smtpChoice = suite.page.getByRole('radio', { name: '既定のメールサーバーを使用する' });
    const gmailChoice = suite.page.getByRole('radio', { name: 'Gmailを使用する' });

    await gmailChoice.click();
    await dialog().waitFor();
    expect(await dialog().getAttribute('open')).not.toBeNull();
    await expectText(dialog().getByRole('heading'), 'メールサーバーの設定を変更しますか?');
    for (let press = 0; press < 5; press += 1) {
      await suite.page.keyboard.press('Tab');
      expect(await dialog().evaluate((element) => element.contains(document.activeElement))).toBe(true);
    }
    await suite.page.keyboard.press('Shift+Tab');
    expect(await dialog().evaluate((element) => element.contains(document.activeElement))).toBe(true);
    await suite.page.keyboard.press('Escape');
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
    await suite.page.keyboard.press('ArrowDown');
    await dialog().waitFor();
    await dialog().getByRole('button', { name: 'OK' }).click();
    await dialog().waitFor({ state: 'detached' });
    expect(await gmailChoice.isChecked()).toBe(true);
    await field('Client ID').waitFor();
  });

  it('shows each refused field with its message, focuses the first, in Japanese and then in English', async () => {
    await suite.page.getByRole('radio', { name: '有効化' }).check();
    await field('SMTPサーバアドレス').fill('mail server!');
    await field('ポート番号').fill('70000');
    await field('アカウント停止通知メール送信先メールアドレス').fill('ops@example.jp; 情報 システム <it@example.jp>; sales@localhost');
    await group('データソーススレッド処理通知設定').getByRole('radio', { name: '有効', exact: true }).check();
    await save();

    await expectText(errorOf('SMTPサーバアドレス'), 'ホスト名またはIPアドレスの形式が正しくありません');
    await expectText(errorOf('ポート番号'), '65535以下の値を入力してください。');
    // Each bad item named, one a line.
    await expectText(errorOf('アカウント停止通知メール送信先メールアドレス'), /「情報 システム <it@example\.jp>」.*\n.*「sales@localhost」: @より後ろのドメイン名が正しくありません/);
    await expectText(group('データソーススレッド処理通知設定').locator('.field-error').first(), '正常終了・異常終了・長時間のいずれかにチェックを付けてください');
    // A screen reader on the choice hears it refused, as on a text field (the group names why).
    expect(await group('データソーススレッド処理通知設定').getByRole('radio', { name: '有効', exact: true }).getAttribute('aria-invalid')).toBe('true');
    await expectText(errorOf('メールアドレス'), '通知先のメールアドレスを入力してください');
    // What only the server can check (a sender to send with) is in the same list, not a second round.
    await expectText(errorOf('送信元メールアドレス'), 'メール送信を有効化する場合は入力してください。');
    await expect.poll(() => suite.page.evaluate(() => document.activeElement?.getAttribute('aria-invalid'))).toBe('true');
    expect(await field('SMTPサーバアドレス').evaluate((element) => element === document.activeElement)).toBe(true);
    await expectText(suite.page.getByRole('alert').first(), '入力内容に誤りがあります');
    await screenshot(suite.page, 'settings-errors', suite.page.locator('section.form-section', { has: group('メールサーバーの設定') }));

    // The rest put right, the sender is still asked for.
    await field('SMTPサーバアドレス').fill('127.0.0.1');
    await field('ポート番号').fill(String(sink.port));
    await field('アカウント停止通知メール送信先メールアドレス').fill('ops@example.jp');
    await group('データソーススレッド処理通知設定').getByRole('radio', { name: '無効', exact: true }).check();
    await save();
    await expectText(errorOf('送信元メールアドレス'), 'メール送信を有効化する場合は入力してください。');
    await expect.poll(() => field('送信元メールアドレス').evaluate((element) => element === document.activeElement)).toBe(true);

    const english = await suite.server.api.request('PUT', '/api/me', { locale: 'en' });
    expect(english.status).toBe(200);
    try {
      suite.page.once('dialog', (question) => void question.accept()); // leave the unsaved form
      await suite.page.reload();
      await suite.page.getByRole('heading', { name: 'Mail settings', level: 1 }).waitFor();
      await group('Enable mail sending').getByRole('radio', { name: 'Enabled' }).check();
      const host = suite.page.getByLabel('SMTP server address', { exact: true });
      await host.fill('mail server!');
      await suite.page.getByRole('button', { name: 'Save settings' }).click();
      await expectText(suite.page.locator('.field', { has: host }).locator('.field-error'), 'Enter a host name or an IP address');
      await expectText(
        suite.page.locator('.field', { has: suite.page.getByLabel('Sender address', { exact: true }) }).locator('.field-error'),
        'Required when sending is enabled.',
      );
    } finally {
      await suite.server.api.request('PUT', '/api/me', { locale: 'ja' });
    }
  });

  it('saves the own SMTP server, checks it in place, and the test mail arrives; the password stays write-only', async () => {
    await suite.page.getByRole('radio', { name: '有効化' }).check();
    await field('SMTPサーバアドレス').fill('127.0.0.1');
    await field('ポート番号').fill(String(sink.port));
    await group('SMTP認証を有効にする').getByRole('radio', { name: 'する' }).click();
    await field('認証ユーザ名').fill(SMTP_USER);
    await field('認証パスワード').fill(SMTP_PASSWORD);
    await field('送信元メールアドレス').fill('tayori@example.jp');
    await field('アカウント停止通知メール送信先メールアドレス').fill(' ops@example.jp;; it@EXAMPLE.jp; ops@example.jp;');

    // By keyboard: the focus stays on the button while the check runs and after (it fell to the top of the page).
    await suite.page.getByRole('button', { name: '接続テスト' }).focus();
    await suite.page.keyboard.press('Enter');
    await expectText(suite.page.locator('.check-result'), '接続テストに成功しました');
    expect(await focusedLabel(suite.page)).toBe('接続テスト');
    expect(sink.messages).toHaveLength(0);

    await suite.page.getByRole('button', { name: 'テストメール送信' }).focus();
    await suite.page.keyboard.press('Enter');
    await expectText(suite.page.locator('.check-result'), `テストメールを ${ADMIN_EMAIL} に送信しました。`);
    expect(await focusedLabel(suite.page)).toBe('テストメール送信');
    const [mail] = await sink.waitForMessages(1);
    expect(mail.subject).toBe('Tayori テストメール');
    expect(mail.envelope.to).toEqual([ADMIN_EMAIL]);
    expect(mail.text).toContain('(Asia/Tokyo)');

    await save();
    await expectText(suite.page.getByRole('status').filter({ hasText: '設定を保存しました。' }), '設定を保存しました。');
    // The focus stays where the reader pressed: before, the form was made anew and the focus fell to the top of the page.
    await expect.poll(() => focusedLabel(suite.page)).toBe('設定完了');
    expect(await field('アカウント停止通知メール送信先メールアドレス').inputValue()).toBe('ops@example.jp; it@example.jp');
    const password = suite.page.getByRole('group', { name: '認証パスワード' });
    await expectText(password, '設定済み');
    expect(await suite.page.locator('input[type="password"]').count()).toBe(0);
    expect(await suite.page.content()).not.toContain(SMTP_PASSWORD);
    await screenshot(suite.page, 'settings-own-smtp', suite.page.locator('section.form-section', { has: group('メールサーバーの設定') }));

    // Changing where the password would go says at once that the saved one will be cleared.
    const willClear = suite.page.getByText('保存済みのパスワードは使用されず、保存すると消去されます');
    await field('ポート番号').fill('2525');
    await willClear.waitFor();
    await field('ポート番号').fill(String(sink.port));
    await willClear.waitFor({ state: 'detached' });
    await suite.page.getByRole('radio', { name: /^なし/ }).check();
    await willClear.waitFor();
    await suite.page.getByRole('radio', { name: /^STARTTLS/ }).check();
    await willClear.waitFor({ state: 'detached' });

    // 変更 opens an empty box with the focus; a wrong password is refused by the server, quoted in place.
    await password.getByRole('button', { name: '変更' }).click();
    await expect.poll(() => field('認証パスワード').evaluate((element) => element === document.activeElement)).toBe(true);
    expect(await field('認証パスワード').inputValue()).toBe('');
    await field('認証パスワード').fill('not-the-password');
    await suite.page.getByRole('button', { name: '接続テスト' }).click();
    await expectText(suite.page.locator('.check-result'), 'SMTPサーバに認証を拒否されました');
    await expectText(suite.page.locator('.check-result code'), /^535/);
    await suite.page.getByRole('button', { name: '変更をやめる' }).click();
    await expectText(suite.page.getByRole('group', { name: '認証パスワード' }), '設定済み');

    // The saved password is used as long as nothing changed.
    await suite.page.getByRole('button', { name: '接続テスト' }).click();
    await expectText(suite.page.locator('.check-result'), '接続テストに成功しました');
  });

  it('says a check passed without verifying the certificate, reads full-width port digits, and confirms a save that changed nothing', async () => {
    await suite.page.getByRole('radio', { name: '有効化' }).check();
    await field('SMTPサーバアドレス').fill('127.0.0.1');
    await field('ポート番号').fill(String(sink.port).replace(/\d/g, (digit) => String.fromCharCode(0xff10 + Number(digit))));
    await group('SMTP認証を有効にする').getByRole('radio', { name: 'する' }).click();
    await field('認証ユーザ名').fill(SMTP_USER);
    // Not verifying the certificate weakens the connection: a saved password is not reused, so it is typed.
    const change = suite.page.getByRole('group', { name: '認証パスワード' }).getByRole('button', { name: '変更', exact: true });
    if ((await change.count()) > 0) await change.click();
    await suite.page.locator('input[type="password"]').fill(SMTP_PASSWORD);
    await field('送信元メールアドレス').fill('tayori@example.jp');
    await field('証明書を検証しない').check();
    await suite.page.getByRole('button', { name: '接続テスト' }).click();
    await expectText(suite.page.locator('.check-result'), '接続テストに成功しました');
    await expectText(suite.page.locator('.check-result'), 'サーバー証明書は検証していません');
    await field('証明書を検証しない').uncheck();

    await field('アカウント停止通知メール送信先メールアドレス').fill('ops@example.jp');
    await save();
    await expectText(suite.page.getByRole('status').filter({ hasText: '設定を保存しました。' }), '設定を保存しました。');
    const saved = (await suite.server.api.request('GET', '/api/settings/mail')).json as { version: number; settings: { smtp: { port: number } } };
    expect(saved.settings.smtp.port).toBe(sink.port);

    // Typing that the API reads as what is saved: the same confirmation, the saved value shown, nothing left unsaved.
    await field('アカウント停止通知メール送信先メールアドレス').fill(' ops@EXAMPLE.jp; ');
    await save();
    await expect.poll(() => field('アカウント停止通知メール送信先メールアドレス').inputValue()).toBe('ops@example.jp');
    await expectText(suite.page.getByRole('status').filter({ hasText: '設定を保存しました。' }), '設定を保存しました。');
    expect(((await suite.server.api.request('GET', '/api/settings/mail')).json as { version: number }).version).toBe(saved.version);
    await suite.page.getByRole('navigation', { name: 'メニュー' }).getByRole('link', { name: '配信ログ' }).click();
    await expect.poll(() => new URL(suite.page.url()).pathname).toBe('/deliveries');
  });

  it('opens on a warm server within a second or so (measured, not asserted)', async () => {
    const started = Date.now();
    await suite.page.goto(`${suite.server.baseUrl}/settings/mail`);
    await suite.page.getByRole('button', { name: '設定完了' }).waitFor();
    await field('アカウント停止通知メール送信先メールアドレス').waitFor();
    console.log(`settings_form_visible_ms ${Date.now() - started}`);
  });

  it('explains a save over a newer one (409) and loads the latest settings on request', async () => {
    await field('アカウント停止通知メール送信先メールアドレス').fill('mine@example.jp');
    const current = (await suite.server.api.request('GET', '/api/settings/mail')).json as { version: number; settings: { sendingEnabled: boolean; monitoring: object } };
    const theirs = await suite.server.api.request('PUT', '/api/settings/mail', {
      sendingEnabled: current.settings.sendingEnabled,
      suspensionRecipients: 'theirs@example.jp',
      monitoring: current.settings.monitoring,
      version: current.version,
    });
    expect(theirs.status).toBe(200);

    await save();
    await expectText(suite.page.getByRole('alert').filter({ hasText: '他の管理者' }), 'あなたの変更は保存されていません');
    expect(await field('アカウント停止通知メール送信先メールアドレス').inputValue()).toBe('mine@example.jp');
    await suite.page.getByRole('button', { name: /最新の設定を読み込む/ }).click();
    await expect.poll(() => field('アカウント停止通知メール送信先メールアドレス').inputValue()).toBe('theirs@example.jp');
  });

  it('asks before leaving with unsaved changes; キャンセル keeps them, leaving discards them', async () => {
    await field('アカウント停止通知メール送信先メールアドレス').fill('unsaved@example.jp');
    await suite.page.getByRole('navigation', { name: 'メニュー' }).getByRole('link', { name: '配信ログ' }).click();
    await expectText(dialog().getByRole('heading'), '保存されていない変更があります');
    await dialog().getByRole('button', { name: 'キャンセル' }).click();
    expect(new URL(suite.page.url()).pathname).toBe('/settings/mail');
    expect(await field('アカウント停止通知メール送信先メールアドレス').inputValue()).toBe('unsaved@example.jp');

    // Reloading asks through the browser's own question; staying keeps the typing.
    const asked: string[] = [];
    suite.page.once('dialog', (question) => {
      asked.push(question.type());
      void question.dismiss();
    });
    await suite.page.reload({ timeout: 2_000 }).catch(() => {});
    expect(asked).toEqual(['beforeunload']);
    expect(await field('アカウント停止通知メール送信先メールアドレス').inputValue()).toBe('unsaved@example.jp');

    await suite.page.getByRole('navigation', { name: 'メニュー' }).getByRole('link', { name: '配信ログ' }).click();
    await dialog().getByRole('button', { name: 'このページを離れる' }).click();
    await suite.page.getByRole('heading', { name: '配信ログ', level: 1 }).waitFor();
    expect(new URL(suite.page.url()).pathname).toBe('/deliveries');
  });

  it('keeps unsaved typing when the session ends: the same user signs in again over the page and saves it', async () => {
    await field('アカウント停止通知メール送信先メールアドレス').fill('kept@example.jp');
    await suite.page.context().clearCookies(); // the session ended (idle limit, signed out in another tab)
    await save();
    await expectText(dialog().getByRole('heading'), 'ログインの有効期限が切れました');
    await expectText(dialog(), '入力した内容はそのまま残っています');
    expect(new URL(suite.page.url()).pathname).toBe('/settings/mail');

    await dialog().getByLabel('パスワード', { exact: true }).fill('not-the-password');
    await dialog().getByRole('button', { name: 'ログイン', exact: true }).click();
    await expectText(dialog().getByRole('alert'), 'ログインIDまたはパスワードが正しくありません');
    await dialog().getByLabel('パスワード', { exact: true }).fill(ADMIN_PASSWORD);
    await dialog().getByRole('button', { name: 'ログイン', exact: true }).click();
    await dialog().waitFor({ state: 'detached' });
    expect(await field('アカウント停止通知メール送信先メールアドレス').inputValue()).toBe('kept@example.jp');

    await save();
    await expectText(suite.page.getByRole('status').filter({ hasText: '設定を保存しました。' }), '設定を保存しました。');
    const saved = (await suite.server.api.request('GET', '/api/settings/mail')).json as { settings: { suspensionRecipients: string[] } };
    expect(saved.settings.suspensionRecipients).toEqual(['kept@example.jp']);

    // Giving up leads to the sign-in page, as a session that ends on a page without changes does.
    await field('アカウント停止通知メール送信先メールアドレス').fill('given-up@example.jp');
    await suite.page.context().clearCookies();
    await save();
    await dialog().getByRole('button', { name: '入力した内容を破棄してログイン画面へ' }).click();
    await suite.page.waitForURL((url) => url.pathname === '/login');
  });
});
