import { sql } from 'kysely';
import { beforeEach, describe, expect, it } from 'vitest';
import { freshAppEachTest, login, type Client } from './support/app.js';
import { dialects } from './support/databases.js';

describe.each(dialects())('the intake statement on $name', (dialect) => {
  // One connection, so the statements it keeps prepared are the ones this test can look at.
  const t = freshAppEachTest(dialect, () => ({ env: { TAYORI_DATABASE_POOL_SIZE: '1' } }));
  let admin: Client;
  let token: string;

  beforeEach(async () => {
    admin = await login(t.app);
    token = (await admin.request('POST', '/api/mail/tokens', { name: '販売管理' })).json().token.token;
  });

  const submit = (subject: string) =>
    t.app.inject({
      method: 'POST',
      url: '/api/mail/messages',
      payload: { to: 'tanaka@example.jp', subject, text: 'ご注文を承りました。' },
      headers: { authorization: `Bearer ${token}` },
    });

  it('keeps taking mail after a newer release adds a column to the outbox under it', async () => {
    expect((await submit('移行前')).statusCode).toBe(202);
    if (dialect.name === 'postgres') {
      const prepared = await sql<{ statement: string }>`select statement from pg_prepared_statements`.execute(t.ctx.db);
      expect(prepared.rows.map((row) => row.statement.slice(0, 24))).toContain('insert into mail_outbox ');
    }

    await sql`alter table mail_outbox add column added_by_a_later_release text`.execute(t.ctx.db);

    const after = await submit('移行後');
    expect(after.statusCode, after.body).toBe(202);
    const subjects = (await admin.request('GET', '/api/mail/deliveries')).json().deliveries.map((d: { subject: string }) => d.subject);
    expect(subjects).toEqual(['移行後', '移行前']);
  });
});
