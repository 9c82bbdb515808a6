import { describe, expect, it } from 'vitest';
import { createUserAndLogin, freshAppEachTest, login } from './support/app.js';
import { dialects } from './support/databases.js';
import { holdWritesTo } from './support/lock-barrier.js';

/**
 * On PostgreSQL both changes are held at a barrier — a lock on the audit log, which each writes
 * last — until two statements wait on locks: both then really are inside their transactions at
 * once. Without the lock on the administrators' rows both counted two and went through.
 */
describe.each(dialects())('the last administrator on $name', (dialect) => {
  const t = freshAppEachTest(dialect);

  it.each([
    ['demote', { role: 'user' }],
    ['deactivate', { active: false }],
  ])('two administrators who %s each other at once: one goes through, the other is refused, one administrator is left', async (_verb, change) => {
    const first = await login(t.app);
    const second = await createUserAndLogin(t.app, first, { loginId: 'sato', role: 'admin' });
    const firstId = (await first.request('GET', '/api/me')).json().user.id;

    const barrier = dialect.name === 'postgres' ? await holdWritesTo(t.databaseUrl, 'audit_log') : undefined;
    const answers = Promise.all([first.request('PUT', `/api/users/${second.id}`, change), second.request('PUT', `/api/users/${firstId}`, change)]);
    if (barrier) expect(await barrier.releaseWhen((waiting) => waiting.length >= 2)).toHaveLength(2);
    const statuses = (await answers).map((answer) => answer.statusCode).sort();

    expect(statuses).toEqual([200, 409]);
    const admins = await t.ctx.db.selectFrom('users').select('login_id').where('role', '=', 'admin').where('active', '=', 1).execute();
    expect(admins).toHaveLength(1);
  });
});
