import { expect, it } from 'vitest';
import { freePort } from '../support/cli.js';
import { startSmtpSink } from '../support/smtp-sink.js';
import { describeInBrowser } from './support/browser.js';
import { expectText, focusedLabel, isShown, newPage, openDevMail, screenshot, signIn } from './support/pages.js';
import { createAdmin, createServiceToken, sendApplicationMail } from './support/server.js';
import { browserSuite } from './support/suite.js';

/**
 * The pages beside the mail settings, against `tayori serve` with its development mailbox on
 * (so the settings start pointing at it and every mail sent lands there).
 */

describeInBrowser('the admin pages in the browser', () => {
  const suite = browserSuite(async () => ({
    TAYORI_DEV_MAILBOX: '1',
    TAYORI_DEV_MAILBOX_PORT: String(await freePort()),
    TAYORI_OUTBOX_POLL_MS: '200',
    // A failing transport raises the banner at once and mail is retried soon, so one test sees both.
    TAYORI_TRANSPORT_ALERT_AFTER_MS: '0',
    TAYORI_OUTBOX_RETRY_BASE_MS: '300',
    TAYORI_OUTBOX_RETRY_MAX_MS: '1000',
  }));

  const menu = () => suite.page.getByRole('navigation', { name: 'メニュー' });
  const dialog = () => suite.page.getByRole('dialog');

  const sendMail = (token: string, message: Record<string, unknown>) => sendApplicationMail(suite.server.baseUrl, token, message);

  it('adds a user, who signs in to their own profile only and can switch the screen to English', async () => {
    await signIn(suite.page, suite.server.baseUrl, '/users');
    await suite.page.getByRole('button', { name: 'ユーザーを追加' }).click();
    const form = dialog();
    await form.getByLabel('ログインID').fill('tanaka taro');
    await form.getByLabel('表示名').fill('田中 太郎');
    await form.getByLabel('メールアドレス').fill('tanaka@example.jp');
    await form.getByLabel('パスワード').fill('tanaka-pass-1');
    await form.getByRole('button', { name: '保存' }).click();
    await expectText(form.locator('.field-error'), 'ログインIDは半角英数字と . _ - @ で、1〜64文字で入力してください。');
    await form.getByLabel('ログインID').fill('tanaka');
    await form.getByRole('button', { name: '保存' }).click();
    await dialog().waitFor({ state: 'detached' });
    await expectText(suite.page.getByRole('status'), 'ユーザー tanaka を追加しました。');
    const row = suite.page.getByRole('row', { name: /tanaka/ });
    await expectText(row, '田中 太郎');
    await expectText(row, '一般ユーザー');

    const user = await newPage(suite.browser);
    // The screen never asks the API for what a 一般ユーザー may not read (the admin banners, the admin pages).
    const refused: string[] = [];
    user.on('response', (response) => void (response.status() === 403 && refused.push(response.url())));
    try {
      await signIn(user, suite.server.baseUrl, '/profile', 'tanaka', 'tanaka-pass-1');
      const links = await user.getByRole('navigation', { name: 'メニュー' }).getByRole('link').allInnerTexts();
      expect(links).toEqual(['プロフィール', 'ログアウト']);
      await user.goto(`${suite.server.baseUrl}/settings/mail`);
      await user.getByRole('heading', { name: '権限がありません', level: 1 }).waitFor();
      expect(await user.getByLabel('SMTPサーバアドレス').count()).toBe(0);

      await user.goto(`${suite.server.baseUrl}/profile`);
      await user.getByLabel('表示言語').selectOption('en');
      await user.getByRole('button', { name: '保存' }).first().click();
      await user.getByRole('heading', { name: 'Profile', level: 1 }).waitFor();
      expect(await user.getByRole('navigation', { name: 'Menu' }).getByRole('link').allInnerTexts()).toEqual(['Profile', 'Sign out']);
      expect(refused).toEqual([]);
    } finally {
      await user.context().close();
    }
  });

  it('asks for the current password before changing one’s own e-mail address, next to the field, and only then', async () => {
    await createAdmin(suite.server.api, { loginId: 'profiler', displayName: '山本', password: 'profiler-pass-1' });
    const page = await newPage(suite.browser);
    try {
      await signIn(page, suite.server.baseUrl, '/profile', 'profiler', 'profiler-pass-1');
      const confirm = page.getByLabel('現在のパスワード(確認)');
      const details = page.locator('section', { has: page.getByRole('heading', { name: '登録情報' }) });
      // Changing the name alone asks for nothing.
      await page.getByLabel('表示名').fill('山本 一郎');
      expect(await isShown(confirm)).toBe(false);
      await details.getByRole('button', { name: '保存' }).click();
      await expectText(page.getByRole('status').first(), '保存しました。');

      await page.getByLabel('メールアドレス').fill('yamamoto@example.jp');
      await confirm.waitFor();
      await details.getByRole('button', { name: '保存' }).click();
      const errorOfConfirm = page.locator('.field', { has: confirm }).locator('.field-error');
      await expectText(errorOfConfirm, 'メールアドレスを変更するには、現在のパスワードを入力してください。');
      await confirm.fill('not-my-password');
      await details.getByRole('button', { name: '保存' }).click();
      await expectText(errorOfConfirm, '現在のパスワードが正しくありません。');
      await confirm.fill('profiler-pass-1');
      await details.getByRole('button', { name: '保存' }).click();
      await expectText(page.getByRole('status').first(), '保存しました。');
      await expect.poll(() => isShown(confirm)).toBe(false);
      const me = (await suite.server.api.request('GET', '/api/users')).json as { users: { loginId: string; email: string | null }[] };
      expect(me.users.find((user) => user.loginId === 'profiler')?.email).toBe('yamamoto@example.jp');
    } finally {
      await page.context().close();
    }
  });

  it('opens a new user on the organisation’s default language and time zone', async () => {
    await suite.server.api.request('PUT', '/api/organisation', { defaultLocale: 'en', timeZone: 'Europe/London' });
    try {
      await signIn(suite.page, suite.server.baseUrl, '/users');
      await suite.page.getByRole('button', { name: 'ユーザーを追加' }).click();
      await expect.poll(() => dialog().getByLabel('表示言語').inputValue()).toBe('en');
      expect(await dialog().getByLabel('タイムゾーン').inputValue()).toBe('Europe/London');
      await dialog().getByRole('button', { name: 'キャンセル' }).click();
    } finally {
      await suite.server.api.request('PUT', '/api/organisation', { defaultLocale: 'ja', timeZone: 'Asia/Tokyo' });
    }
  });

  it('edits a user, saving only what the dialog changed: a page opened before another administrator deactivated them does not bring them back', async () => {
    const leaver = await createAdmin(suite.server.api, { loginId: 'leaver', displayName: '退職 予定', password: 'leaver-pass-123' });
    await signIn(suite.page, suite.server.baseUrl, '/users');
    await suite.page.getByRole('button', { name: '編集: leaver' }).click();
    // Meanwhile, on another page, another administrator offboards the leaver.
    expect((await suite.server.api.request('PUT', `/api/users/${leaver}`, { role: 'user', active: false })).status).toBe(200);

    await dialog().getByLabel('表示名').fill('退職 済み');
    await dialog().getByRole('button', { name: '保存' }).click();
    await expectText(suite.page.getByRole('status'), 'ユーザー leaver を更新しました。');
    const after = (await suite.server.api.request('GET', '/api/users')).json as { users: { loginId: string; displayName: string; role: string; active: boolean }[] };
    expect(after.users.find((user) => user.loginId === 'leaver')).toMatchObject({ displayName: '退職 済み', role: 'user', active: false });
  });

  it('shows a new service token once, copies it, and revoking it stops it working', async () => {
    await suite.page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await signIn(suite.page, suite.server.baseUrl, '/settings/tokens');
    await suite.page.getByLabel('名前').fill('受注システム');
    await suite.page.getByRole('button', { name: 'トークンを作成' }).click();
    const shown = suite.page.getByLabel('トークン', { exact: true });
    await shown.waitFor();
    const token = await shown.inputValue();
    expect(token).toMatch(/^tyr_/);
    await expectText(suite.page.getByRole('status').first(), 'このトークンは今だけ表示されます');
    await suite.page.getByRole('button', { name: 'コピー' }).click();
    await expectText(suite.page.locator('.copy-outcome'), 'コピーしました。');
    expect(await suite.page.evaluate(() => navigator.clipboard.readText())).toBe(token);
    expect(await sendMail(token, { to: 'someone@example.jp', subject: 'トークンの確認', text: '本文' })).toBe(202);

    await suite.page.reload();
    const row = suite.page.getByRole('row', { name: /受注システム/ });
    await expectText(row, '有効');
    expect(await suite.page.content()).not.toContain(token);

    await row.getByRole('button', { name: /無効化/ }).click();
    await expectText(dialog().getByRole('heading'), 'トークン「受注システム」を無効化しますか?');
    // It cannot be undone: the dialog opens on キャンセル, so Enter pressed once more changes nothing.
    expect(await focusedLabel(suite.page)).toBe('キャンセル');
    await suite.page.keyboard.press('Enter');
    await dialog().waitFor({ state: 'detached' });
    await expectText(row, '有効');
    await row.getByRole('button', { name: /無効化/ }).click();
    await dialog().getByRole('button', { name: '無効化' }).click();
    await expectText(suite.page.getByRole('row', { name: /受注システム/ }), '無効化済み');
    expect(await sendMail(token, { to: 'someone@example.jp', subject: 'もう届かない', text: '本文' })).toBe(401);
  });

  it('shows a Japanese mail in the development mailbox, its HTML in a sandbox where no script runs', async () => {
    const token = await createServiceToken(suite.server.api, 'devmail');
    const status = await sendMail(token, {
      to: 'tanaka@example.jp',
      subject: 'ご注文ありがとうございます',
      text: '田中 太郎 様\nご注文を承りました。',
      html: '<h1 style="color:#b00">ご注文確認</h1><p>田中 太郎 様</p><script>document.body.setAttribute("data-script-ran","yes"); parent.document.title = "ran";</script>',
    });
    expect(status).toBe(202);

    await signIn(suite.page, suite.server.baseUrl, '/dev-mailbox');
    await expectText(suite.page.locator('.banner.development'), '開発用メールボックスが有効です');
    const mail = await openDevMail(suite.page, 'ご注文ありがとうございます');
    await expectText(mail.getByRole('heading', { level: 2 }), 'ご注文ありがとうございます');
    await expectText(mail.locator('pre.mail-text'), 'ご注文を承りました。');

    const frame = mail.locator('iframe.mail-html');
    expect(await frame.getAttribute('sandbox')).toBe('');
    const content = suite.page.frameLocator('iframe.mail-html');
    await expectText(content.getByRole('heading'), 'ご注文確認');
    expect(await content.locator('body').getAttribute('data-script-ran')).toBeNull();
    expect(await suite.page.title()).not.toBe('ran');
  });

  it('lists a failed mail in the delivery log with the reason in Japanese and the server reply; filters by state', async () => {
    const sink = await startSmtpSink({ tls: 'none' });
    try {
      sink.rejectRecipient('nobody@example.jp', '550 5.1.1 User unknown');
      const check = await suite.server.api.request('POST', '/api/settings/mail/test-mail', {
        server: 'smtp',
        smtp: { host: '127.0.0.1', port: sink.port, security: 'none', authEnabled: false },
        senderAddress: 'tayori@example.jp',
        to: 'nobody@example.jp',
      });
      expect(check.json).toMatchObject({ ok: false });
    } finally {
      await sink.close();
    }
    // And one that went out, through the dev mailbox the settings point at.
    const saved = (await suite.server.api.request('GET', '/api/settings/mail')).json as { settings: { smtp: { host: string; port: number }; senderAddress: string } };
    const sent = await suite.server.api.request('POST', '/api/settings/mail/test-mail', {
      server: 'smtp',
      smtp: { host: saved.settings.smtp.host, port: saved.settings.smtp.port, security: 'none', authEnabled: false },
      senderAddress: saved.settings.senderAddress,
      to: 'somebody@example.jp',
    });
    expect(sent.json).toMatchObject({ ok: true });

    await signIn(suite.page, suite.server.baseUrl, '/deliveries');
    await suite.page.getByLabel('状態').selectOption('failed');
    const row = suite.page.getByRole('row', { name: /nobody@example\.jp/ });
    await expectText(row, '送信失敗');
    await expectText(row, 'テストメール');
    await expectText(row, 'SMTPサーバが宛先を拒否しました');
    await expectText(row.locator('code'), '550 5.1.1 User unknown');
    await expectText(row, '(Asia/Tokyo)');
    expect(await suite.page.getByRole('row').count()).toBe(2); // the header and the failed mail only
    // A screen reader hears what the filter found: the table changes in silence.
    await expectText(suite.page.getByRole('status').filter({ hasText: '件を表示しています。' }), '1件を表示しています。');
    await screenshot(suite.page, 'delivery-log');

    await suite.page.getByLabel('状態').selectOption('');
    await expect.poll(() => suite.page.getByRole('row').count()).toBeGreaterThan(2);
  });

  it('shows a mail’s Cc and Bcc recipients in the delivery log beside its To', async () => {
    const token = await createServiceToken(suite.server.api, 'copies');
    expect(await sendMail(token, { to: 'tanaka@example.jp', cc: 'kacho@example.jp', bcc: 'kiroku@example.jp', subject: '写しのあるメール', text: '本文' })).toBe(202);
    expect(await sendMail(token, { to: [], cc: 'only-cc@example.jp', subject: '写しだけのメール', text: '本文' })).toBe(202);
    await signIn(suite.page, suite.server.baseUrl, '/deliveries');
    const row = suite.page.getByRole('row', { name: /写しのあるメール/ });
    await expectText(row.locator('td.addresses'), /^tanaka@example\.jp\nCc: kacho@example\.jp\nBcc: kiroku@example\.jp$/);
    // Before, a mail with no To showed no recipient at all.
    await expectText(suite.page.getByRole('row', { name: /写しだけのメール/ }).locator('td.addresses'), 'Cc: only-cc@example.jp');
  });

  it('says a waiting mail goes as soon as mail can be sent when its next attempt is already due, and gives the time when it is not', async () => {
    const token = await createServiceToken(suite.server.api, 'due');
    expect(await sendMail(token, { to: 'due@example.jp', subject: '送信待ちのメール', text: '本文' })).toBe(202);
    expect(await sendMail(token, { to: 'later@example.jp', subject: '後で送るメール', text: '本文' })).toBe(202);
    // As the log reads while the server is down: the worker, not the mail, waits, so the mail stays due.
    const due = new Date(Date.now() - 5 * 60_000).toISOString();
    const later = new Date(Date.now() + 60 * 60_000).toISOString();
    await suite.page.route('**/api/mail/deliveries?**', async (route) => {
      const answer = await route.fetch();
      const body = (await answer.json()) as { deliveries: { subject: string; state: string; finishedAt: string | null; nextAttemptAt: string | null }[] };
      for (const delivery of body.deliveries) {
        if (delivery.subject === '送信待ちのメール') Object.assign(delivery, { state: 'queued', finishedAt: null, nextAttemptAt: due });
        if (delivery.subject === '後で送るメール') Object.assign(delivery, { state: 'queued', finishedAt: null, nextAttemptAt: later });
      }
      await route.fulfill({ response: answer, json: body });
    });
    try {
      await signIn(suite.page, suite.server.baseUrl, '/deliveries');
      // Before, 「次回の送信」 gave a time minutes in the past for as long as the outage lasted.
      await expectText(suite.page.getByRole('row', { name: /送信待ちのメール/ }), '次回の送信: 送信できる状態になりしだい');
      await expectText(suite.page.getByRole('row', { name: /後で送るメール/ }), /次回の送信: .*\(Asia\/Tokyo\)/);
    } finally {
      await suite.page.unrouteAll();
    }
  });

  it('pages through the delivery log by keyboard: a second press while loading is one page, and the focus stays at the last page', async () => {
    const token = await createServiceToken(suite.server.api, 'paging');
    for (let i = 0; i < 51; i++) expect(await sendMail(token, { to: 'page@example.jp', subject: `ページ送り ${i}`, text: '本文' })).toBe(202);
    await signIn(suite.page, suite.server.baseUrl, '/deliveries');
    const next = suite.page.getByRole('button', { name: '次のページ' });
    const pager = (page: number) => suite.page.getByRole('navigation', { name: `${page}ページ目` });
    const firstRow = () => suite.page.getByRole('row').nth(1).textContent();

    // The next page's answer is held until both presses are made, so the second one meets the first page's cursor.
    let answer!: () => void;
    const answered = new Promise<void>((resolve) => (answer = resolve));
    await suite.page.route('**/api/mail/deliveries?**', async (route) => {
      await answered;
      await route.continue();
    });
    await expectText(pager(1), '次のページ');
    const pageOne = await firstRow();
    await next.focus();
    await suite.page.keyboard.press('Enter');
    await suite.page.keyboard.press('Enter');
    expect(await isShown(pager(2))).toBe(true);
    answer();
    await expect.poll(firstRow).not.toBe(pageOne);
    await suite.page.unrouteAll();

    for (let page = 2; (await next.getAttribute('aria-disabled')) !== 'true'; page++) {
      const before = await firstRow();
      await suite.page.keyboard.press('Enter');
      await expect.poll(firstRow).not.toBe(before);
      expect(await isShown(pager(page + 1))).toBe(true);
    }
    const lastPage = await suite.page.getByRole('navigation', { name: /ページ目/ }).getAttribute('aria-label');
    expect(await focusedLabel(suite.page)).toBe('次のページ');
    await suite.page.keyboard.press('Enter');
    expect(await suite.page.getByRole('navigation', { name: /ページ目/ }).getAttribute('aria-label')).toBe(lastPage);

    await suite.page.keyboard.press('Shift+Tab');
    expect(await focusedLabel(suite.page)).toBe('前のページ');
    const before = await firstRow();
    await suite.page.keyboard.press('Enter');
    await expect.poll(firstRow).not.toBe(before);
    expect(await focusedLabel(suite.page)).toBe('前のページ');
  });

  it('keeps the delivery log and the dev mailbox in view when a subject is one 990-character word', async () => {
    const token = await createServiceToken(suite.server.api, 'long subject');
    const subject = `長い件名${'x'.repeat(986)}`;
    expect(await sendMail(token, { to: 'wide@example.jp', subject, text: '本文' })).toBe(202);
    const overflow = () =>
      suite.page.evaluate(() => ({
        page: document.documentElement.scrollWidth - document.documentElement.clientWidth,
        tables: Math.max(...[...document.querySelectorAll('table')].map((table) => table.scrollWidth - table.parentElement!.clientWidth)),
      }));

    await signIn(suite.page, suite.server.baseUrl, '/deliveries');
    const row = suite.page.getByRole('row', { name: /wide@example\.jp/ });
    await expectText(row, '長い件名');
    expect(await overflow()).toEqual({ page: 0, tables: 0 });
    const state = (await row.locator('.state').boundingBox())!;
    expect(state.x + state.width).toBeLessThanOrEqual(suite.page.viewportSize()!.width);

    await menu().getByRole('link', { name: '開発用メールボックス' }).click();
    await openDevMail(suite.page, subject);
    expect(await overflow()).toEqual({ page: 0, tables: 0 });
  });

  it('records changes in the audit log, with who, when (time zone named) and a filter by action', async () => {
    await signIn(suite.page, suite.server.baseUrl, '/settings/organisation');
    await suite.page.getByLabel('組織名').fill('株式会社テスト商事');
    await suite.page.getByRole('button', { name: '保存' }).click();
    await expectText(suite.page.getByRole('status'), '保存しました。');
    await suite.page.reload();
    await expect.poll(() => suite.page.getByLabel('組織名').inputValue()).toBe('株式会社テスト商事');

    await menu().getByRole('link', { name: '監査ログ' }).click();
    // Chosen by its name: before, a box for the action's code, where 「組織設定の変更」 found nothing.
    await suite.page.getByLabel('操作').selectOption({ label: '組織設定の変更' });
    const rows = suite.page.getByRole('row').filter({ hasText: '組織設定の変更' });
    await expectText(rows.first(), 'admin');
    await expectText(rows.first(), '(Asia/Tokyo)');
    // The settings changed, by the name of their page: it read `organisation`.
    await expectText(rows.first().locator('td').nth(2), /^組織設定$/);
    // Only organisation changes are listed (other tests change the organisation too): the header is the one other row.
    await expect.poll(() => suite.page.getByRole('row').filter({ hasNotText: '組織設定の変更' }).count()).toBe(1);
    await rows.first().getByText('詳細', { exact: true }).click();
    // Each change by its field's label on the page, not as the record's JSON.
    await expectText(rows.first().locator('dl'), /組織名.*→ 株式会社テスト商事/s);
    await rows.first().getByText('記録されたデータ').click();
    await expectText(rows.first().locator('pre'), '株式会社テスト商事');
  });

  it('reads an audit entry as the settings page words it: each field by its label, amounts with their units, times in the reader’s zone', async () => {
    const policy = (await suite.server.api.request('GET', '/api/settings/lockout')).json as { threshold: number; windowMinutes: number; durationMinutes: number | null };
    expect(policy.threshold).not.toBe(2);
    expect((await suite.server.api.request('PUT', '/api/settings/lockout', { ...policy, threshold: 2, durationMinutes: null })).status).toBe(200);
    try {
      const userId = await createAdmin(suite.server.api, { loginId: 'audited', displayName: '監査 対象', password: 'audited-pass-1' });
      for (const attempt of [1, 2]) {
        const refused = await fetch(`${suite.server.baseUrl}/api/session`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ loginId: 'audited', password: `wrong-${attempt}` }),
        });
        expect(refused.status).toBe(401);
      }
      expect((await suite.server.api.request('DELETE', `/api/suspensions/${userId}`)).status).toBe(204);

      await signIn(suite.page, suite.server.baseUrl, '/audit');
      const detailsOf = async (action: string) => {
        await suite.page.getByLabel('操作').selectOption({ label: action });
        const entry = suite.page.getByRole('row').filter({ hasText: action }).first();
        await entry.getByText('詳細', { exact: true }).click();
        return entry.locator('dl');
      };
      const policyChange = await detailsOf('アカウント停止の設定の変更');
      // It read {"changes":{"threshold":{"before":5,"after":2},"durationMinutes":{"before":30,"after":null}}}.
      await expectText(policyChange, new RegExp(`アカウント停止までのログイン失敗回数\\s*${policy.threshold}回 → 2回`));
      await expectText(policyChange, /停止する時間\(分\)\s*\d+分 → 無期限\(管理者が解除するまで\)/);
      expect(await policyChange.innerText()).not.toMatch(/threshold|null/);

      // Its end is not "none": the suspension lasted until an administrator lifted it.
      const suspended = await detailsOf('アカウント停止');
      await expectText(suspended, /再開日時\s*無期限\(管理者が解除するまで\)/);

      const lifted = await detailsOf('アカウント停止の解除');
      await expectText(lifted, /停止日時\s*\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2} JST \(Asia\/Tokyo\)/);
      await expectText(lifted, /ログイン失敗回数\s*2回/);
    } finally {
      await suite.server.api.request('PUT', '/api/settings/lockout', policy);
    }
  });

  it('raises the transport banner on every admin page while mail cannot leave, and lowers it once it can', async () => {
    const health = async () => (await suite.server.api.request('GET', '/api/health')).json as { transport: { banner: boolean } | null };
    const settings = (await suite.server.api.request('GET', '/api/settings/mail')).json as {
      version: number;
      settings: { smtp: { port: number }; monitoring: object; senderAddress: string };
    };
    const mailboxPort = settings.settings.smtp.port;
    const pointAt = async (port: number) => {
      const current = (await suite.server.api.request('GET', '/api/settings/mail')).json as { version: number };
      const saved = await suite.server.api.request('PUT', '/api/settings/mail', {
        sendingEnabled: true,
        smtp: { host: '127.0.0.1', port, security: 'none', authEnabled: false },
        senderAddress: settings.settings.senderAddress,
        suspensionRecipients: '',
        monitoring: settings.settings.monitoring,
        version: current.version,
      });
      expect(saved.status).toBe(200);
    };

    await pointAt(await freePort());
    const token = await createServiceToken(suite.server.api, 'banner');
    expect(await sendMail(token, { to: 'waiting@example.jp', subject: '待機中のメール', text: '本文' })).toBe(202);
    await expect.poll(async () => (await health()).transport?.banner, { timeout: 30_000 }).toBe(true);

    await signIn(suite.page, suite.server.baseUrl, '/users');
    const banner = suite.page.locator('.banner.failing');
    await expectText(banner, 'メールを送信できない状態が続いています');
    // Raised while the page is open, it is read out: it appears inside a live region.
    expect(await banner.locator('xpath=..').getAttribute('aria-live')).toBe('polite');
    await expectText(banner, 'SMTPサーバに接続を拒否されました');
    await expectText(banner, '最後に送信に成功した日時');
    await menu().getByRole('link', { name: '配信ログ' }).click();
    await expectText(suite.page.locator('.banner.failing'), 'メールを送信できない状態が続いています');

    await pointAt(mailboxPort);
    await expect.poll(async () => (await health()).transport?.banner, { timeout: 60_000 }).toBe(false);
    await menu().getByRole('link', { name: '監査ログ' }).click();
    await suite.page.getByRole('heading', { name: '監査ログ', level: 1 }).waitFor();
    expect(await isShown(suite.page.locator('.banner.failing'))).toBe(false);
  });
});
