import { execFile, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, createTestApp, createUserAndLogin, login, type TestApp } from './support/app.js';
import { freePort, runTayori, spawnTayori, type TayoriProcess, waitForStatus } from './support/cli.js';
import { dialects, type TestDatabase, type TestDialect, tempDir } from './support/databases.js';
import { allPages, signInOverHttp } from './support/http-session.js';
import { saveMailSettings, smtpSettingsForm } from './support/mail-settings.js';
import { type SmtpSink, startSmtpSink } from './support/smtp-sink.js';

const [sqlite, postgres] = dialects();
const SMTP_AUTH = { user: 'mailer', password: 'smtp-secret-パス' };
const WRITERS = 3;
/** Processes start slowly on a machine whose cores are busy; the test waits for events, never for time. */
const PROCESS_TEST_TIMEOUT_MS = 300_000;
const hasPgDump = spawnSync('pg_dump', ['--version']).status === 0;
const run = promisify(execFile);

const sum = (numbers: number[]) => numbers.reduce((total, n) => total + n, 0);

async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * The application sending mail over HTTP without pause: each writer posts `注文 <writer>-<n>` one
 * after the other, so the mails a consistent snapshot holds are, for every writer, 0 … k-1.
 */
function startWriters(baseUrl: string, token: string) {
  const answered = Array(WRITERS).fill(0);
  const statuses = new Set<number>();
  let stopping = false;
  const loops = answered.map(async (_, writer) => {
    for (let n = 0; !stopping; n++) {
      const response = await fetch(`${baseUrl}/api/mail/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': `order-${writer}-${n}` },
        body: JSON.stringify({ to: 'kokyaku@example.jp', subject: `注文 ${writer}-${n}`, text: `ご注文 ${n} を承りました。` }),
      });
      await response.arrayBuffer();
      statuses.add(response.status);
      answered[writer] = n + 1;
    }
  });
  return {
    answered: () => [...answered],
    total: () => answered.reduce((sum, n) => sum + n, 0),
    statuses,
    async stop() {
      stopping = true;
      await Promise.all(loops);
    },
  };
}

/** How many mails of each writer a list of subjects holds, checking they are each writer's first ones. */
function prefixPerWriter(subjects: string[]): number[] {
  const numbers = Array.from({ length: WRITERS }, () => [] as number[]);
  for (const subject of subjects) {
    const [, writer, n] = subject.match(/^注文 (\d+)-(\d+)$/)!;
    numbers[Number(writer)].push(Number(n));
  }
  return numbers.map((list) => {
    const sorted = list.sort((a, b) => a - b);
    expect(sorted, 'the mails of one writer in the backup are its first ones, none missing').toEqual(sorted.map((_, i) => i));
    return sorted.length;
  });
}

interface Restore {
  /** Environment of a server on the restored installation. */
  env: Record<string, string>;
  cleanUp(): Promise<void>;
}

/** How each database is backed up while serving, and restored, as docs/operations.md says. */
interface BackupProcedure {
  /**
   * Runs the backup of the live installation; resolves when it has ended. Where the backup can be
   * held half-way, after its snapshot and before its end, `midway` runs while it is held.
   */
  backUp(t: TestApp, file: string, midway: () => Promise<void>): Promise<{ code: number | null; stdout: string; stderr: string }>;
  restore(file: string, dataDir: string): Promise<Restore>;
}

const liveEnv = (t: TestApp) => ({ TAYORI_DATA_DIR: t.dataDir, TAYORI_DATABASE_URL: t.databaseUrl, TAYORI_LOG_LEVEL: 'warn' });

const procedures: Record<TestDialect['name'], BackupProcedure> = {
  sqlite: {
    // One read transaction copies the whole file: there is no half-way to hold it at.
    backUp: (t, file) => runTayori(['backup', file], liveEnv(t)),
    async restore(file, dataDir) {
      copyFileSync(file, join(dataDir, 'tayori.sqlite'));
      chmodSync(join(dataDir, 'tayori.sqlite'), 0o600);
      return { env: { TAYORI_DATA_DIR: dataDir }, cleanUp: async () => {} };
    },
  },
  postgres: {
    async backUp(t, file, midway) {
      // pg_dump takes its snapshot first and then locks each table it dumps: a table held here
      // keeps it waiting, provably under way, while the server goes on taking mail.
      const holder = new pg.Client({ connectionString: t.databaseUrl });
      await holder.connect();
      await holder.query('begin');
      await holder.query('lock table audit_log in access exclusive mode');
      const dump = run('pg_dump', ['--format=custom', `--file=${file}`, t.databaseUrl]);
      dump.catch(() => {});
      try {
        await until(async () => {
          await holder.query('select pg_stat_clear_snapshot()');
          const waiting = await holder.query(
            `select 1 from pg_stat_activity where datname = current_database() and application_name = 'pg_dump' and wait_event_type = 'Lock'`,
          );
          return waiting.rowCount! > 0;
        }, 'pg_dump to wait for the held table');
        await midway();
      } finally {
        await holder.query('commit');
        await holder.end();
      }
      const { stdout, stderr } = await dump;
      return { code: 0, stdout, stderr };
    },
    async restore(file, dataDir) {
      const restored: TestDatabase = await postgres.create();
      await run('pg_restore', ['--no-owner', `--dbname=${restored.url}`, file]);
      return { env: { TAYORI_DATA_DIR: dataDir, TAYORI_DATABASE_URL: restored.url }, cleanUp: () => restored.drop() };
    },
  },
};

describe.each(dialects())('backup while serving, then restore, on $name', (dialect) => {
  let t: TestApp;
  let sink: SmtpSink;
  let token: string;
  let workDir: string;

  beforeEach(async ({ skip }) => {
    if (dialect.skip) skip('no PostgreSQL');
    if (dialect.name === 'postgres' && !hasPgDump) skip('no pg_dump on this machine');
    sink = await startSmtpSink({ tls: 'none', auth: SMTP_AUTH });
    t = await createTestApp(dialect);
    workDir = tempDir('tayori-backup-');
    const admin = await login(t.app);
    await saveMailSettings(
      admin,
      smtpSettingsForm(sink.port, { smtp: { authEnabled: true, username: SMTP_AUTH.user, password: SMTP_AUTH.password } }),
    );
    await createUserAndLogin(t.app, admin, { loginId: 'yamada', email: 'yamada@example.jp', password: 'yamada-password' });
    token = (await admin.request('POST', '/api/mail/tokens', { name: '販売管理' })).json().token.token;
  });
  afterEach(async () => {
    await t?.close();
    await sink?.close();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  async function serve(env: Record<string, string>): Promise<{ server: TayoriProcess; baseUrl: string }> {
    const port = await freePort();
    const server = spawnTayori(['serve'], { TAYORI_PORT: String(port), TAYORI_LOG_LEVEL: 'warn', TAYORI_OUTBOX_POLL_MS: '50', ...env });
    const baseUrl = `http://127.0.0.1:${port}`;
    await waitForStatus(`${baseUrl}/healthz`, 200, 120_000);
    return { server, baseUrl };
  }

  const appMailsOf = (db: TestApp['ctx']['db']) =>
    db.selectFrom('mail_outbox').select('subject').where('kind', '=', 'app').execute();

  it(
    'restores what existed at the backup: users, settings with their secret, the token and the mails of that moment',
    { timeout: PROCESS_TEST_TIMEOUT_MS },
    async () => {
      const procedure = procedures[dialect.name];
      const live = await serve(liveEnv(t));
      const writers = startWriters(live.baseUrl, token);
      await until(() => writers.total() >= 30, 'the first mails to be taken');

      const file = join(workDir, dialect.name === 'sqlite' ? 'tayori-backup.sqlite' : 'tayori.dump');
      const answeredAtStart = writers.answered();
      let answeredMidway: number[] | undefined;
      const backup = await procedure.backUp(t, file, async () => {
        answeredMidway = writers.answered();
        await until(() => writers.total() >= sum(answeredMidway!) + 10, 'mail taken while the backup is held half-way');
      });
      const answeredAtEnd = writers.answered();
      await until(() => writers.total() >= sum(answeredAtEnd) + 10, 'mail taken after the backup');
      await writers.stop();

      expect(backup.code, backup.stderr).toBe(0);
      expect([...writers.statuses], 'every mail was taken, during the backup too').toEqual([202]);
      expect(sum(answeredAtEnd), 'the server took mail while the backup ran').toBeGreaterThan(sum(answeredAtStart));
      if (dialect.name === 'sqlite') {
        expect(backup.stdout).toContain(`バックアップを作成しました: ${file}`);
        expect(backup.stderr, 'the key is named: the backup does not hold it').toContain(join(t.dataDir, 'secret.key'));
        expect(statSync(file).mode & 0o777).toBe(0o600);
        const copy = new SQLite(file, { readonly: true, fileMustExist: true });
        expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
        copy.close();
      }
      const liveMailCount = (await appMailsOf(t.ctx.db)).length;
      live.server.child.kill('SIGTERM');
      expect((await live.server.exited).code).toBe(0);

      // The documented restore: a data dir holding the database and the installation's key.
      const restoredDir = tempDir('tayori-restored-');
      chmodSync(restoredDir, 0o700);
      copyFileSync(join(t.dataDir, 'secret.key'), join(restoredDir, 'secret.key'));
      const restore = await procedure.restore(file, restoredDir);
      try {
        const restored = await serve(restore.env);
        const admin = await signInOverHttp(restored.baseUrl, 'admin', ADMIN_PASSWORD);
        expect(admin.status).toBe(200);
        expect((await signInOverHttp(restored.baseUrl, 'yamada', 'yamada-password')).status).toBe(200);

        const { body: view } = await admin.get('/api/settings/mail');
        expect(view.settings).toMatchObject({
          sendingEnabled: true,
          smtp: { host: '127.0.0.1', port: sink.port, authEnabled: true, username: SMTP_AUTH.user, passwordSet: true },
          senderAddress: 'sender@example.jp',
        });

        const deliveries = await allPages<{ subject: string }>(admin, '/api/mail/deliveries?kind=app&limit=200', 'deliveries');
        const inBackup = prefixPerWriter(deliveries.map((delivery) => delivery.subject));
        inBackup.forEach((count, writer) => {
          expect(count, `writer ${writer}: every mail answered before the backup began is in it`).toBeGreaterThanOrEqual(answeredAtStart[writer]);
          expect(count, `writer ${writer}: no mail answered after the backup ended is in it`).toBeLessThanOrEqual(answeredAtEnd[writer] + 1);
          if (answeredMidway) {
            expect(count, `writer ${writer}: no mail answered while the backup was held is in it`).toBeLessThanOrEqual(answeredMidway[writer] + 1);
          }
        });
        expect(deliveries.length, 'mail taken after the backup is not in it').toBeLessThan(liveMailCount);

        // The token still authenticates, and the stored SMTP password still decrypts: the sink
        // accepts only that password.
        const after = await fetch(`${restored.baseUrl}/api/mail/messages`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ to: 'kokyaku@example.jp', subject: '復元後の注文', text: '復元後' }),
        });
        expect(after.status).toBe(202);
        await until(() => sink.messages.some((m) => m.subject === '復元後の注文'), 'the mail sent after the restore to arrive');
        expect(sink.authAttempts.filter((attempt) => !attempt.accepted)).toEqual([]);
        restored.server.child.kill('SIGTERM');
        expect((await restored.server.exited).code).toBe(0);
      } finally {
        await restore.cleanUp();
        rmSync(restoredDir, { recursive: true, force: true });
      }
    },
  );
});

/** A migrated installation of the dialect and an empty directory for backups, new for every test of the block. */
function installationEachTest(dialect: TestDialect) {
  const current = { t: undefined as unknown as TestApp, workDir: '' };
  beforeEach(async () => {
    current.t = await createTestApp(dialect);
    current.workDir = tempDir('tayori-backup-');
  });
  afterEach(async () => {
    await current.t?.close();
    rmSync(current.workDir, { recursive: true, force: true });
  });
  return current;
}

describe.skipIf(sqlite.skip)('tayori backup on SQLite: what it refuses', () => {
  const installation = installationEachTest(sqlite);
  const databaseFile = () => installation.t.databaseUrl.slice('sqlite:'.length);

  it('never overwrites an existing file unless --force, and then replaces it with a private backup', async () => {
    const file = join(installation.workDir, 'yesterday.sqlite');
    writeFileSync(file, 'the backup of yesterday', { mode: 0o644 });

    const refused = await runTayori(['backup', file], liveEnv(installation.t));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`${file} は既にあります。上書きするには --force を付けてください。`);
    expect(refused.stdout).toBe('');
    expect(readFileSync(file, 'utf8')).toBe('the backup of yesterday');
    expect(readdirSync(installation.workDir)).toEqual(['yesterday.sqlite']);

    const forced = await runTayori(['backup', '--force', file], { ...liveEnv(installation.t), LANG: 'en_US.UTF-8' });
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain(`Backup written: ${file}`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(installation.workDir)).toEqual(['yesterday.sqlite']);
    const copy = new SQLite(file, { readonly: true, fileMustExist: true });
    expect(copy.prepare('select login_id from users').pluck().all()).toEqual(['admin']);
    copy.close();
  });

  it('refuses to write over the live database or its WAL even with --force, and leaves no partial file', async () => {
    for (const target of [databaseFile(), `${databaseFile()}-wal`]) {
      const refused = await runTayori(['backup', '--force', target], { ...liveEnv(installation.t), LANG: 'en_US.UTF-8' });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain(`${target} is the live database itself`);
    }
    const users = await installation.t.ctx.db.selectFrom('users').select('login_id').execute();
    expect(users.map((user) => user.login_id)).toEqual(['admin']);
    expect(readdirSync(dirname(databaseFile())).filter((name) => name.includes('.partial'))).toEqual([]);

    const missing = await runTayori(['backup', join(installation.workDir, 'no-such-dir', 'x.sqlite')], liveEnv(installation.t));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`バックアップ先のディレクトリ ${join(installation.workDir, 'no-such-dir')} がありません。`);

    // A directory given as the target, even with --force: said so, not failed half-way as EISDIR.
    const directory = await runTayori(['backup', '--force', installation.workDir], liveEnv(installation.t));
    expect(directory.code).toBe(1);
    expect(directory.stderr).toContain(`${installation.workDir} はディレクトリです。バックアップのファイル名まで指定してください`);
    expect(readdirSync(installation.workDir).filter((name) => name.includes('.partial'))).toEqual([]);
  });

  it('says so and writes nothing when there is no database', async () => {
    const file = join(installation.workDir, 'backup.sqlite');
    const emptyDir = tempDir('tayori-empty-');
    try {
      const refused = await runTayori(['backup', file], { TAYORI_DATA_DIR: emptyDir });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain(`データベース ${join(emptyDir, 'tayori.sqlite')} がありません。`);
      expect(existsSync(file)).toBe(false);
      expect(existsSync(join(emptyDir, 'tayori.sqlite'))).toBe(false);
    } finally {
      rmSync(emptyDir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(postgres.skip)('tayori backup on PostgreSQL', () => {
  const installation = installationEachTest(postgres);

  it('points to pg_dump in the operator language, exits non-zero and writes nothing', async () => {
    const file = join(installation.workDir, 'backup.sqlite');
    const japanese = await runTayori(['backup', file], liveEnv(installation.t));
    expect(japanese.code).toBe(1);
    expect(japanese.stderr).toContain('pg_dump を使ってください');
    const english = await runTayori(['backup', file], { ...liveEnv(installation.t), LANG: 'en_US.UTF-8' });
    expect(english.code).toBe(1);
    expect(english.stderr).toContain('Use pg_dump');
    expect(english.stderr).not.toContain(installation.t.databaseUrl);
    expect(existsSync(file)).toBe(false);
  });
});
