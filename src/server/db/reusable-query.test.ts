import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { Database } from './database.js';
import { reusableQuery } from './reusable-query.js';

describe('reusableQuery', () => {
  const connection = new SQLite(':memory:');
  const db = new Kysely<never>({ dialect: new SqliteDialect({ database: connection }) }) as unknown as Database;
  connection.exec(`create table users (id text primary key, login_id text not null, active integer not null)`);
  connection.exec(`insert into users values ('1', 'tanaka', 1), ('2', 'suzuki', 1), ('3', 'sato', 0)`);

  it('runs the query compiled once with each call’s own values, keeping its constants', async () => {
    const activeUser = reusableQuery((d: Database, loginId: string) =>
      d.selectFrom('users').select('id').where('login_id', '=', loginId).where('active', '=', 1),
    );
    expect((await activeUser(db, 'tanaka')).rows).toEqual([{ id: '1' }]);
    expect((await activeUser(db, 'suzuki')).rows).toEqual([{ id: '2' }]);
    expect((await activeUser(db, 'sato')).rows).toEqual([]);
  });

  it('refuses a query whose argument was changed on its way to the SQL', async () => {
    const broken = reusableQuery((d: Database, loginId: string) => d.selectFrom('users').select('id').where('login_id', '=', loginId.toLowerCase()));
    await expect(broken(db, 'tanaka')).rejects.toThrow(/did not reach the SQL/);
  });
});
