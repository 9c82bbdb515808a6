import { readdirSync } from 'node:fs';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/server/config.js';
import { type DatabaseHandle, openDatabase } from '../src/server/db/database.js';
import { migrateToLatest } from '../src/server/db/migrate.js';
import { runTayori } from './support/cli.js';
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

  it('lets two processes migrate the same fresh database at once: both succeed, each migration runs once', async () => {
    const results = await Promise.all([runTayori(['migrate'], env()), runTayori(['migrate'], env())]);
    for (const result of results) expect(result.code, result.stderr).toBe(0);
    expect(results.map((result) => result.stdout.trim()).sort()).toEqual([
      'データベースは最新です。',
      `マイグレーションを適用しました: ${MIGRATION_FILES.join(', ')}`,
    ]);
    expect(await recordedMigrations(open().db)).toEqual(onceEach());
  });
});
