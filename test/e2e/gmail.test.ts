import type { Page } from 'playwright-core';
import { afterAll, expect, it } from 'vitest';
import { systemClock } from '../../src/server/clock.js';
import { type StandInGoogle, startStandInGoogle } from '../support/stand-in-google.js';
import { writeTestCaFile } from '../support/test-ca.js';
import { describeInBrowser } from './support/browser.js';
import { expectLabelsOf } from './support/labels.js';
import { expectText, isShown, screenshot, seriousAccessibilityViolations, signIn } from './support/pages.js';
import { createServiceToken, sendApplicationMail } from './support/server.js';
import { browserSuite } from './support/suite.js';

/**
 * Gmailを使用する in a real browser: the browser follows the real redirects to the stand-in
 * Google (oidc-provider made to behave like accounts.google.com, and an SMTP server that speaks
 * XOAUTH2 like smtp.gmail.com) and back to `tayori serve`. The tests follow one administrator's
 * setup in order: a refused consent, the authorisation, a revocation at Google, English, and
 * back to the own server.
 */

const ACCOUNT = 'owner@example.jp';

describeInBrowser('Gmailを使用する in the browser', () => {
  let google: StandInGoogle;
  const suite = browserSuite(async (baseUrl) => {
    google = await startStandInGoogle({ clock: systemClock, redirectUri: `${baseUrl}/oauth/google/callback` });
    google.signInAs(ACCOUNT);
    return {
      TAYORI_GOOGLE_ISSUER: google.issuer,
      TAYORI_GMAIL_SMTP_HOST: google.smtp.host,
      TAYORI_GMAIL_SMTP_PORT: String(google.smtp.port),
      TAYORI_SMTP_CA_FILE: writeTestCaFile(),
      TAYORI_OUTBOX_POLL_MS: '200',
      // Mail that waited for 再認証 goes soon after it.
      TAYORI_OUTBOX_RETRY_BASE_MS: '300',
      TAYORI_OUTBOX_RETRY_MAX_MS: '1000',
    };
  });
  afterAll(() => google?.close());

  const page = () => suite.page;
  const field = (label: string) => page().getByLabel(label, { exact: true });
  const dialog = () => page().getByRole('dialog');
  const gmailState = () => page().locator('dl.gmail-state dd');
  const outcome = () => page().getByRole('status').or(page().getByRole('alert')).filter({ hasText: /Gmailの認証|Gmail authorisation/ });
  const button = (name: string) => page().getByRole('button', { name, exact: true });

  async function expectAccessible(state: string) {
    expect(await seriousAccessibilityViolations(page()), state).toEqual([]);
  }

  /** Every script the page fetched: the English messages come only to a reader who chose English. */
  function scriptsFetched(on: Page): string[] {
    const fetched: string[] = [];
    on.on('request', (request) => void (request.resourceType() === 'script' && fetched.push(new URL(request.url()).pathname)));
    return fetched;
  }

  /** Presses the button that goes to Google and waits until the browser is back at the settings page. */
  async function throughGoogle(name: string) {
    const back = page().waitForURL((url) => url.pathname === '/settings/mail' && url.searchParams.has('gmail'));
    await button(name).click();
    await back;
    // The page states the outcome, then takes it out of the address: a reload does not state it again.
    await expect.poll(() => new URL(page().url()).search).toBe('');
    await gmailState().waitFor();
  }

  it('shows what to register at Google, and states a refused consent; the client stays locked', async () => {
    const scripts = scriptsFetched(page());
    await signIn(page(), suite.server.baseUrl);
    await page().getByRole('radio', { name: 'Gmailを使用する' }).click();
    await dialog().getByRole('button', { name: 'OK' }).click();

    const console = page().getByRole('link', { name: /Google APIs console/ });
    expect(await console.getAttribute('href')).toBe('https://console.cloud.google.com/apis/credentials');
    expect(await console.getAttribute('target')).toBe('_blank');
    expect(await field('Authorized JavaScript origins').inputValue()).toBe(suite.server.baseUrl);
    expect(await field('Authorized Redirect URIs').inputValue()).toBe(`${suite.server.baseUrl}/oauth/google/callback`);
    expect(await field('Authorized Redirect URIs').getAttribute('readonly')).not.toBeNull();
    await button('コピー (Authorized Redirect URIs)').click();
    await expectText(page().locator('.copy-outcome').nth(1), /コピーしました|コピーできませんでした/);
    await expectText(page().locator('.notice.warning').first(), '公開ステータスが「テスト」のままのプロジェクトでは、Googleが発行するリフレッシュトークンが7日で失効し');
    await expectText(gmailState(), '未認証');
    await expectLabelsOf(page(), 'gmail');
    await expectAccessible('Gmail, 未認証');

    // The API's checks, at the fields, before anything is saved.
    await button('認証情報を取得').click();
    await expectText(page().locator('.field', { has: field('Client ID') }).locator('.field-error'), '入力してください。');
    await field('Client ID').fill(google.clientId);
    await button('認証情報を取得').click();
    await expectText(page().locator('.field', { has: field('Client secret') }).locator('.field-error'), '入力してください。');
    expect((await suite.server.api.request('GET', '/api/settings/mail')).json).toMatchObject({ settings: { gmail: { locked: false, clientId: null } } });

    await field('Client secret').fill(google.clientSecret);
    google.denyNextConsent();
    await throughGoogle('認証情報を取得');
    await expectText(outcome(), 'Googleの画面で許可されなかったため、認証を中止しました。');
    await expectText(gmailState(), '未認証');
    // Locked from the moment [認証情報を取得] was pressed; to change the client, select 既定 first.
    expect(await field('Client ID').inputValue()).toBe(google.clientId);
    expect(await field('Client ID').getAttribute('readonly')).not.toBeNull();
    await expectText(page().getByRole('group', { name: 'Client secret' }), '設定済み');
    await expectText(page().locator('.notice.info').filter({ hasText: '既定のメールサーバーを使用する' }), '[Client ID]と[Client secret]を変更できません');
    await expectAccessible('Gmail, a refused consent stated');
    // A client set up wrongly at Google is told so, with Google's code, rather than to try again later.
    google.failNextConsent('invalid_scope');
    await throughGoogle('認証情報を取得');
    await expectText(outcome(), 'Googleがこの認証の要求を受け付けませんでした(Googleの応答: invalid_scope)。Google APIsコンソールで、');
    expect(scripts.filter((path) => path.includes('messages-en-'))).toEqual([]);
    expect(scripts.some((path) => path.includes('messages-ja-mail-settings__components__gmail'))).toBe(true);
  });

  it('authorises at Google: 認証済み with the account and time, the sender pre-filled; saved, a test mail arrives through Gmail', async () => {
    await signIn(page(), suite.server.baseUrl);
    // The client is saved and locked, Gmail is not saved as the server yet: the form shows it chosen.
    expect(await page().getByRole('radio', { name: 'Gmailを使用する' }).isChecked()).toBe(true);
    await expectText(page().locator('.notice.info').first(), 'まだGmailでは送信していません');

    await throughGoogle('認証情報を取得');
    await expectText(outcome(), 'Gmailの認証が完了しました。');
    await expectText(gmailState(), new RegExp(`^認証済み\\(${ACCOUNT}、\\d{4}年\\d{1,2}月\\d{1,2}日 \\d{1,2}:\\d{2} JST \\(Asia/Tokyo\\)\\)$`));
    expect(await field('送信元メールアドレス').inputValue()).toBe(ACCOUNT);
    await expectLabelsOf(page(), 'gmail');
    await expectAccessible('Gmail, 認証済み');
    await screenshot(page(), 'settings-gmail', page().locator('.subsection', { has: gmailState() }));

    // Gmail rewrites any other sender: the API refuses it, and the page says so at the field.
    await page().getByRole('radio', { name: '有効化' }).check();
    await field('送信元メールアドレス').fill('sales@example.jp');
    await button('設定完了').click();
    await expectText(page().locator('.field', { has: field('送信元メールアドレス') }).locator('.field-error'), `認証したGmailアカウントのアドレス(${ACCOUNT})にしてください`);
    await field('送信元メールアドレス').fill(ACCOUNT);
    await button('設定完了').click();
    await expectText(page().getByRole('status').filter({ hasText: '設定を保存しました。' }), '設定を保存しました。');
    await expect.poll(() => isShown(page().getByText('まだGmailでは送信していません'))).toBe(false);

    await button('接続テスト').click();
    await expectText(page().locator('.check-result'), '接続テストに成功しました');
    expect(google.messages).toHaveLength(0);
    await page().getByLabel('テストメールの送信先').fill('someone@example.jp');
    await button('テストメール送信').click();
    await expectText(page().locator('.check-result'), 'テストメールを someone@example.jp に送信しました。');
    expect(google.messages).toEqual([expect.objectContaining({ from: ACCOUNT, to: ['someone@example.jp'], user: ACCOUNT, subject: 'Tayori テストメール' })]);
  });

  it('revoked at Google: 再認証が必要 and the banner; 再認証 brings back 認証済み and the waiting mail goes', async () => {
    await google.revokeAccess(ACCOUNT);
    const token = await createServiceToken(suite.server.api, 'gmail-e2e');
    expect(await sendApplicationMail(suite.server.baseUrl, token, { to: 'customer@example.jp', subject: 'ご注文の確認', text: '本文' })).toBe(202);
    await expect
      .poll(async () => ((await suite.server.api.request('GET', '/api/health')).json as { transport: { banner: boolean } | null }).transport?.banner, { timeout: 30_000 })
      .toBe(true);

    await signIn(page(), suite.server.baseUrl);
    await expectText(gmailState(), '再認証が必要');
    await expectText(page().locator('.notice.warning').filter({ hasText: 'アクセスが取り消されたか' }), '送信するメールは送信待ちのまま保持されています');
    const banner = page().locator('section.banner.failing');
    await expectText(banner, 'メールを送信できない状態が続いています');
    await expectText(banner, 'Gmailの認証が無効になりました');
    await expectAccessible('Gmail, 再認証が必要');

    await throughGoogle('再認証');
    await expectText(outcome(), 'Gmailの認証が完了しました。');
    await expectText(gmailState(), `認証済み(${ACCOUNT}、`);
    await expect.poll(() => google.messages.filter((message) => message.subject === 'ご注文の確認').length, { timeout: 30_000 }).toBe(1);
    expect(google.messages.at(-1)).toMatchObject({ from: ACCOUNT, to: ['customer@example.jp'] });
    await page().reload();
    await gmailState().waitFor();
    expect(await isShown(banner)).toBe(false);
  });

  it('states the return from Google in English to a reader who chose English, and only then fetches English', async () => {
    expect((await suite.server.api.request('PUT', '/api/me', { locale: 'en' })).status).toBe(200);
    try {
      const scripts = scriptsFetched(page());
      await signIn(page(), suite.server.baseUrl, '/settings/mail');
      await page().goto(`${suite.server.baseUrl}/settings/mail?gmail=error&reason=state`);
      await expectText(outcome(), 'This answer from Google is not valid (expired, already used, or started elsewhere).');
      await expectText(gmailState(), `Authorised (${ACCOUNT}, `);
      await button('Authorise again').waitFor();
      expect(scripts.filter((path) => path.includes('messages-en-')).length).toBeGreaterThanOrEqual(3);
    } finally {
      await suite.server.api.request('PUT', '/api/me', { locale: 'ja' });
    }
  });

  it('choosing 既定 after Gmail says the client will be deleted, and saving deletes it', async () => {
    await signIn(page(), suite.server.baseUrl);
    await page().getByRole('radio', { name: '既定のメールサーバーを使用する' }).click();
    await expectText(dialog(), '保存済みのGmailの認証情報(Client ID、Client secret、認証したアカウント)は、[設定完了]で保存したときに削除されます。');
    await dialog().getByRole('button', { name: 'OK' }).click();
    await page().getByRole('group', { name: 'メール送信の有効化' }).getByRole('radio', { name: '無効' }).check();
    await button('設定完了').click();
    await expectText(page().getByRole('status').filter({ hasText: '設定を保存しました。' }), '設定を保存しました。');
    expect((await suite.server.api.request('GET', '/api/settings/mail')).json).toMatchObject({
      settings: { server: 'smtp', gmail: { clientId: null, clientSecretSet: false, locked: false, state: 'unauthorised', accountEmail: null } },
    });

    await page().getByRole('radio', { name: 'Gmailを使用する' }).click();
    await dialog().getByRole('button', { name: 'OK' }).click();
    await expectText(gmailState(), '未認証');
    expect(await field('Client ID').inputValue()).toBe('');
    expect(await field('Client ID').getAttribute('readonly')).toBeNull();
  });
});
