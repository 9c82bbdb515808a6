import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OutboxWorker } from '../src/server/outbox/worker.js';
import { type Client, freshAppEachTest, login } from './support/app.js';
import { runTayori } from './support/cli.js';
import { type TestClock, testClock } from './support/clock.js';
import { dialects } from './support/databases.js';
import { ATTEMPT_IP, attemptLogin, failLogins, setLockoutPolicy, suspensions } from './support/lockout.js';
import { saveMailSettings, smtpSettingsForm } from './support/mail-settings.js';
import { type ReceivedMail, type SmtpSink, startSmtpSink } from './support/smtp-sink.js';

/** The mails of one suspension, read after real delivery to an SMTP server. */
describe.each(dialects())('suspension mails on $name', (dialect) => {
  let sink: SmtpSink;
  let admin: Client;
  let worker: OutboxWorker;
  let clock: TestClock;
  const t = freshAppEachTest(dialect, () => {
    clock = testClock('2026-04-01T00:00:00.000Z');
    return { clock };
  });

  beforeEach(async () => {
    sink = await startSmtpSink({ tls: 'none' });
    admin = await login(t.app);
    await saveMailSettings(admin, smtpSettingsForm(sink.port, { suspensionRecipients: 'joho@example.jp; soumu@example.jp' }));
    worker = new OutboxWorker(t.ctx);
  });
  afterEach(async () => {
    await worker?.stop();
    await sink?.close();
  });

  async function createUser(user: { loginId: string; displayName: string; email: string | null; locale: 'ja' | 'en'; timeZone: string }) {
    const response = await admin.request('POST', '/api/users', { ...user, password: 'user-password-1' });
    expect(response.statusCode).toBe(201);
  }

  /** Delivers what the outbox holds and returns the mails that arrived, by recipient. */
  async function deliveredMails(expected: number): Promise<Map<string, ReceivedMail>> {
    await worker.deliverDueMails();
    await sink.waitForMessages(expected);
    expect(sink.messages).toHaveLength(expected);
    return new Map(sink.messages.map((mail) => [mail.envelope.to.join(','), mail]));
  }

  it('tells a Japanese user and each recipient the times in their zone and in UTC, the failures, the IP and what to do', async () => {
    await createUser({ loginId: 'tanaka', displayName: '田中 太郎', email: 'tanaka@example.jp', locale: 'ja', timeZone: 'Asia/Tokyo' });
    await setLockoutPolicy(admin, { threshold: 3, windowMinutes: 30, durationMinutes: 30 });
    await failLogins(t.app, 'tanaka', 3);

    const mails = await deliveredMails(3);
    const user = mails.get('tanaka@example.jp')!;
    expect(user.subject).toBe('【Tayori】アカウントを停止しました');
    // A notice no out-of-office reply should answer (RFC 3834), to the user and to the copies alike.
    expect([...mails.values()].map((mail) => mail.headers.get('auto-submitted'))).toEqual(['auto-generated', 'auto-generated', 'auto-generated']);
    expect(user.text).toContain('田中 太郎 様');
    expect(user.text).toContain('ログインID: tanaka');
    expect(user.text).toContain('停止日時: 2026年4月1日 09:00 JST (Asia/Tokyo) / 2026-04-01 00:00 UTC');
    expect(user.text).toContain('再開日時: 2026年4月1日 09:30 JST (Asia/Tokyo) / 2026-04-01 00:30 UTC');
    expect(user.text).toContain('ログイン失敗回数: 3回');
    expect(user.text).toContain(`送信元IPアドレス: ${ATTEMPT_IP}`);
    expect(user.text).toContain('再開日時を過ぎると、再びログインできます。');

    for (const address of ['joho@example.jp', 'soumu@example.jp']) {
      const copy = mails.get(address)!;
      // The login ID, which only an administrator sets, first: a display name is the user's own words.
      expect(copy.subject).toBe('【Tayori】アカウント停止のお知らせ: tanaka(田中 太郎)');
      expect(copy.text).toContain('停止日時: 2026年4月1日 09:00 JST (Asia/Tokyo) / 2026-04-01 00:00 UTC');
      expect(copy.text).toContain('[アカウント停止]画面で[停止解除]');
      expect(copy.text).toContain('tayori admin unlock tanaka');
    }
  });

  it('writes in English in the user’s zone, a copy to a user in theirs, other copies in the organisation’s language and zone', async () => {
    const organisation = await admin.request('PUT', '/api/organisation', { name: 'Example Ltd', defaultLocale: 'en', timeZone: 'America/New_York' });
    expect(organisation.statusCode).toBe(200);
    await createUser({ loginId: 'smith', displayName: 'Jane Smith', email: 'smith@example.jp', locale: 'en', timeZone: 'Europe/London' });
    await createUser({ loginId: 'soumu', displayName: '総務 花子', email: 'Soumu@example.jp', locale: 'ja', timeZone: 'Asia/Tokyo' });
    await setLockoutPolicy(admin, { threshold: 2, windowMinutes: 30, durationMinutes: 30 });
    await failLogins(t.app, 'smith', 2);

    const mails = await deliveredMails(3);
    const user = mails.get('smith@example.jp')!;
    expect(user.subject).toBe('[Tayori] Your account has been suspended');
    expect(user.text).toContain('Dear Jane Smith,');
    expect(user.text).toContain('Suspended at: 1 Apr 2026, 01:00 BST (Europe/London) / 2026-04-01 00:00 UTC');
    expect(user.text).toContain('Resumes at: 1 Apr 2026, 01:30 BST (Europe/London) / 2026-04-01 00:30 UTC');
    expect(user.text).toContain('Failed logins: 2');
    expect(user.text).toContain(`Source IP address: ${ATTEMPT_IP}`);

    const copy = mails.get('joho@example.jp')!;
    expect(copy.subject).toBe('[Tayori] Account suspended: smith (Jane Smith)');
    expect(copy.text).toContain('Suspended at: 31 Mar 2026, 20:00 GMT-4 (America/New_York) / 2026-04-01 00:00 UTC');
    // Before, the colleague who is a Japanese user read English and New York time too.
    const toColleague = mails.get('soumu@example.jp')!;
    expect(toColleague.subject).toBe('【Tayori】アカウント停止のお知らせ: smith(Jane Smith)');
    expect(toColleague.text).toContain('停止日時: 2026年4月1日 09:00 JST (Asia/Tokyo) / 2026-04-01 00:00 UTC');
  });

  it('says 管理者が解除するまで for a 無期限 suspension, and mails only the recipients when the user has no address', async () => {
    await createUser({ loginId: 'sato', displayName: '佐藤 花子', email: null, locale: 'ja', timeZone: 'Asia/Tokyo' });
    await createUser({ loginId: 'brown', displayName: 'Tom Brown', email: 'brown@example.jp', locale: 'en', timeZone: 'Asia/Tokyo' });
    await setLockoutPolicy(admin, { threshold: 1, windowMinutes: 30, durationMinutes: null });
    await failLogins(t.app, 'sato', 1);

    const copies = await deliveredMails(2);
    expect([...copies.keys()].sort()).toEqual(['joho@example.jp', 'soumu@example.jp']);
    expect(copies.get('joho@example.jp')!.text).toContain('再開日時: 管理者が解除するまで');
    expect(copies.get('joho@example.jp')!.text).toContain('このユーザーにはメールアドレスが登録されていないため、ご本人にはこのお知らせを送っていません。');

    await failLogins(t.app, 'brown', 1);
    const all = await deliveredMails(5);
    expect(all.get('joho@example.jp')!.text).not.toContain('メールアドレスが登録されていない');
    const english = all.get('brown@example.jp')!;
    expect(english.text).toContain('Resumes at: until an administrator lifts it');
    expect(english.text).toContain('You cannot sign in until an administrator lifts the suspension');
  });

  it('states a 再開日時 at which the user can sign in again, though the suspension began seconds into a minute', async () => {
    await createUser({ loginId: 'tanaka', displayName: '田中 太郎', email: 'tanaka@example.jp', locale: 'ja', timeZone: 'Asia/Tokyo' });
    await setLockoutPolicy(admin, { threshold: 3, windowMinutes: 30, durationMinutes: 30 });
    clock.set('2026-04-01T00:00:45.000Z');
    await failLogins(t.app, 'tanaka', 3);
    const user = (await deliveredMails(3)).get('tanaka@example.jp')!;
    expect(user.text).toContain('再開日時: 2026年4月1日 09:31 JST (Asia/Tokyo) / 2026-04-01 00:31 UTC');
    clock.set('2026-04-01T00:30:59.999Z');
    expect((await attemptLogin(t.app, 'tanaka', 'user-password-1')).statusCode).toBe(401);
    clock.set('2026-04-01T00:31:00.000Z');
    expect((await attemptLogin(t.app, 'tanaka', 'user-password-1')).statusCode).toBe(200);
  });

  it('gives the recipients an unlock command that works as printed, for a login ID that begins with "-"', async () => {
    // The command runs on the real clock; the app's follows it.
    clock.set(new Date());
    admin = await login(t.app);
    await createUser({ loginId: '-sato', displayName: '佐藤 花子', email: null, locale: 'ja', timeZone: 'Asia/Tokyo' });
    await setLockoutPolicy(admin, { threshold: 3, windowMinutes: 30, durationMinutes: null });
    await failLogins(t.app, '-sato', 3);
    const copy = (await deliveredMails(2)).get('joho@example.jp')!;
    const command = /「(tayori admin unlock [^」]+)」/.exec(copy.text!)?.[1];
    expect(command).toBe('tayori admin unlock -- -sato');
    const env = { TAYORI_DATA_DIR: t.dataDir, TAYORI_DATABASE_URL: t.databaseUrl, TAYORI_LOG_LEVEL: 'silent' };
    const unlocked = await runTayori(command!.split(' ').slice(1), env);
    expect(unlocked, unlocked.stderr).toMatchObject({ code: 0, stdout: '-sato のアカウント停止を解除しました。\n' });
    clock.set(new Date());
    expect(await suspensions(admin)).toEqual([]);
  });

  it('mails nobody but the user when no recipients are set', async () => {
    await saveMailSettings(admin, smtpSettingsForm(sink.port, { suspensionRecipients: '' }));
    await createUser({ loginId: 'ito', displayName: '伊藤', email: 'ito@example.jp', locale: 'ja', timeZone: 'Asia/Tokyo' });
    await setLockoutPolicy(admin, { threshold: 1, windowMinutes: 30, durationMinutes: 30 });
    await failLogins(t.app, 'ito', 3);
    const mails = await deliveredMails(1);
    expect([...mails.keys()]).toEqual(['ito@example.jp']);
  });
});
