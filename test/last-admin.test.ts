import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createUserAndLogin, freshAppEachTest, login } from './support/app.js';
import { dialects } from './support/databases.js';

/**
 * On PostgreSQL both changes are held at a barrier — a lock on the audit log, which each writes
 * last — until two statements wait on locks: both then really are inside their transactions at
 * once. Without the lock on the administrators' rows both counted two and went through.
 */
async function holdAuditWrites(databaseUrl: string) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query('begin');
  await client.query('lock table audit_log in exclusive mode');
  return {
    async releaseWhenTwoWait(): Promise<number> {
      const deadline = Date.now() + 30_000;
      for (;;) {
        await client.query('select pg_stat_clear_snapshot()');
        const { rows } = await client.query<{ waiting: string }>(
          `select count(*) as waiting from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and pid <> pg_backend_pid()`,
        );
        const waiting = Number(rows[0].waiting);
        if (waiting >= 2 || Date.now() > deadline) {
          await client.query('commit');
          await client.end();
          return waiting;
        }
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
  };
}

describe.each(dialects())('the last administrator on $name', (dialect) => {
  const t = freshAppEachTest(dialect);

  it.each([
    ['demote', { role: 'user' }],
    ['deactivate', { active: false }],
  ])('two administrators who %s each other at once: one goes through, the other is refused, one administrator is left', async (_verb, change) => {
    const first = await login(t.app);
    const second = await createUserAndLogin(t.app, first, { loginId: 'sato', role: 'admin' });
    const firstId = (await first.request('GET', '/api/me')).json().user.id;

    const barrier = dialect.name === 'postgres' ? await holdAuditWrites(t.databaseUrl) : undefined;
    const answers = Promise.all([first.request('PUT', `/api/users/${second.id}`, change), second.request('PUT', `/api/users/${firstId}`, change)]);
    if (barrier) expect(await barrier.releaseWhenTwoWait()).toBe(2);
    const statuses = (await answers).map((answer) => answer.statusCode).sort();

    expect(statuses).toEqual([200, 409]);
    const admins = await t.ctx.db.selectFrom('users').select('login_id').where('role', '=', 'admin').where('active', '=', 1).execute();
    expect(admins).toHaveLength(1);
  });
});
