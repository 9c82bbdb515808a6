import type SQLite from 'better-sqlite3';
import type { PostgresCursor, PostgresPool, PostgresPoolClient, PostgresQueryResult, SqliteDatabase } from 'kysely';
import type { Pool, PoolClient } from 'pg';

const statementNames = new Map<string, string>();

/**
 * Marks a fixed SQL text that PostgreSQL should parse and plan once per connection instead of
 * for every call: on the intake's group insert, planning took as long as executing five rows.
 * Returns the text unchanged. Only for a statement that
 * - names its result columns: a prepared `returning *` fails once a migration (say, by a newer
 *   instance) adds a column;
 * - reads by key only tables that stay small: PostgreSQL soon keeps one plan for all values, made
 *   from the table as it was then. Marking mark-sent, its plan made on the empty outbox of a new
 *   installation scanned the whole table: 41 ms a write at 30,000 mails, until the next ANALYZE.
 */
export function preparedOnPostgres(text: string): string {
  if (!statementNames.has(text)) statementNames.set(text, `tayori_${statementNames.size + 1}`);
  return text;
}

class PreparingClient implements PostgresPoolClient {
  constructor(private readonly client: PoolClient) {}

  query<R>(text: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>>;
  query<R>(cursor: PostgresCursor<R>): PostgresCursor<R>;
  query<R>(textOrCursor: string | PostgresCursor<R>, parameters?: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>> | PostgresCursor<R> {
    if (typeof textOrCursor !== 'string') return this.client.query(textOrCursor as never);
    const name = statementNames.get(textOrCursor);
    return this.client.query({ text: textOrCursor, values: parameters as unknown[], name }) as unknown as Promise<PostgresQueryResult<R>>;
  }

  release(destroy?: boolean): void {
    this.client.release(destroy);
  }
}

/** The pool as Kysely sees it, running the statements marked above as prepared ones. */
export function preparingPool(pool: Pool): PostgresPool {
  const views = new WeakMap<PoolClient, PreparingClient>();
  return {
    async connect() {
      const client = await pool.connect();
      let view = views.get(client);
      if (!view) views.set(client, (view = new PreparingClient(client)));
      return view;
    },
    end: () => pool.end(),
  };
}

const PREPARED_STATEMENTS_KEPT = 500;

/**
 * Kysely prepares every query anew; preparing costs as much as running a small statement, and
 * better-sqlite3 runs on the event loop, so the outbox and the login path pay it on every mail
 * and every attempt. The connection keeps its prepared statements by SQL text instead (the
 * queries are few and parameterised). Kysely runs one statement at a time on the connection and
 * never leaves a statement iterating, so reusing one is safe.
 */
export function withStatementCache(connection: SQLite.Database): SqliteDatabase {
  const statements = new Map<string, SQLite.Statement>();
  return {
    close: () => connection.close(),
    prepare(sql: string) {
      let statement = statements.get(sql);
      if (!statement) {
        if (statements.size >= PREPARED_STATEMENTS_KEPT) statements.delete(statements.keys().next().value!);
        statement = connection.prepare(sql);
        statements.set(sql, statement);
      }
      return statement;
    },
  } as unknown as SqliteDatabase;
}
