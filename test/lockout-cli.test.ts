import { Migrator } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/server/config.js';
import { type DatabaseHandle, openDatabase } from '../src/server/db/database.js';
import { migrations } from '../src/server/db/migrate.js';
import { ADMIN_PASSWORD, freshAppEachTest, login } from './support/app.js';
import { runTayori } from './support/cli.js';
import { dialects } from './support/databases.js';
import { freshInstallationEachTest } from './support/installation.js';
import { attemptLogin, failLogins, setLockoutPolicy, suspensions } from './support/lockout.js';

describe.each(dialects())('tayori admin unlock on $name', (dialect) => {
  const t = freshAppEachTest(dialect);


  const env = () => ({ TAYORI_DATA_DIR: t.dataDir, TAYORI_DATABASE_URL: t.databaseUrl, TAYORI_LOG_LEVEL: 'silent' });

  it('lets the operator back in when the only administrator is suspended 無期限', async () => {
    await setLockoutPolicy(await login(t.app), { threshold: 1, windowMinutes: 30, durationMinutes: null });
    await failLogins(t.app, 'admin', 1);
    expect((await attemptLogin(t.app, 'admin', ADMIN_PASSWORD)).statusCode).toBe(401);

    // The audit names the machine's user who ran it (under sudo, who ran sudo): before, every command was `cli`.
    const unlocked = await runTayori(['admin', 'unlock', 'ADMIN'], { ...env(), SUDO_USER: 'yamada' });
    expect(unlocked, unlocked.stderr).toMatchObject({ code: 0, stdout: 'ADMIN のアカウント停止を解除しました。\n' });
    const admin = await login(t.app);
    expect(await suspensions(admin)).toEqual([]);
    const audit = (await admin.request('GET', '/api/audit?action=account.unlock')).json().entries;
    expect(audit).toMatchObject([{ actor: 'cli:yamada', target: 'admin' }]);

    expect(await runTayori(['admin', 'unlock', 'admin'], env())).toMatchObject({ code: 0, stdout: 'admin は停止されていません。\n' });
    expect(await runTayori(['admin', 'unlock', 'nobody'], env())).toMatchObject({ code: 1, stderr: 'ログインID nobody の利用者はいません。\n' });
    const inEnglish = { ...env(), LANG: 'en_US.UTF-8' };
    expect(await runTayori(['admin', 'unlock', 'admin'], inEnglish)).toMatchObject({ code: 0, stdout: 'admin is not suspended.\n' });
    expect(await runTayori(['admin', 'unlock', 'nobody'], inEnglish)).toMatchObject({ code: 1, stderr: 'No user with login ID nobody.\n' });
  });

  it('admin set-password lifts a suspension and says when the user is deactivated, which a new password does not undo', async () => {
    const admin = await login(t.app);
    const created = await admin.request('POST', '/api/users', { loginId: 'sato', displayName: '佐藤', password: 'sato-pass-1234' });
    await setLockoutPolicy(admin, { threshold: 1, windowMinutes: 30, durationMinutes: null });
    await failLogins(t.app, 'sato', 1);
    const reset = await runTayori(['admin', 'set-password', 'sato'], env(), { stdin: 'sato-new-pass-1\n' });
    expect(reset, reset.stderr).toMatchObject({ code: 0, stderr: '' });
    expect((await attemptLogin(t.app, 'sato', 'sato-new-pass-1')).statusCode).toBe(200);

    await admin.request('PUT', `/api/users/${created.json().user.id}`, { active: false });
    const inactive = await runTayori(['admin', 'set-password', 'sato'], env(), { stdin: 'sato-new-pass-2\n' });
    expect(inactive.code).toBe(0);
    expect(inactive.stderr).toBe(
      'sato は無効になっているため、まだログインできません。[ユーザー管理]で有効にしてください(有効な管理者がいないときは、tayori admin create --role admin で新しい管理者を作成します)。\n',
    );
  });
});

describe.each(dialects())('upgrading an installation with login IDs that differ only in case on $name', (dialect) => {
  const installation = freshInstallationEachTest(dialect);
  let handle: DatabaseHandle | undefined;

  afterEach(async () => {
    await handle?.close();
    handle = undefined;
  });

  /** The database as the version before case-insensitive login IDs left it. */
  async function migrateToBeforeLockout(): Promise<DatabaseHandle> {
    handle = openDatabase(loadConfig(installation.env()).database);
    const older = Object.fromEntries(Object.entries(migrations).filter(([name]) => name < '2026112730'));
    const { error } = await new Migrator({ db: handle.db, provider: { getMigrations: async () => older } }).migrateToLatest();
    if (error) throw error;
    return handle;
  }

  const user = (id: string, loginId: string) => ({
    id,
    login_id: loginId,
    display_name: loginId,
    email: null,
    role: 'admin' as const,
    locale: 'ja' as const,
    time_zone: 'Asia/Tokyo',
    active: 1,
    password_hash: 'x',
    password_changed_at: '2026-01-01T00:00:00.000Z',
    created_at: '2026-01-01T00:00:00.000Z',
    updated_at: '2026-01-01T00:00:00.000Z',
  });

  it('refuses to migrate, naming the pairs, until they are told apart', async () => {
    const { db } = await migrateToBeforeLockout();
    await db
      .insertInto('users')
      .values([user('1', 'ADMIN'), user('2', 'admin'), user('3', 'sato'), user('4', 'Sato'), user('5', 'tanaka')])
      .execute();

    const refused = await runTayori(['migrate'], installation.env());
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('大文字と小文字だけが違うアカウントがあります: ADMIN / admin, Sato / sato。');
    expect(refused.stderr).not.toContain('tanaka');

    await db.updateTable('users').set({ login_id: 'admin-old' }).where('login_id', '=', 'ADMIN').execute();
    await db.updateTable('users').set({ login_id: 'sato2' }).where('login_id', '=', 'Sato').execute();
    const applied = await runTayori(['migrate'], installation.env());
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toContain('2026112730_lockout');
  });
});
