import { readdirSync, readlinkSync } from 'node:fs';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { type Migration, Migrator, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { type DatabaseTarget, loadConfig } from '../src/server/config.js';
import { type DatabaseHandle, openDatabase } from '../src/server/db/database.js';
import { migrateToLatest, migrations } from '../src/server/db/migrate.js';
import { spawnTayori } from './support/cli.js';
import { dialects } from './support/databases.js';
import { freshInstallationEachTest } from './support/installation.js';

/** Every migration file: one that is written but not registered fails the first test. */
const MIGRATION_FILES = readdirSync(new URL('../src/server/db/migrations/', import.meta.url))
  .filter((file) => file.endsWith('.ts'))
  .map((file) => file.replace(/\.ts$/, ''))
  .sort();

const FOUNDATION_TABLES = [
  'organisation',
  'users',
  'sessions',
  'audit_log',
  'mail_settings',
  'mail_outbox',
  'service_tokens',
  'transport_state',
];

/** Kysely's advisory lock key for migrations on PostgreSQL (kysely/dist/esm/dialect/postgres/postgres-adapter.js). */
const KYSELY_MIGRATION_LOCK_ID = '3853314791062309107';

interface HeldLock {
  /** How many of these processes are waiting for the lock now. */
  waiting(pids: number[]): Promise<number>;
  /** Lets them go on. */
  release(): Promise<void>;
}

/** Takes the lock `tayori migrate` takes: PostgreSQL's advisory lock, or the exclusive transaction on SQLite's lock file. */
async function holdMigrationLock(target: DatabaseTarget): Promise<HeldLock> {
  if (target.dialect === 'postgres') {
    const client = new pg.Client({ connectionString: target.url });
    await client.connect();
    await client.query(`select pg_advisory_lock(${KYSELY_MIGRATION_LOCK_ID})`);
    return {
      // The database was made for this test: whoever waits for its advisory lock is one of the processes.
      async waiting() {
        const { rows } = await client.query(
          "select count(*)::int as n from pg_locks where locktype = 'advisory' and not granted and database = (select oid from pg_database where datname = current_database())",
        );
        return rows[0].n;
      },
      async release() {
        await client.query(`select pg_advisory_unlock(${KYSELY_MIGRATION_LOCK_ID})`);
        await client.end();
      },
    };
  }
  const lockFile = `${target.file}.migration-lock`;
  const lock = new SQLite(lockFile);
  lock.exec('BEGIN EXCLUSIVE');
  return {
    // A process waiting for the exclusive transaction has the lock file open (Linux: /proc/PID/fd).
    async waiting(pids) {
      return pids.filter((pid) => openFiles(pid).includes(lockFile)).length;
    },
    async release() {
      lock.exec('COMMIT');
      lock.close();
    },
  };
}

function openFiles(pid: number): string[] {
  try {
    return readdirSync(`/proc/${pid}/fd`).map((fd) => {
      try {
        return readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        return '';
      }
    });
  } catch {
    return [];
  }
}

async function waitUntil(condition: () => Promise<boolean>, what: string, timeoutMs = 45_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe.each(dialects())('migrations on $name', (dialect) => {
  const installation = freshInstallationEachTest(dialect);
  let handle: DatabaseHandle | undefined;

  afterEach(async () => {
    await handle?.close();
    handle = undefined;
  });

  const env = () => installation.env();
  const open = () => (handle = openDatabase(loadConfig(env()).database));

  async function recordedMigrations(db: DatabaseHandle['db']) {
    const { rows } = await sql<{ name: string; times: number | string }>`
      select name, count(*) as times from kysely_migration group by name order by name`.execute(db);
    return rows.map((row) => ({ name: row.name, times: Number(row.times) }));
  }
  const onceEach = () => MIGRATION_FILES.map((name) => ({ name, times: 1 }));

  it('builds every table from an empty database, then has nothing left to apply', async () => {
    const db = open();
    expect(await migrateToLatest(db)).toEqual(MIGRATION_FILES);
    const tables = (await db.db.introspection.getTables()).map((table) => table.name);
    expect(tables).toEqual(expect.arrayContaining(FOUNDATION_TABLES));
    expect(await migrateToLatest(db)).toEqual([]);
    expect(await recordedMigrations(db.db)).toEqual(onceEach());
  });

  it('gives time zones stored as typed (asia/tokyo) the database’s spelling, and leaves the others', async () => {
    const db = open();
    const before = Object.fromEntries(Object.entries(migrations).filter(([name]) => name < '2026112813'));
    const { error } = await new Migrator({ db: db.db, provider: { getMigrations: async () => before } }).migrateToLatest();
    if (error) throw error;
    const user = (loginId: string, timeZone: string) => ({
      id: `id-${loginId}`, login_id: loginId, display_name: loginId, email: null, role: 'user' as const, locale: 'ja' as const,
      time_zone: timeZone, active: 1, password_hash: 'x', password_changed_at: '2026-11-01T00:00:00.000Z',
      created_at: '2026-11-01T00:00:00.000Z', updated_at: '2026-11-01T00:00:00.000Z',
    });
    await db.db.insertInto('users').values([user('a', 'asia/tokyo'), user('b', 'Asia/Tokyo'), user('c', 'US/Eastern'), user('d', 'europe/kyiv')]).execute();
    await db.db.insertInto('organisation').values({ id: 1, name: 'x', default_locale: 'ja', time_zone: 'asia/kolkata', updated_at: '2026-11-01T00:00:00.000Z' }).execute();

    expect(await migrateToLatest(db)).toEqual(['2026112813_time_zone_spelling']);
    const zones = await db.db.selectFrom('users').select(['login_id', 'time_zone']).orderBy('login_id').execute();
    expect(zones.map((row) => row.time_zone)).toEqual(['Asia/Tokyo', 'Asia/Tokyo', 'US/Eastern', 'Europe/Kyiv']);
    expect((await db.db.selectFrom('organisation').select('time_zone').executeTakeFirstOrThrow()).time_zone).toBe('Asia/Kolkata');
  });

  it('leaves nothing of a start whose migrations fail halfway, and the next start applies them all', async () => {
    const { db } = open();
    const failing: Record<string, Migration> = {
      ...migrations,
      '2099010100_half_done': {
        async up(trx) {
          await trx.schema.createTable('half_done').addColumn('id', 'text').execute();
          throw new Error('the process died here');
        },
      },
    };
    const { error } = await new Migrator({ db, provider: { getMigrations: async () => failing } }).migrateToLatest();
    expect(String(error)).toContain('the process died here');
    const tables = (await db.introspection.getTables()).map((table) => table.name);
    expect(tables).not.toContain('half_done');
    expect(tables).not.toContain('mail_outbox');

    expect(await migrateToLatest(handle!)).toEqual(MIGRATION_FILES);
    expect(await recordedMigrations(db)).toEqual(onceEach());
  });

  it('lets two processes migrate the same fresh database at once: both succeed, each migration runs once', async () => {
    // The test holds the migration lock until both processes wait for it, so they really overlap.
    const lock = await holdMigrationLock(loadConfig(env()).database);
    const processes = [spawnTayori(['migrate'], env()), spawnTayori(['migrate'], env())];
    try {
      await waitUntil(async () => (await lock.waiting(processes.map((p) => p.child.pid!))) === 2, 'both processes waiting for the lock');
      expect(processes.map((p) => p.child.exitCode)).toEqual([null, null]);
    } finally {
      await lock.release();
    }
    const results = await Promise.all(processes.map((p) => p.exited));
    for (const result of results) expect(result.code, result.stderr).toBe(0);
    expect(results.map((result) => result.stdout.trim()).sort()).toEqual([
      'データベースは最新です。',
      `マイグレーションを適用しました: ${MIGRATION_FILES.join(', ')}`,
    ]);
    expect(await recordedMigrations(open().db)).toEqual(onceEach());
  });
});
