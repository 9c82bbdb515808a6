import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../src/server/logger.js';
import { createMailApi } from '../src/server/outbox/enqueue.js';
import { OutboxWorker } from '../src/server/outbox/worker.js';
import { ADMIN_PASSWORD, type Client, createUserAndLogin, freshAppEachTest, login } from './support/app.js';
import { dialects } from './support/databases.js';
import { smtpSettingsForm } from './support/mail-settings.js';
import { type SmtpSink, startSmtpSink } from './support/smtp-sink.js';

const sessionTokenOf = (client: Client) => client.cookie.slice(client.cookie.indexOf('=') + 1);

describe.each(dialects())('logs on $name', (dialect) => {
  let log: string;
  const t = freshAppEachTest(dialect, () => {
    log = '';
    const lines = new Writable({
      write(chunk, _encoding, done) {
        log += String(chunk);
        done();
      },
    });
    return { log: createLogger('trace', lines) };
  });

  afterEach(async () => {
    await sink?.close();
  });
  let sink: SmtpSink | undefined;

  it('never contain a password, a session cookie or a CSRF token, even at trace level', async () => {
    const admin = await login(t.app);
    const failed = await t.app.inject({
      method: 'POST',
      url: '/api/session',
      payload: { loginId: 'admin', password: 'wrong-password-xyz' },
    });
    expect(failed.statusCode).toBe(401);
    const user = await createUserAndLogin(t.app, admin, { loginId: 'tanaka', password: 'first-password-11' });
    const changed = await user.request('PUT', '/api/me/password', {
      currentPassword: 'first-password-11',
      newPassword: 'changed-by-user-22',
    });
    expect(changed.statusCode).toBe(204);
    expect((await admin.request('PUT', `/api/users/${user.id}/password`, { password: 'set-by-admin-33' })).statusCode).toBe(204);

    // The capture really holds the requests, so the absences below mean something.
    expect(log).toContain('/api/me/password');
    expect(log).toContain(`/api/users/${user.id}/password`);
    for (const secret of [
      ADMIN_PASSWORD,
      'wrong-password-xyz',
      'first-password-11',
      'changed-by-user-22',
      'set-by-admin-33',
      sessionTokenOf(admin),
      sessionTokenOf(user),
      admin.csrfToken,
      user.csrfToken,
    ]) {
      expect(log).not.toContain(secret);
    }
  });

  it('never contain an SMTP password, a Gmail client secret or a service token, nor a secret of a request that failed with 500', async () => {
    sink = await startSmtpSink({ tls: 'none', auth: { user: 'mailer', password: 'smtp-pass-right-1' } });
    const admin = await login(t.app);
    const withPassword = (password: string) => smtpSettingsForm(sink!.port, { smtp: { authEnabled: true, username: 'mailer', password } });
    expect((await admin.request('PUT', '/api/settings/mail', withPassword('smtp-pass-right-1'))).statusCode).toBe(200);
    const refused = await admin.request('POST', '/api/settings/mail/test-connection', withPassword('smtp-pass-wrong-2'));
    expect(refused.json()).toMatchObject({ ok: false, code: 'smtp.auth_rejected' });
    expect((await admin.request('POST', '/api/settings/mail/test-connection', withPassword('smtp-pass-right-1'))).json()).toMatchObject({ ok: true });

    const gmail = { ...withPassword('smtp-pass-right-1'), sendingEnabled: false, server: 'gmail', gmail: { clientId: 'client.apps.googleusercontent.com', clientSecret: 'gmail-client-secret-3' } };
    expect((await admin.request('PUT', '/api/settings/mail', gmail)).statusCode).toBe(200);

    const { token } = (await admin.request('POST', '/api/mail/tokens', { name: '販売管理' })).json().token;
    const mail = await t.app.inject({
      method: 'POST',
      url: '/api/mail/messages',
      payload: { to: 'a@example.jp', subject: 'x', text: 'y' },
      headers: { authorization: `Bearer ${token}` },
    });
    expect(mail.statusCode).toBe(202);

    await t.ctx.database.close(); // every query now fails: the 5xx path
    const failed = await t.app.inject({ method: 'POST', url: '/api/session', payload: { loginId: 'admin', password: 'password-of-a-5xx-4' } });
    expect(failed.statusCode).toBe(500);

    // The capture holds the requests and the 500's error, so the absences below mean something.
    expect(log).toContain('/api/settings/mail/test-connection');
    expect(log).toContain('/api/mail/messages');
    expect(log).toContain('"msg":"request failed"');
    const plainAuth = (password: string) => Buffer.from(`\u0000mailer\u0000${password}`).toString('base64');
    for (const secret of [
      'smtp-pass-right-1',
      plainAuth('smtp-pass-right-1'),
      'smtp-pass-wrong-2',
      plainAuth('smtp-pass-wrong-2'),
      'gmail-client-secret-3',
      token,
      token.slice(4),
      'password-of-a-5xx-4',
    ]) {
      expect(log).not.toContain(secret);
    }
  });

  it('mask an SMTP password that the server quotes in its refusal, in the check, the delivery log, the health API and the log', async () => {
    const password = 'S3cr3t-quoted-pw';
    const plainAuth = Buffer.from(`\u0000mailer\u0000${password}`).toString('base64');
    sink = await startSmtpSink({
      tls: 'none',
      auth: { user: 'mailer', password: 'the-right-one' },
      // As some servers do: the refused command's argument, then the password it decoded.
      authRefusal: ({ username, password: given }) => `5.7.8 Invalid for ${username} ${given} (AUTH PLAIN ${plainAuth})`,
    });
    const admin = await login(t.app);
    const form = smtpSettingsForm(sink.port, { smtp: { authEnabled: true, username: 'mailer', password } });
    const check = (await admin.request('POST', '/api/settings/mail/test-connection', form)).json();
    expect(check).toMatchObject({ ok: false, code: 'smtp.auth_rejected' });
    // The reply is still there to read, the password in none of its forms.
    expect(check.message).toContain('535 5.7.8 Invalid for mailer ******** (AUTH PLAIN ********)');

    expect((await admin.request('PUT', '/api/settings/mail', form)).statusCode).toBe(200);
    await createMailApi(t.ctx).enqueue(t.ctx.db, { to: 'a@example.jp', subject: 'x', text: 'y' });
    const worker = new OutboxWorker(t.ctx);
    try {
      await worker.deliverDueMails();
    } finally {
      await worker.stop();
    }
    expect(sink.authAttempts.map((attempt) => attempt.password)).toContain(password);
    const deliveries = (await admin.request('GET', '/api/mail/deliveries?kind=app')).json().deliveries;
    expect(deliveries[0].lastError.reply).toContain('Invalid for mailer ********');
    const health = await admin.request('GET', '/api/health');
    expect(health.json().transport.reason.reply).toContain('Invalid for mailer ********');
    expect(log).toContain('mail transport failing');
    for (const shown of [JSON.stringify(check), JSON.stringify(deliveries), health.body, log]) {
      expect(shown).not.toContain(password);
      expect(shown).not.toContain(plainAuth);
    }
  });
});
