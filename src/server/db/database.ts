import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteAdapter, SqliteDialect, sql } from 'kysely';
import type { DatabaseTarget } from '../config.js';
import { createPrivateFile, makePrivateDir } from '../security/private-files.js';
import { preparingPool, withStatementCache } from './prepared-statements.js';
import type { DB } from './schema.js';
import { MAIN_CONNECTION_AUTOCHECKPOINT_PAGES, WalCheckpointer } from './wal-checkpointer.js';

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
  for (const pragma of SQLITE_PRAGMAS) whileBusy(() => connection.pragma(pragma));
  return connection;
}

const BUSY_RETRY_MS = 10;
const BUSY_GIVE_UP_MS = 5_000;
/** Something to Atomics.wait on: a synchronous pause that burns no CPU. */
const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * Runs a statement of the connection's setup again while SQLite answers SQLITE_BUSY. Two processes
 * opening a new database at once (two `tayori migrate`, a `tayori worker` started beside `serve`)
 * both read it and then both ask for the lock that turns it to WAL; SQLite refuses one of them at
 * once, without its busy timeout, to avoid a deadlock. Waiting a moment and asking again is safe:
 * the other one finishes the switch. This runs only while a connection opens, so the wait blocks
 * nothing else.
 */
function whileBusy<T>(run: () => T): T {
  const giveUpAt = Date.now() + BUSY_GIVE_UP_MS;
  for (;;) {
    try {
      return run();
    } catch (error) {
      if ((error as { code?: string }).code !== 'SQLITE_BUSY' || Date.now() > giveUpAt) throw error;
      Atomics.wait(pause, 0, 0, BUSY_RETRY_MS);
    }
  }
}

/**
 * SQLite runs schema changes inside transactions, but Kysely's adapter says it cannot, so its
 * Migrator ran SQLite migrations bare: a process killed halfway through one left half a schema,
 * and the next start failed on the table or index already there. Said truthfully, the pending
 * migrations of a start run in one transaction, as on PostgreSQL, and a kill rolls them back.
 */
class SqliteAdapterWithTransactionalDdl extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

class SqliteDialectWithTransactionalDdl extends SqliteDialect {
  override createAdapter(): SqliteAdapter {
    return new SqliteAdapterWithTransactionalDdl();
  }
}

export function openDatabase(target: DatabaseTarget): DatabaseHandle {
  if (target.dialect === 'sqlite') {
    const connection = openSqlite(target.file);
    connection.pragma(`wal_autocheckpoint = ${MAIN_CONNECTION_AUTOCHECKPOINT_PAGES}`);
    const checkpointer = new WalCheckpointer(target.file);
    const db = new Kysely<DB>({ dialect: new SqliteDialectWithTransactionalDdl({ database: withStatementCache(connection) }) });
    const close = async () => {
      await db.destroy();
      await checkpointer.stop();
    };
    return { db, dialect: 'sqlite', target, close };
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
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: preparingPool(pool) }) });
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
