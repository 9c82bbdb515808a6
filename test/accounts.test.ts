import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_LOGIN, ADMIN_PASSWORD, createTestApp, createUserAndLogin, login, type TestApp } from './support/app.js';
import { type TestClock, testClock } from './support/clock.js';
import { dialects } from './support/databases.js';
import { setLockoutPolicy, suspensions } from './support/lockout.js';
import { runHousekeeping } from '../src/server/housekeeping.js';

describe.each(dialects())('accounts and sessions on $name', (dialect) => {
  let t: TestApp;
  let clock: TestClock;

  beforeEach(async ({ skip }) => {
    if (dialect.skip) skip('no PostgreSQL');
    clock = testClock();
    t = await createTestApp(dialect, {
      clock,
      env: { TAYORI_SESSION_IDLE_MINUTES: '30', TAYORI_SESSION_ABSOLUTE_HOURS: '2' },
    });
  });
  afterEach(async () => {
    await t?.close();
  });

  it('signs the initial administrator in with the right password and sets a safe cookie', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/session',
      payload: { loginId: ADMIN_LOGIN, password: ADMIN_PASSWORD },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json().user).toMatchObject({ loginId: 'admin', role: 'admin', locale: 'ja' });
    expect(response.json().user).not.toHaveProperty('passwordHash');
    const cookie = response.headers['set-cookie'] as string;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).not.toMatch(/Secure/i);
  });

  it('refuses a wrong password and an unknown login ID with the same answer', async () => {
    const wrong = await t.app.inject({ method: 'POST', url: '/api/session', payload: { loginId: 'admin', password: 'nope-nope' } });
    const unknown = await t.app.inject({ method: 'POST', url: '/api/session', payload: { loginId: 'ghost', password: 'nope-nope' } });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.body).toBe(unknown.body);
    expect(wrong.json().error.message).toBe('ログインIDまたはパスワードが正しくありません。');
    expect(wrong.headers['set-cookie']).toBeUndefined();
  });

  it('answers in English when the browser asks for it', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/session',
      payload: { loginId: 'admin', password: 'nope-nope' },
      headers: { 'accept-language': 'en-US,en;q=0.9' },
    });
    expect(response.json().error.message).toBe('The login ID or password is wrong.');
  });

  it('logs out: the cookie stops working', async () => {
    const admin = await login(t.app);
    expect((await admin.request('GET', '/api/me')).statusCode).toBe(200);
    expect((await admin.request('DELETE', '/api/session')).statusCode).toBe(204);
    expect((await admin.request('GET', '/api/me')).statusCode).toBe(401);
  });

  it('ends a session after the idle time and after the absolute time', async () => {
    const admin = await login(t.app);
    clock.advance(29 * 60_000);
    expect((await admin.request('GET', '/api/me')).statusCode).toBe(200);
    clock.advance(29 * 60_000);
    expect((await admin.request('GET', '/api/me')).statusCode).toBe(200);
    clock.advance(31 * 60_000);
    expect((await admin.request('GET', '/api/me')).statusCode).toBe(401);

    const again = await login(t.app);
    for (let i = 0; i < 4; i++) {
      clock.advance(25 * 60_000);
      expect((await again.request('GET', '/api/me')).statusCode).toBe(200);
    }
    clock.advance(25 * 60_000); // 2 h 5 min after login: past the absolute limit although never idle
    expect((await again.request('GET', '/api/me')).statusCode).toBe(401);
  });

  it('forgets ended sessions in housekeeping, without waiting for their cookie to come back, and keeps live ones', async () => {
    const sessionIds = async () => (await t.ctx.db.selectFrom('sessions').select('id').execute()).map((row) => row.id);
    const idle = await login(t.app);
    const idleId = (await sessionIds())[0];
    const live = await login(t.app);
    const liveId = (await sessionIds()).find((id) => id !== idleId)!;
    clock.advance(20 * 60_000);
    expect((await live.request('GET', '/api/me')).statusCode).toBe(200);
    clock.advance(11 * 60_000); // idle for 31 minutes, live for 11
    await runHousekeeping(t.ctx);
    expect(await sessionIds()).toEqual([liveId]);
    expect((await live.request('GET', '/api/me')).statusCode).toBe(200);
    expect((await idle.request('GET', '/api/me')).statusCode).toBe(401);
  });

  it('ends every session of a user who is deactivated or whose password an admin sets', async () => {
    const admin = await login(t.app);
    const user = await createUserAndLogin(t.app, admin, { loginId: 'tanaka' });
    const second = await login(t.app, 'tanaka', 'user-password-1');
    expect((await admin.request('PUT', `/api/users/${user.id}/password`, { password: 'brand-new-pass' })).statusCode).toBe(204);
    expect((await user.request('GET', '/api/me')).statusCode).toBe(401);
    expect((await second.request('GET', '/api/me')).statusCode).toBe(401);

    const third = await login(t.app, 'tanaka', 'brand-new-pass');
    expect((await admin.request('PUT', `/api/users/${user.id}`, { active: false })).json().user.active).toBe(false);
    expect((await third.request('GET', '/api/me')).statusCode).toBe(401);
    const refused = await t.app.inject({ method: 'POST', url: '/api/session', payload: { loginId: 'tanaka', password: 'brand-new-pass' } });
    expect(refused.statusCode).toBe(401);
  });

  it('refuses a state change without the CSRF token, and a login posted from another origin', async () => {
    const admin = await login(t.app);
    const withoutToken = await admin.request('PUT', '/api/organisation', { name: 'x', defaultLocale: 'ja', timeZone: 'Asia/Tokyo' }, { 'x-csrf-token': '' });
    expect(withoutToken.statusCode).toBe(403);
    expect(withoutToken.json().error.code).toBe('error.csrf');
    const organisation = await admin.request('GET', '/api/organisation');
    expect(organisation.json().organisation.name).toBe('Tayori');

    const crossSite = await t.app.inject({
      method: 'POST',
      url: '/api/session',
      payload: { loginId: ADMIN_LOGIN, password: ADMIN_PASSWORD },
      headers: { origin: 'https://evil.example' },
    });
    expect(crossSite.statusCode).toBe(403);
  });

  it('lets a user change their own password only with the current one; other sessions end', async () => {
    const admin = await login(t.app);
    const user = await createUserAndLogin(t.app, admin, { loginId: 'suzuki' });
    const other = await login(t.app, 'suzuki', 'user-password-1');
    const wrong = await user.request('PUT', '/api/me/password', { currentPassword: 'bad', newPassword: 'another-pass-9' });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.json().error.fields[0]).toMatchObject({ path: 'currentPassword', message: '現在のパスワードが正しくありません。' });
    const ok = await user.request('PUT', '/api/me/password', { currentPassword: 'user-password-1', newPassword: 'another-pass-9' });
    expect(ok.statusCode).toBe(204);
    expect((await user.request('GET', '/api/me')).statusCode).toBe(200);
    expect((await other.request('GET', '/api/me')).statusCode).toBe(401);
    await login(t.app, 'suzuki', 'another-pass-9');
  });

  it('counts wrong current passwords of a password change toward アカウント停止, as wrong logins', async () => {
    const admin = await login(t.app);
    await setLockoutPolicy(admin, { threshold: 3, windowMinutes: 30, durationMinutes: 30 });
    const user = await createUserAndLogin(t.app, admin, { loginId: 'tanaka' });
    const guess = (currentPassword: string) => user.request('PUT', '/api/me/password', { currentPassword, newPassword: 'taken-over-99' });
    const elsewhere = await login(t.app, 'tanaka', 'user-password-1'); // the same user on another device
    for (let i = 0; i < 2; i++) expect((await guess(`guess-${i}`)).json().error.fields[0].code).toBe('accounts.current_password_wrong');

    // The third guess suspends the account, says so, and ends the session that guessed: the right
    // password no longer changes anything from it. The user's other session stays.
    const third = await guess('guess-2');
    expect(third.statusCode).toBe(422);
    expect(third.json().error.fields[0]).toMatchObject({ path: 'currentPassword', code: 'accounts.password_change_suspended' });
    expect((await guess('user-password-1')).statusCode).toBe(401);
    expect((await user.request('GET', '/api/me')).statusCode).toBe(401);
    expect((await elsewhere.request('GET', '/api/me')).statusCode).toBe(200);
    expect((await suspensions(admin)).map((s) => s.loginId)).toEqual(['tanaka']);
    expect((await admin.request('GET', '/api/audit?action=account.suspend')).json().entries).toMatchObject([{ target: 'tanaka' }]);
    expect((await t.app.inject({ method: 'POST', url: '/api/session', payload: { loginId: 'tanaka', password: 'taken-over-99' } })).statusCode).toBe(401);
  });

  it('asks for the current password to change one’s own e-mail address, and counts a wrong one as a failed login', async () => {
    const admin = await login(t.app);
    await setLockoutPolicy(admin, { threshold: 2, windowMinutes: 30, durationMinutes: 30 });
    const user = await createUserAndLogin(t.app, admin, { loginId: 'sato', email: 'sato@example.jp' });
    const emailOf = async () => (await user.request('GET', '/api/me')).json().user.email;
    const refusal = async (body: Record<string, unknown>) => (await user.request('PUT', '/api/me', body)).json().error?.fields;

    // An administrator changes their own address on the profile too, with the password.
    const adminId = (await admin.request('GET', '/api/me')).json().user.id;
    expect((await admin.request('PUT', `/api/users/${adminId}`, { email: 'admin@attacker.example' })).json().error.fields).toEqual([
      { path: 'email', code: 'accounts.own_email_on_profile', message: '自分のメールアドレスは、プロフィール画面で現在のパスワードを入力して変更してください。' },
    ]);
    expect((await admin.request('PUT', `/api/users/${user.id}`, { email: 'sato@example.jp', displayName: 'さとう' })).statusCode).toBe(200);

    // Nothing else needs it, nor the same address in other letters' case or its domain in punycode.
    expect((await user.request('PUT', '/api/me', { displayName: '佐藤', email: 'Sato@example.jp', locale: 'en' })).statusCode).toBe(200);
    await t.ctx.db.updateTable('users').set({ email: 'sato@xn--r8jz45g.jp' }).where('id', '=', user.id).execute();
    expect((await user.request('PUT', '/api/me', { displayName: '佐藤', email: 'Sato@例え.jp' })).statusCode).toBe(200);
    for (const email of ['sato@elsewhere.example', '', null]) {
      expect(await refusal({ email }), String(email)).toEqual([
        { path: 'currentPassword', code: 'accounts.current_password_for_email', message: 'Enter your current password to change your e-mail address.' },
      ]);
    }
    const changed = await user.request('PUT', '/api/me', { email: 'sato@elsewhere.example', currentPassword: 'user-password-1' });
    expect(changed.json().user.email).toBe('sato@elsewhere.example');

    expect(await refusal({ email: 'taken@attacker.example', currentPassword: 'wrong-password' })).toEqual([
      { path: 'currentPassword', code: 'accounts.current_password_wrong', message: 'The current password is wrong.' },
    ]);
    expect(await emailOf()).toBe('sato@elsewhere.example');
    // The wrong one counted: a second suspends the account, ends this session and changes nothing.
    const second = await user.request('PUT', '/api/me', { email: 'taken@attacker.example', currentPassword: 'wrong-again' });
    expect(second.json().error.fields[0].code).toBe('accounts.email_change_suspended');
    expect((await suspensions(admin)).map((s) => s.loginId)).toEqual(['sato']);
    expect((await user.request('GET', '/api/me')).statusCode).toBe(401);
    expect((await admin.request('GET', '/api/users')).json().users.find((u: { loginId: string }) => u.loginId === 'sato').email).toBe('sato@elsewhere.example');
  });

  it('lets every user edit their own profile but not their role', async () => {
    const admin = await login(t.app);
    const user = await createUserAndLogin(t.app, admin, { loginId: 'sato' });
    const updated = await user.request('PUT', '/api/me', { email: 'sato@例え.jp', locale: 'en', timeZone: 'Europe/London', currentPassword: 'user-password-1' });
    expect(updated.statusCode).toBe(200);
    expect(updated.json().user).toMatchObject({ email: 'sato@例え.jp', locale: 'en', timeZone: 'Europe/London' });
    // Typed with the input method left in full-width mode: said so, as in メール送信設定 (before, "The value is not valid.").
    const fullWidth = await user.request('PUT', '/api/me', { email: 'ｓａｔｏ＠example.jp' });
    expect(fullWidth.json().error.fields).toEqual([
      { path: 'email', code: 'address.full_width', message: '"ｓａｔｏ＠example.jp": contains full-width characters. Type the address, and the semicolon ";" between addresses, in half-width characters.' },
    ]);
    expect((await user.request('PUT', '/api/me', { email: '', currentPassword: 'user-password-1' })).json().user.email).toBeNull();
    const promote = await user.request('PUT', '/api/me', { role: 'admin' });
    expect(promote.statusCode).toBe(422);
    expect(promote.json().error.fields).toEqual([expect.objectContaining({ path: 'role', code: 'validation.unknown_field' })]);
  });

  it.each(['CST', 'IST', 'EST5EDT', 'Japan'])('refuses the time zone %s, which reads like one zone and is another (an IANA Area/Location or UTC is asked for)', async (zone) => {
    const admin = await login(t.app);
    const response = await admin.request('PUT', '/api/me', { timeZone: zone });
    expect(response.json().error.fields).toEqual([{ path: 'timeZone', code: 'validation.time_zone', message: 'タイムゾーンが正しくありません(例: Asia/Tokyo)。' }]);
    for (const known of ['Asia/Shanghai', 'America/Argentina/Buenos_Aires', 'UTC', 'Etc/GMT+9']) {
      expect((await admin.request('PUT', '/api/me', { timeZone: known })).statusCode, known).toBe(200);
    }
  });

  it('stores a time zone in the database’s spelling, whatever case it was typed in, so mails name it so', async () => {
    const admin = await login(t.app);
    for (const [typed, stored] of [
      ['asia/tokyo', 'Asia/Tokyo'],
      ['ASIA/KOLKATA', 'Asia/Kolkata'],
      ['asia/calcutta', 'Asia/Calcutta'],
      ['america/new_york', 'America/New_York'],
      // An alias the database lists under another name stays as given.
      ['America/Argentina/Buenos_Aires', 'America/Argentina/Buenos_Aires'],
      ['US/Eastern', 'US/Eastern'],
      // Without capitals, an alias becomes its zone's own name.
      ['us/eastern', 'America/New_York'],
      ['etc/utc', 'UTC'],
    ]) {
      const response = await admin.request('PUT', '/api/me', { timeZone: typed });
      expect(response.json().user.timeZone, typed).toBe(stored);
    }
    const organisation = await admin.request('PUT', '/api/organisation', { timeZone: 'europe/london' });
    expect(organisation.json().organisation.timeZone).toBe('Europe/London');
  });

  it('gives a new user the organisation’s default language and time zone unless told otherwise', async () => {
    const admin = await login(t.app);
    await admin.request('PUT', '/api/organisation', { defaultLocale: 'en', timeZone: 'Europe/London' });
    const add = async (user: Record<string, string>) =>
      (await admin.request('POST', '/api/users', { displayName: 'x', password: 'user-password-1', ...user })).json().user;
    expect(await add({ loginId: 'smith' })).toMatchObject({ locale: 'en', timeZone: 'Europe/London' });
    expect(await add({ loginId: 'tanaka', locale: 'ja', timeZone: 'Asia/Tokyo' })).toMatchObject({ locale: 'ja', timeZone: 'Asia/Tokyo' });
    // Set on the user: a later change of the organisation's defaults moves nobody.
    await admin.request('PUT', '/api/organisation', { defaultLocale: 'ja', timeZone: 'Asia/Tokyo' });
    const users = (await admin.request('GET', '/api/users')).json().users as { loginId: string; locale: string; timeZone: string }[];
    expect(users.find((user) => user.loginId === 'smith')).toMatchObject({ locale: 'en', timeZone: 'Europe/London' });
  });

  it('lists every problem of a bad user by field, localised, and creates nothing', async () => {
    const admin = await login(t.app);
    const response = await admin.request('POST', '/api/users', {
      loginId: 'bad id\n',
      displayName: 'a\u0000b',
      email: 'Taro <taro@example.jp>',
      role: 'root',
      timeZone: 'Mars/Olympus',
      password: 'short',
    });
    expect(response.statusCode).toBe(422);
    const paths = response.json().error.fields.map((f: { path: string }) => f.path).sort();
    expect(paths).toEqual(['displayName', 'email', 'loginId', 'password', 'role', 'timeZone']);
    expect((await admin.request('GET', '/api/users')).json().users).toHaveLength(1);
  });

  it('refuses to deactivate or demote the last active administrator', async () => {
    const admin = await login(t.app);
    const me = (await admin.request('GET', '/api/me')).json().user;
    expect((await admin.request('PUT', `/api/users/${me.id}`, { active: false })).statusCode).toBe(409);
    expect((await admin.request('PUT', `/api/users/${me.id}`, { role: 'user' })).json().error.code).toBe('accounts.last_admin');
  });

  it('says what to do, in the caller’s language, when the organisation row is missing', async () => {
    const admin = await login(t.app);
    await t.ctx.db.deleteFrom('organisation').execute();
    const response = await admin.request('GET', '/api/organisation');
    expect(response.statusCode).toBe(500);
    expect(response.json()).toEqual({
      error: {
        code: 'error.installation_incomplete',
        message: 'Tayori の初期化が完了していません。tayori serve または tayori worker を一度起動してください(起動時に作成されます)。',
      },
    });
  });

  it('changes only the organisation fields given, so a save of one field keeps another administrator’s change of another', async () => {
    const admin = await login(t.app);
    expect((await admin.request('PUT', '/api/organisation', { timeZone: 'Europe/London' })).statusCode).toBe(200);
    const named = await admin.request('PUT', '/api/organisation', { name: '株式会社テスト' });
    expect(named.statusCode, named.body).toBe(200);
    expect(named.json().organisation).toMatchObject({ name: '株式会社テスト', defaultLocale: 'ja', timeZone: 'Europe/London' });
    const [entry] = (await admin.request('GET', '/api/audit?action=organisation.update&limit=1')).json().entries;
    expect(Object.keys(entry.details.changes)).toEqual(['name']);
  });

  it('records organisation and user changes in the audit trail, without passwords', async () => {
    const admin = await login(t.app);
    const put = await admin.request('PUT', '/api/organisation', { name: '株式会社テスト', defaultLocale: 'ja', timeZone: 'Asia/Tokyo' });
    expect(put.statusCode).toBe(200);
    await createUserAndLogin(t.app, admin, { loginId: 'yamada', password: 'secret-pass-77' });
    const audit = await admin.request('GET', '/api/audit?limit=2');
    const entries = audit.json().entries;
    expect(entries.map((e: { action: string }) => e.action)).toEqual(['user.create', 'organisation.update']);
    expect(entries[1].details.changes.name).toEqual({ before: 'Tayori', after: '株式会社テスト' });
    expect(entries[1].actor).toBe('admin');
    expect(audit.body).not.toContain('secret-pass-77');
    const next = await admin.request('GET', `/api/audit?limit=2&cursor=${audit.json().nextCursor}`);
    expect(next.json().entries[0].action).toBe('user.create');
    expect(next.json().entries[0].target).toBe('admin');
  });
});

describe('the login rate limit', () => {
  const sqlite = dialects()[0];
  let t: TestApp;
  afterEach(async () => {
    await t?.close();
  });

  const attempt = (ip: string, forwardedFor?: string) =>
    t.app.inject({
      method: 'POST',
      url: '/api/session',
      payload: { loginId: 'admin', password: 'wrong-password' },
      remoteAddress: ip,
      headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {},
    });

  it('refuses a client IP after the configured number of attempts a minute, in its language', async () => {
    t = await createTestApp(sqlite, { env: { TAYORI_LOGIN_RATE_LIMIT_PER_MINUTE: '3' } });
    for (let i = 0; i < 3; i++) expect((await attempt('10.0.0.1')).statusCode).toBe(401);
    const limited = await attempt('10.0.0.1');
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.message).toBe('リクエストが多すぎます。しばらく待ってから再度お試しください。');
    expect((await attempt('10.0.0.2')).statusCode).toBe(401);
    // Without TAYORI_TRUST_PROXY a forged X-Forwarded-For does not buy new attempts.
    expect((await attempt('10.0.0.1', '192.0.2.7')).statusCode).toBe(429);
  });

  it('takes the client IP from X-Forwarded-For only behind a trusted proxy', async () => {
    t = await createTestApp(sqlite, { env: { TAYORI_LOGIN_RATE_LIMIT_PER_MINUTE: '2', TAYORI_TRUST_PROXY: '1' } });
    for (let i = 0; i < 2; i++) expect((await attempt('10.0.0.9', '198.51.100.1')).statusCode).toBe(401);
    expect((await attempt('10.0.0.9', '198.51.100.1')).statusCode).toBe(429);
    expect((await attempt('10.0.0.9', '198.51.100.2')).statusCode).toBe(401);
  });

  it('believes only the address the balancer appended, not entries the client put before it', async () => {
    t = await createTestApp(sqlite, { env: { TAYORI_LOGIN_RATE_LIMIT_PER_MINUTE: '2', TAYORI_TRUST_PROXY: 'on' } });
    // nginx's $proxy_add_x_forwarded_for keeps what the client sent and appends the address it saw.
    for (const forged of ['203.0.113.1', '203.0.113.2']) {
      expect((await attempt('10.0.0.9', `${forged}, 198.51.100.7`)).statusCode).toBe(401);
    }
    expect((await attempt('10.0.0.9', '203.0.113.3, 198.51.100.7')).statusCode).toBe(429);
  });

  it('walks a chain of trusted proxies given by their addresses', async () => {
    t = await createTestApp(sqlite, { env: { TAYORI_LOGIN_RATE_LIMIT_PER_MINUTE: '1', TAYORI_TRUST_PROXY: '10.0.0.0/8, 192.0.2.10' } });
    expect((await attempt('10.0.0.9', '198.51.100.8, 192.0.2.10')).statusCode).toBe(401);
    expect((await attempt('10.0.0.9', '203.0.113.5, 198.51.100.8, 192.0.2.10')).statusCode).toBe(429);
    expect((await attempt('10.0.0.9', '198.51.100.9, 192.0.2.10')).statusCode).toBe(401);
  });
});
