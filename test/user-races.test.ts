import { describe, expect, it } from 'vitest';
import { createUserAndLogin, freshAppEachTest, login } from './support/app.js';
import { dialects } from './support/databases.js';
import { holdWritesTo } from './support/lock-barrier.js';

/**
 * Two administrators changing users at the same moment, as on two instances. On PostgreSQL both
 * changes are held at a barrier (a lock on a table both write) until both wait there: both then
 * really are inside their transactions at once.
 */
describe.each(dialects())('users changed at once on $name', (dialect) => {
  const t = freshAppEachTest(dialect);

  it.each([
    ['demote', { role: 'user' }],
    ['deactivate', { active: false }],
  ])('two administrators who %s each other: one goes through, the other is refused, one administrator is left', async (_verb, change) => {
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

  it('two administrators who add the same login ID in different case: one is added, the other told it is taken', async () => {
    const first = await login(t.app);
    const second = await createUserAndLogin(t.app, first, { loginId: 'sato', role: 'admin' });
    const barrier = dialect.name === 'postgres' ? await holdWritesTo(t.databaseUrl, 'users') : undefined;
    const add = (admin: typeof first, loginId: string) =>
      admin.request('POST', '/api/users', { loginId, displayName: '鈴木 一郎', password: 'suzuki-pass-1' });
    const answers = Promise.all([add(first, 'suzuki'), add(second, 'Suzuki')]);
    if (barrier) expect(await barrier.releaseWhen((waiting) => waiting.length >= 2)).toHaveLength(2);
    const [a, b] = await answers;
    expect([a.statusCode, b.statusCode].sort()).toEqual([201, 422]);
    const refused = a.statusCode === 422 ? a : b;
    expect(refused.json().error.fields).toEqual([{ path: 'loginId', code: 'accounts.login_id_taken', message: expect.any(String) }]);
  });
});
