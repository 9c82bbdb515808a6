import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../src/server/logger.js';
import { ADMIN_PASSWORD, type Client, createTestApp, createUserAndLogin, login, type TestApp } from './support/app.js';
import { dialects } from './support/databases.js';

const sessionTokenOf = (client: Client) => client.cookie.slice(client.cookie.indexOf('=') + 1);

describe.each(dialects())('logs on $name', (dialect) => {
  let t: TestApp;
  let log: string;

  beforeEach(async ({ skip }) => {
    if (dialect.skip) skip('no PostgreSQL');
    log = '';
    const sink = new Writable({
      write(chunk, _encoding, done) {
        log += String(chunk);
        done();
      },
    });
    t = await createTestApp(dialect, { log: createLogger('trace', sink) });
  });
  afterEach(async () => {
    await t?.close();
  });

  it('never contain a password, a session cookie or a CSRF token, even at trace level', async () => {
    const admin = await login(t.app);
    const failed = await t.app.inject({
      method: 'POST',
      url: '/api/session',
      payload: { loginId: 'admin', password: 'wrong-password-xyz' },
    });
    expect(failed.statusCode).toBe(401);
    const user = await createUserAndLogin(t.app, admin, { loginId: 'tanaka', password: 'first-password-11' });
    const changed = await user.request('PUT', '/api/me/password', {
      currentPassword: 'first-password-11',
      newPassword: 'changed-by-user-22',
    });
    expect(changed.statusCode).toBe(204);
    expect((await admin.request('PUT', `/api/users/${user.id}/password`, { password: 'set-by-admin-33' })).statusCode).toBe(204);

    // The capture really holds the requests, so the absences below mean something.
    expect(log).toContain('/api/me/password');
    expect(log).toContain(`/api/users/${user.id}/password`);
    for (const secret of [
      ADMIN_PASSWORD,
      'wrong-password-xyz',
      'first-password-11',
      'changed-by-user-22',
      'set-by-admin-33',
      sessionTokenOf(admin),
      sessionTokenOf(user),
      admin.csrfToken,
      user.csrfToken,
    ]) {
      expect(log).not.toContain(secret);
    }
  });
});
