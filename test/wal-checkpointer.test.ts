import { statSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../src/server/db/database.js';
import { tempDir } from './support/databases.js';

const pause = new Int32Array(new SharedArrayBuffer(4));
const sizeOf = (file: string) => statSync(file).size;

describe('the SQLite WAL checkpointer', () => {
  let handle: DatabaseHandle | null = null;
  afterEach(async () => {
    await handle?.close();
  });

  it('copies the WAL into the database on a thread of its own, also while the main thread is blocked', async () => {
    const file = join(tempDir(), 'tayori.sqlite');
    handle = openDatabase({ dialect: 'sqlite', file });
    await sql`create table filler (body text not null)`.execute(handle.db);
    // About 2 MB of pages a write: more than enough to start the checkpointer, far below the
    // 40 MB at which the main connection would checkpoint by itself.
    const write2MB = () =>
      handle!.db.transaction().execute(async (trx) => {
        for (let i = 0; i < 500; i++) await sql`insert into filler (body) values (${'本文'.repeat(1_000)})`.execute(trx);
      });
    const untilDatabaseReaches = async (bytes: number) => {
      const giveUpAt = Date.now() + 60_000;
      while (sizeOf(file) < bytes && Date.now() < giveUpAt) await new Promise((resolve) => setTimeout(resolve, 20));
      return sizeOf(file);
    };

    const empty = sizeOf(file);
    await write2MB();
    expect(await untilDatabaseReaches(empty + 1_000_000)).toBeGreaterThan(empty + 1_000_000);

    // The checkpointer runs now. No event loop turn from here: only another thread can copy.
    const before = sizeOf(file);
    await write2MB();
    const giveUpAt = Date.now() + 60_000;
    while (sizeOf(file) < before + 1_000_000 && Date.now() < giveUpAt) Atomics.wait(pause, 0, 0, 10);
    expect(sizeOf(file)).toBeGreaterThan(before + 1_000_000);
  });

  it('stops with the database, leaving a database that opens again with everything in it', async () => {
    const file = join(tempDir(), 'tayori.sqlite');
    handle = openDatabase({ dialect: 'sqlite', file });
    await sql`create table filler (body text not null)`.execute(handle.db);
    await sql`insert into filler (body) values ('一通目')`.execute(handle.db);
    await handle.close();
    handle = openDatabase({ dialect: 'sqlite', file });
    const rows = await sql<{ body: string }>`select body from filler`.execute(handle.db);
    expect(rows.rows).toEqual([{ body: '一通目' }]);
  });
});
