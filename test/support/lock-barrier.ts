import pg from 'pg';

/** A statement of another session waiting on a lock, as pg_stat_activity shows it. */
export interface WaitingStatement {
  application_name: string;
  query: string;
}

/**
 * Holds every write to `table` (PostgreSQL) until enough statements of other sessions wait on
 * locks: things that must be shown to run at once are held there until they really do.
 */
export async function holdWritesTo(databaseUrl: string, table: string) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query('begin');
  await client.query(`lock table ${table} in exclusive mode`);
  return {
    /** Lets the writes go once `enough` says so of the statements waiting (or after 30 s); answers the last ones seen. */
    async releaseWhen(enough: (waiting: WaitingStatement[]) => boolean): Promise<WaitingStatement[]> {
      const deadline = Date.now() + 30_000;
      for (;;) {
        // Inside a transaction pg_stat_activity keeps showing its first snapshot unless told to look again.
        await client.query('select pg_stat_clear_snapshot()');
        const { rows } = await client.query<WaitingStatement>(
          `select application_name, query from pg_stat_activity
           where datname = current_database() and wait_event_type = 'Lock' and pid <> pg_backend_pid()`,
        );
        if (enough(rows) || Date.now() > deadline) {
          await client.query('commit');
          await client.end();
          return rows;
        }
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
  };
}
