import { sql } from 'kysely';
import pg from 'pg';
import { beforeEach, describe, expect, it } from 'vitest';
import { type Client, freshAppEachTest, login } from './support/app.js';
import { dialects, type TestDialect } from './support/databases.js';

/** A fresh app for each test, its admin signed in and a service token made; `submit` sends a mail with the token. */
function appWithToken(dialect: TestDialect, env: Record<string, string> = {}) {
  const t = freshAppEachTest(dialect, () => ({ env }));
  const state = { admin: undefined as unknown as Client, token: '' };
  beforeEach(async () => {
    state.admin = await login(t.app);
    state.token = (await state.admin.request('POST', '/api/mail/tokens', { name: '販売管理' })).json().token.token;
  });
  const submit = (subject: string) =>
    t.app.inject({
      method: 'POST',
      url: '/api/mail/messages',
      payload: { to: 'tanaka@example.jp', subject, text: 'ご注文を承りました。' },
      headers: { authorization: `Bearer ${state.token}` },
    });
  const subjects = async (): Promise<string[]> =>
    (await state.admin.request('GET', '/api/mail/deliveries')).json().deliveries.map((d: { subject: string }) => d.subject);
  return { t, submit, subjects };
}

describe.each(dialects())('the group writes of mail over HTTP on $name', (dialect) => {
  describe('on one connection', () => {
    // One connection, so the statements it keeps prepared are the ones this test can look at.
    const { t, submit, subjects } = appWithToken(dialect, { TAYORI_DATABASE_POOL_SIZE: '1' });

    it('keeps taking mail after a newer release adds a column to the outbox under it', async () => {
      expect((await submit('移行前')).statusCode).toBe(202);
      if (dialect.name === 'postgres') {
        const prepared = await sql<{ statement: string }>`select statement from pg_prepared_statements`.execute(t.ctx.db);
        expect(prepared.rows.map((row) => row.statement.slice(0, 24))).toContain('insert into mail_outbox ');
      }

      await sql`alter table mail_outbox add column added_by_a_later_release text`.execute(t.ctx.db);

      const after = await submit('移行後');
      expect(after.statusCode, after.body).toBe(202);
      expect(await subjects()).toEqual(['移行後', '移行前']);
    });
  });

  describe('with the default pool', () => {
    const { t, submit, subjects } = appWithToken(dialect);

    it('writes the next group while an earlier one waits on PostgreSQL, and answers both', async ({ skip }) => {
      if (dialect.name === 'sqlite') skip('SQLite writes on the event loop: one group at a time');
      // One connection holds a lock the inserts wait for; another watches them (a transaction sees one snapshot of pg_stat_activity).
      const [holder, watcher] = [new pg.Client({ connectionString: t.databaseUrl }), new pg.Client({ connectionString: t.databaseUrl })];
      await Promise.all([holder.connect(), watcher.connect()]);
      let waiting = 0;
      const insertsWaitingForTheLock = async (count: number) => {
        for (let look = 0; look < 3_000; look++) {
          const { rows } = await watcher.query<{ n: number }>(
            "select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and query like 'insert into mail_outbox%'",
          );
          waiting = rows[0].n;
          if (waiting >= count) return;
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        throw new Error(`${waiting} inserts waiting, not ${count}`);
      };
      try {
        await holder.query('begin');
        await holder.query('lock table mail_outbox in share mode');
        const first = submit('一通目');
        await insertsWaitingForTheLock(1);
        const second = submit('二通目');
        await insertsWaitingForTheLock(2);
        await holder.query('commit');

        expect([(await first).statusCode, (await second).statusCode]).toEqual([202, 202]);
        expect((await subjects()).sort()).toEqual(['一通目', '二通目'].sort());
      } finally {
        await Promise.all([holder.end(), watcher.end()]);
      }
    });
  });
});
