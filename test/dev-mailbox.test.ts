import nodemailer from 'nodemailer';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startDevMailbox } from '../src/server/dev-mailbox/dev-mailbox.server.js';
import type { BackgroundService } from '../src/server/main.js';
import { type Client, createTestApp, login, type TestApp } from './support/app.js';
import { dialects } from './support/databases.js';

const BANNER = '開発用メールボックスです。本番環境では使用しないでください。';

describe.each(dialects())('開発用メールボックス on $name', (dialect) => {
  let t: TestApp;
  let admin: Client;
  let mailbox: BackgroundService | null;

  beforeEach(async ({ skip }) => {
    if (dialect.skip) skip('no PostgreSQL');
    t = await createTestApp(dialect, {
      env: { TAYORI_DEV_MAILBOX: '1', TAYORI_DEV_MAILBOX_PORT: '0', TAYORI_INITIAL_ADMIN_EMAIL: 'admin@example.jp' },
    });
    mailbox = await startDevMailbox(t.ctx);
    admin = await login(t.app);
  });
  afterEach(async () => {
    await mailbox?.stop();
    await t?.close();
  });

  /** The port the mailbox took, as seeded into the settings on first start. */
  async function seededSettings() {
    return (await admin.request('GET', '/api/settings/mail')).json().settings;
  }

  async function sendThroughMailbox(mail: Record<string, unknown>) {
    const { smtp } = await seededSettings();
    const transport = nodemailer.createTransport({ host: smtp.host, port: smtp.port, secure: false, ignoreTLS: true });
    try {
      return await transport.sendMail({ from: 'app@example.jp', ...mail });
    } finally {
      transport.close();
    }
  }

  it('seeds the settings on first start: 127.0.0.1 at its port, なし, no auth, sending on', async () => {
    const settings = await seededSettings();
    expect(settings.sendingEnabled).toBe(true);
    expect(settings.smtp).toMatchObject({ host: '127.0.0.1', security: 'none', authEnabled: false });
    expect(settings.smtp.port).toBeGreaterThan(0);
  });

  it('keeps what it receives: listed newest first, read with headers, text and HTML', async () => {
    await sendThroughMailbox({ to: 'first@example.jp', subject: '一通目', text: '最初のメール' });
    await sendThroughMailbox({
      to: 'taro@example.jp',
      bcc: 'hidden@example.jp',
      subject: '【Tayori】テスト',
      text: '本文です',
      html: '<p>本文です</p>',
      messageId: '<second@tayori.test>',
    });

    const list = await admin.request('GET', '/api/dev-mailbox');
    expect(list.statusCode).toBe(200);
    expect(list.json().banner).toBe(BANNER);
    const [newest, oldest] = list.json().messages;
    expect(list.json().messages).toHaveLength(2);
    expect(newest).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{26}$/),
      received: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      from: 'app@example.jp',
      to: ['taro@example.jp', 'hidden@example.jp'],
      subject: '【Tayori】テスト',
      messageId: '<second@tayori.test>',
    });
    expect(oldest.subject).toBe('一通目');

    const detail = await admin.request('GET', `/api/dev-mailbox/${newest.id}`);
    expect(detail.statusCode).toBe(200);
    const { banner, message } = detail.json();
    expect(banner).toBe(BANNER);
    expect(message).toMatchObject({ id: newest.id, subject: '【Tayori】テスト', text: '本文です', html: '<p>本文です</p>' });
    expect(message.headers).toContainEqual({ name: 'Message-ID', value: '<second@tayori.test>' });
  });

  it('receives the test mail of the screen, sent with the seeded settings', async () => {
    const { smtp, senderAddress } = await seededSettings();
    const { passwordSet: _shownOnly, ...smtpForm } = smtp;
    const response = await admin.request('POST', '/api/settings/mail/test-mail', { smtp: smtpForm, senderAddress });
    expect(response.json()).toMatchObject({ ok: true, recipient: 'admin@example.jp' });
    const [received] = (await admin.request('GET', '/api/dev-mailbox')).json().messages;
    expect(received).toMatchObject({ to: ['admin@example.jp'], subject: 'Tayori テストメール', from: senderAddress });
  });

  it('empties on DELETE, and knows no stray IDs', async () => {
    await sendThroughMailbox({ to: 'a@example.jp', subject: 'x', text: 'y' });
    expect((await admin.request('GET', '/api/dev-mailbox/..%2Findex')).statusCode).toBe(404);
    expect((await admin.request('GET', `/api/dev-mailbox/${'0'.repeat(26)}`)).statusCode).toBe(404);
    expect((await admin.request('DELETE', '/api/dev-mailbox')).statusCode).toBe(204);
    expect((await admin.request('GET', '/api/dev-mailbox')).json().messages).toEqual([]);
  });

  it('with TAYORI_DEV_MAILBOX off: starts nothing and its API answers 404', async () => {
    const off = await createTestApp(dialect);
    try {
      expect(await startDevMailbox(off.ctx)).toBeNull();
      const offAdmin = await login(off.app);
      for (const [method, url] of [
        ['GET', '/api/dev-mailbox'],
        ['GET', `/api/dev-mailbox/${'0'.repeat(26)}`],
        ['DELETE', '/api/dev-mailbox'],
      ]) {
        expect((await offAdmin.request(method, url)).statusCode).toBe(404);
      }
    } finally {
      await off.close();
    }
  });
});
