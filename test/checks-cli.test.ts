import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freshAppEachTest, login } from './support/app.js';
import { runTayori } from './support/cli.js';
import { dialects } from './support/databases.js';
import { type SmtpSink, startSmtpSink } from './support/smtp-sink.js';

const quietKind = { enabled: false, normalEnd: false, abnormalEnd: false, longRunning: false, longRunningHours: 3 };

describe.each(dialects())('tayori mail test on $name', (dialect) => {
  let sink: SmtpSink;
  const t = freshAppEachTest(dialect);

  beforeEach(async () => {
    sink = await startSmtpSink({ tls: 'none', auth: { user: 'mailer', password: 'saved-secret' } });
    const admin = await login(t.app);
    const saved = await admin.request('PUT', '/api/settings/mail', {
      sendingEnabled: true,
      server: 'smtp',
      smtp: { host: '127.0.0.1', port: sink.port, security: 'none', authEnabled: true, username: 'mailer', password: 'saved-secret' },
      senderAddress: 'tayori@example.jp',
      suspensionRecipients: '',
      monitoring: { intervalMinutes: 10, recipients: '', kinds: { 'data-source': quietKind, 'google-calendar-sync': quietKind, 'analytics-link': quietKind } },
    });
    expect(saved.statusCode, saved.body).toBe(200);
  });
  afterEach(async () => {
    await sink?.close();
  });

  const tayori = (args: string[]) =>
    runTayori(['mail', 'test', ...args], { TAYORI_DATA_DIR: t.dataDir, TAYORI_DATABASE_URL: t.databaseUrl, TAYORI_LOG_LEVEL: 'silent' });

  it('sends the test mail with the saved settings and its password, or says why not', async () => {
    const sent = await tayori(['--to', 'ops@example.jp']);
    expect(sent.code, sent.stderr).toBe(0);
    expect(sent.stdout.trim()).toBe('テストメールを ops@example.jp に送信しました。');
    expect(sink.messages.map((m) => [m.to, m.subject])).toEqual([[['ops@example.jp'], 'Tayori テストメール']]);
    expect(sink.authAttempts).toMatchObject([{ username: 'mailer', accepted: true }]);

    sink.rejectRecipient('gone@example.jp', '550 5.1.1 User unknown');
    const refused = await tayori(['--to', 'gone@example.jp']);
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim()).toBe('SMTPサーバが宛先を拒否しました(サーバーの応答: 550 5.1.1 User unknown)。宛先のメールアドレスを確認してください。');
    expect(refused.stderr).not.toContain('saved-secret');
  });
});
