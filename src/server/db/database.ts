import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import type { DatabaseTarget } from '../config.js';
import { createPrivateFile, makePrivateDir } from '../security/private-files.js';
import type { DB } from './schema.js';

export type Database = Kysely<DB>;
export type DialectName = DatabaseTarget['dialect'];

export interface DatabaseHandle {
  db: Database;
  dialect: DialectName;
  target: DatabaseTarget;
  close(): Promise<void>;
}

/** The production SQLite settings; the outbox benchmark uses exactly these. */
export const SQLITE_PRAGMAS = [
  'journal_mode = WAL',
  'synchronous = NORMAL',
  'busy_timeout = 5000',
  'foreign_keys = ON',
];

export function openSqlite(file: string): SQLite.Database {
  makePrivateDir(dirname(file));
  createPrivateFile(file);
  const connection = new SQLite(file);
  for (const pragma of SQLITE_PRAGMAS) connection.pragma(pragma);
  return connection;
}

export function openDatabase(target: DatabaseTarget): DatabaseHandle {
  if (target.dialect === 'sqlite') {
    const db = new Kysely<DB>({
      dialect: new SqliteDialect({ database: openSqlite(target.file) }),
    });
    return { db, dialect: 'sqlite', target, close: () => db.destroy() };
  }
  // Loaded only for PostgreSQL: an embedded installation does not pay for the driver.
  const pg = createRequire(import.meta.url)('pg') as typeof import('pg');
  const pool = new pg.Pool({ connectionString: target.url, max: target.poolSize, connectionTimeoutMillis: 5000 });
  // An unreachable server must surface as a failed query (healthz 503), not crash the process:
  // a connection that drops emits 'error' on its client, idle (the pool's event) or in use by a
  // query (the client's own, with no listener unless given one). The query fails either way,
  // and the pool discards the broken client.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  return { db, dialect: 'postgres', target, close: () => db.destroy() };
}

export async function isDatabaseReachable(db: Database): Promise<boolean> {
  try {
    await sql`select 1`.execute(db);
    return true;
  } catch {
    return false;
  }
}
