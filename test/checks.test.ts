import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Client, createTestApp, createUserAndLogin, login, type TestApp } from './support/app.js';
import { dialects, type TestDialect } from './support/databases.js';
import { closedPort, type SmtpSink, type SmtpSinkOptions, startSilentServer, startSmtpSink } from './support/smtp-sink.js';
import { writeTestCaFile } from './support/test-ca.js';

const ADMIN_EMAIL = 'admin@example.jp';
const SENDER = 'tayori@example.jp';
const quietKind = { enabled: false, normalEnd: false, abnormalEnd: false, longRunning: false, longRunningHours: 3 };

/** The screen's form with the server part given; only server, smtp and senderAddress matter to the checks. */
function form(sink: { port: number }, smtp: Record<string, unknown> = {}) {
  return {
    sendingEnabled: true,
    server: 'smtp',
    smtp: { host: '127.0.0.1', port: sink.port, security: 'none', authEnabled: false, ...smtp },
    senderAddress: SENDER,
    suspensionRecipients: '',
    monitoring: {
      intervalMinutes: 10,
      recipients: '',
      kinds: { 'data-source': quietKind, 'google-calendar-sync': quietKind, 'analytics-link': quietKind },
    },
  };
}

async function appWith(dialect: TestDialect, env: Record<string, string> = {}): Promise<TestApp> {
  return createTestApp(dialect, {
    env: {
      TAYORI_INITIAL_ADMIN_EMAIL: ADMIN_EMAIL,
      TAYORI_SMTP_CA_FILE: writeTestCaFile(),
      TAYORI_SMTP_CONNECT_TIMEOUT_MS: '2000',
      TAYORI_SMTP_GREETING_TIMEOUT_MS: '800',
      ...env,
    },
  });
}

describe.each(dialects())('connection test and test mail on $name', (dialect) => {
  let t: TestApp;
  let admin: Client;
  const sinks: SmtpSink[] = [];
  const sink = async (options: SmtpSinkOptions = { tls: 'none' }) => {
    const started = await startSmtpSink(options);
    sinks.push(started);
    return started;
  };
  const testConnection = async (body: unknown, client = admin) => client.request('POST', '/api/settings/mail/test-connection', body);
  const testMail = async (body: unknown, client = admin) => client.request('POST', '/api/settings/mail/test-mail', body);
  const testDeliveries = async () => (await admin.request('GET', '/api/mail/deliveries?kind=test')).json().deliveries;

  beforeEach(async ({ skip }) => {
    if (dialect.skip) skip('no PostgreSQL');
    t = await appWith(dialect);
    admin = await login(t.app);
  });
  afterEach(async () => {
    await Promise.all(sinks.splice(0).map((s) => s.close()));
    await t?.close();
  });

  describe('[接続テスト]', () => {
    it("walks the envelope to the admin's address and sends nothing", async () => {
      const server = await sink();
      const response = await testConnection(form(server));
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({
        ok: true,
        recipient: ADMIN_EMAIL,
        message: `接続テストに成功しました。127.0.0.1:${server.port}(なし)に接続し、送信元と宛先が受け付けられました。メールは送信していません。`,
      });
      expect(server.recipientsSeen).toEqual([ADMIN_EMAIL]);
      expect(server.messages).toEqual([]);
      expect(await testDeliveries()).toEqual([]);
    });

    it('connects to an IP address written in brackets, as in a URL', async () => {
      const server = await sink();
      const response = await testConnection(form(server, { host: '[127.0.0.1]' }));
      expect(response.json()).toMatchObject({ ok: true, message: expect.stringContaining(`127.0.0.1:${server.port}`) });
      expect(server.recipientsSeen).toEqual([ADMIN_EMAIL]);
    });

    it('uses STARTTLS and AUTH with the password typed in the form', async () => {
      const server = await sink({ tls: 'starttls', auth: { user: 'mailer', password: 'typed-secret' } });
      const response = await testConnection(
        form(server, { host: 'localhost', security: 'starttls', authEnabled: true, username: 'mailer', password: 'typed-secret' }),
      );
      expect(response.json()).toMatchObject({ ok: true });
      expect(server.authAttempts).toEqual([{ method: 'PLAIN', username: 'mailer', password: 'typed-secret', accepted: true }]);
      expect(response.body).not.toContain('typed-secret');
    });

    it('quotes a 550 to RCPT as a permanent refusal, in place with 200', async () => {
      const server = await sink();
      server.rejectRecipient(ADMIN_EMAIL, '550 5.1.1 User unknown');
      const response = await testConnection(form(server));
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({
        ok: false,
        scope: 'permanent',
        code: 'smtp.recipient_rejected',
        reply: '550 5.1.1 User unknown',
        message: 'SMTPサーバが宛先を拒否しました(サーバーの応答: 550 5.1.1 User unknown)。宛先のメールアドレスを確認してください。',
      });
    });

    it('reports a 421 at MAIL FROM as transport-wide', async () => {
      const server = await sink();
      server.failNext(1, 'mail', '421 4.3.2 Service shutting down');
      const outcome = (await testConnection(form(server))).json();
      expect(outcome).toMatchObject({ ok: false, scope: 'transport', code: 'smtp.server_closing', reply: '421 4.3.2 Service shutting down' });
      // A check sends nothing later: it says to try again, not that the mail will be resent.
      expect(outcome.message).toBe('SMTPサーバが一時的に処理できない状態です(サーバーの応答: 421 4.3.2 Service shutting down)。しばらくしてから、もう一度お試しください。');
    });

    it('answers in the admin’s language: refused connection in English', async () => {
      const english = await createUserAndLogin(t.app, admin, { loginId: 'eve', role: 'admin', locale: 'en', email: 'eve@example.jp' });
      const response = await testConnection(form({ port: await closedPort() }), english);
      expect(response.json()).toEqual({
        ok: false,
        scope: 'transport',
        code: 'smtp.refused',
        message: 'The SMTP server refused the connection. Check the SMTP server address and port, and that the server is running.',
      });
    });

    it('a server that never greets times out without blocking', async () => {
      const silent = await startSilentServer();
      try {
        const response = await testConnection(form(silent));
        expect(response.json()).toMatchObject({ ok: false, scope: 'transport', code: 'smtp.timeout_greeting' });
      } finally {
        await silent.close();
      }
    });

    it('names an untrusted certificate, and passes with [証明書を検証しない]', async () => {
      const server = await sink({ tls: 'implicit', certificate: 'untrusted' });
      expect((await testConnection(form(server, { security: 'tls' }))).json()).toMatchObject({ ok: false, code: 'smtp.certificate_untrusted' });
      const unverified = (await testConnection(form(server, { security: 'tls', skipCertificateVerification: true }))).json();
      expect(unverified).toMatchObject({ ok: true, warning: expect.stringContaining('サーバー証明書は検証していません') });
      const verified = (await testConnection(form(await sink({ tls: 'implicit' }), { security: 'tls' }))).json();
      expect(verified).toMatchObject({ ok: true });
      expect(verified.warning).toBeUndefined();
    });

    it('says to choose STARTTLS, not to check the password, when the server wants STARTTLS before AUTH', async () => {
      const server = await sink({ tls: 'starttls', auth: { user: 'mailer', password: 'right-password' }, authNeedsTls: true });
      const plain = form(server, { security: 'none', authEnabled: true, username: 'mailer', password: 'right-password' });
      const outcome = (await testConnection(plain)).json();
      expect(outcome).toMatchObject({ ok: false, scope: 'transport', code: 'smtp.starttls_required' });
      expect(outcome.message).toContain('「STARTTLS」を選択してください');
      expect(server.authAttempts).toEqual([]);
    });

    it('refuses an incomplete form with 422, listing every problem of it at once', async () => {
      const response = await testConnection({ server: 'smtp', smtp: { host: '', port: 70000 }, senderAddress: '' });
      expect(response.statusCode).toBe(422);
      expect(response.json().error.fields).toEqual([
        { path: 'smtp.port', code: 'validation.too_big', message: '65535以下の値を入力してください。' },
        { path: 'smtp.host', code: 'validation.required', message: '入力してください。' },
        { path: 'senderAddress', code: 'validation.required', message: '入力してください。' },
      ]);
    });

    it('refuses a form without server address or sender with 422', async () => {
      const response = await testConnection({ server: 'smtp', smtp: { host: '' }, senderAddress: '' });
      expect(response.statusCode).toBe(422);
      expect(response.json().error.fields).toEqual([
        { path: 'smtp.host', code: 'validation.required', message: '入力してください。' },
        { path: 'senderAddress', code: 'validation.required', message: '入力してください。' },
      ]);
    });
  });

  describe('the stored password', () => {
    it('is reused for the server it was saved for, and never sent to another one', async () => {
      const serverA = await sink({ tls: 'none', auth: { user: 'mailer', password: 'saved-secret' } });
      const serverB = await sink({ tls: 'none', auth: { user: 'mailer', password: 'saved-secret' } });
      const saved = await admin.request('PUT', '/api/settings/mail', form(serverA, { authEnabled: true, username: 'mailer', password: 'saved-secret' }));
      expect(saved.statusCode).toBe(200);

      const sameServer = await testConnection(form(serverA, { authEnabled: true, username: 'mailer' }));
      expect(sameServer.json()).toMatchObject({ ok: true });
      expect(serverA.authAttempts).toEqual([{ method: 'PLAIN', username: 'mailer', password: 'saved-secret', accepted: true }]);

      const otherServer = await testConnection(form(serverB, { authEnabled: true, username: 'mailer' }));
      expect(otherServer.statusCode).toBe(422);
      expect(otherServer.json().error.fields).toEqual([
        {
          path: 'smtp.password',
          code: 'smtp.password_reenter',
          message:
            'SMTPサーバアドレス・ポート番号・認証ユーザ名が保存時と異なるか、暗号化接続が保存時より弱い(暗号化なし、または[証明書を検証しない])ため、保存済みのパスワードは使用しません。[認証パスワード]を入力し直してください。',
        },
      ]);
      const otherUser = await testConnection(form(serverA, { authEnabled: true, username: 'someone-else' }));
      expect(otherUser.statusCode).toBe(422);
      expect(serverB.authAttempts).toEqual([]);
      expect(serverB.recipientsSeen).toEqual([]);
      expect(serverA.authAttempts).toHaveLength(1);
    });

    it('is never sent over a weaker connection than the one it was saved for', async () => {
      const server = await sink({ tls: 'starttls', auth: { user: 'mailer', password: 'saved-secret' } });
      const saved = { host: 'localhost', security: 'starttls', authEnabled: true, username: 'mailer' };
      expect((await admin.request('PUT', '/api/settings/mail', form(server, { ...saved, password: 'saved-secret' }))).statusCode).toBe(200);

      for (const weaker of [{ security: 'none' }, { skipCertificateVerification: true }]) {
        for (const check of [testConnection, testMail]) {
          const response = await check(form(server, { ...saved, ...weaker }));
          expect(response.statusCode, JSON.stringify(weaker)).toBe(422);
          expect(response.json().error.fields).toEqual([expect.objectContaining({ path: 'smtp.password', code: 'smtp.password_reenter' })]);
        }
      }
      expect(server.authAttempts).toEqual([]);
      expect(server.recipientsSeen).toEqual([]);

      expect((await testConnection(form(server, saved))).json()).toMatchObject({ ok: true });
      expect((await testConnection(form(server, { ...saved, security: 'none', password: 'saved-secret' }))).json()).toMatchObject({ ok: true });
      expect(server.authAttempts.map((attempt) => attempt.accepted)).toEqual([true, true]);
    });
  });

  describe('[テストメール送信]', () => {
    it("sends a Japanese test mail to the admin's address and logs it as kind test", async () => {
      const server = await sink({ tls: 'starttls' });
      const response = await testMail(form(server, { host: 'localhost', security: 'starttls' }));
      expect(response.json()).toEqual({ ok: true, recipient: ADMIN_EMAIL, message: `テストメールを ${ADMIN_EMAIL} に送信しました。` });

      const [mail] = server.messages;
      expect(mail.subject).toBe('Tayori テストメール');
      expect(mail.from).toBe(SENDER);
      expect(mail.to).toEqual([ADMIN_EMAIL]);
      expect(mail.text).toContain('送信方法: 既定のメールサーバー');
      expect(mail.text).toContain(`SMTPサーバ: localhost\nポート番号: ${server.port}\n暗号化接続: STARTTLS`);
      expect(mail.text).toMatch(/送信日時: \d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2} JST \(Asia\/Tokyo\)/);

      const [logged] = await testDeliveries();
      expect(logged).toMatchObject({ kind: 'test', state: 'sent', attempts: 1, subject: 'Tayori テストメール' });
      expect(mail.messageId).toBe(logged.messageId);
    });

    it('sends to the given address, in English for an English admin', async () => {
      const server = await sink();
      const english = await createUserAndLogin(t.app, admin, { loginId: 'eve', role: 'admin', locale: 'en', email: 'eve@example.jp' });
      const response = await testMail({ ...form(server), to: 'ops@例え.jp' }, english);
      expect(response.json()).toMatchObject({ ok: true, recipient: 'ops@例え.jp' });
      expect(server.messages[0].subject).toBe('Tayori test mail');
      expect(server.messages[0].text).toContain('Encryption: None');
    });

    it('logs a refused test mail as failed with the reply', async () => {
      const server = await sink();
      server.failNext(1, 'rcpt', '451 4.3.0 Greylisted, try again');
      const response = await testMail(form(server));
      expect(response.json()).toMatchObject({ ok: false, scope: 'transient', code: 'smtp.recipient_deferred', reply: '451 4.3.0 Greylisted, try again' });
      expect(response.json().message).not.toContain('再送');
      const [logged] = await testDeliveries();
      expect(logged).toMatchObject({ kind: 'test', state: 'failed', attempts: 1 });
      expect(logged.lastError.message).toBe('SMTPサーバが宛先を一時的に受け付けませんでした(サーバーの応答: 451 4.3.0 Greylisted, try again)。しばらくしてから、もう一度お試しください。');
      expect(JSON.stringify(logged)).toContain('451 4.3.0 Greylisted, try again');
      expect(server.messages).toEqual([]);
    });

    it('refuses an invalid recipient with 422', async () => {
      const server = await sink();
      const response = await testMail({ ...form(server), to: 'not an address' });
      expect(response.statusCode).toBe(422);
      expect(response.json().error.fields[0].path).toBe('to');
    });
  });
});

describe.each(dialects())('checks with special configuration on $name', (dialect) => {
  let t: TestApp | undefined;
  const sinks: SmtpSink[] = [];
  beforeEach(({ skip }) => {
    if (dialect.skip) skip('no PostgreSQL');
  });
  afterEach(async () => {
    await Promise.all(sinks.splice(0).map((s) => s.close()));
    await t?.close();
    t = undefined;
  });

  it('tests the managed relay in managed mode, whatever the form says', async () => {
    const relay = await startSmtpSink({ tls: 'none', auth: { user: 'relay-user', password: 'relay:pass' } });
    sinks.push(relay);
    t = await appWith(dialect, {
      TAYORI_MANAGED_SMTP_URL: `smtp://relay-user:relay%3Apass@127.0.0.1:${relay.port}`,
      TAYORI_MANAGED_FROM: 'noreply@relay.example.net',
    });
    const admin = await login(t.app);
    expect((await admin.request('POST', '/api/settings/mail/test-connection', {})).json()).toMatchObject({ ok: true });
    // The server fields of the form are neither shown nor read in managed mode, so not validated either.
    const ignored = { smtp: { host: 'ignored.example.jp', port: 'not a port' }, senderAddress: 'not an address' };
    expect((await admin.request('POST', '/api/settings/mail/test-connection', ignored)).json()).toMatchObject({ ok: true });
    const response = await admin.request('POST', '/api/settings/mail/test-mail', ignored);
    expect(response.json()).toMatchObject({ ok: true, recipient: ADMIN_EMAIL });
    const badRecipient = await admin.request('POST', '/api/settings/mail/test-mail', { to: 'Admin <a@b.jp>' });
    expect(badRecipient.json().error.fields).toEqual([expect.objectContaining({ path: 'to', code: 'address.display_name' })]);
    expect(relay.messages[0].from).toBe('noreply@relay.example.net');
    expect(relay.messages[0].text).toContain('送信方法: メール自動設定機能');
  });

  it('says a test mail the server took whole but never confirmed in time may have arrived, where it said it could not be sent', async () => {
    const server = await startSmtpSink({ tls: 'none' });
    sinks.push(server);
    const release = server.holdDataReplyTo(ADMIN_EMAIL);
    t = await appWith(dialect, { TAYORI_TEST_MAIL_TIMEOUT_MS: '5000' });
    const admin = await login(t.app);
    const response = await admin.request('POST', '/api/settings/mail/test-mail', form(server));
    release();
    expect(server.messages).toHaveLength(1);
    expect(response.json()).toEqual({
      ok: false,
      scope: 'transient',
      code: 'smtp.check.possibly_delivered',
      message: `テストメールを最後まで送りましたが、SMTPサーバから受け付けの応答がないまま時間切れになったか、接続が切れました。届いている可能性があるため、${ADMIN_EMAIL}の受信箱を確認してください。`,
    });
    const [logged] = (await admin.request('GET', '/api/mail/deliveries?kind=test')).json().deliveries;
    expect(logged.lastError.code).toBe('smtp.check.possibly_delivered');
  });

  // Had the greeting timeout (60 s) ended them, the answer would be smtp.timeout_greeting.
  it.for([
    {
      check: '/api/settings/mail/test-connection',
      code: 'smtp.check.timeout',
      message: '0.4秒以内に接続テストが終わりませんでした。SMTPサーバが応答していません。サーバーの状態と、ファイアウォールなどネットワークを確認してください。',
    },
    { check: '/api/settings/mail/test-mail', code: 'smtp.test_timeout', message: '0.4秒以内にテストメールを送信できませんでした。' },
  ])('gives up on $check after TAYORI_TEST_MAIL_TIMEOUT_MS, before the longer greeting timeout, in words of its own', async ({ check, code, message }) => {
    const silent = await startSilentServer();
    t = await appWith(dialect, { TAYORI_SMTP_GREETING_TIMEOUT_MS: '60000', TAYORI_TEST_MAIL_TIMEOUT_MS: '400' });
    const admin = await login(t.app);
    try {
      const response = await admin.request('POST', check, form(silent));
      expect(response.json()).toEqual({ ok: false, scope: 'transport', code, message });
    } finally {
      await silent.close();
    }
  });
});
