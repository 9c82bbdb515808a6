import { beforeEach, describe, expect, it } from 'vitest';
import { type Client, createUserAndLogin, freshAppEachTest, login } from './support/app.js';
import { type TestClock, testClock } from './support/clock.js';
import { dialects } from './support/databases.js';
import { smtpSettingsForm } from './support/mail-settings.js';

describe.each(dialects())('writes that change nothing on $name', (dialect) => {
  let admin: Client;
  let clock: TestClock;
  const t = freshAppEachTest(dialect, () => {
    clock = testClock();
    return { clock };
  });

  beforeEach(async () => {
    admin = await login(t.app);
  });

  const auditActions = async (action: string) =>
    (await admin.request('GET', `/api/audit?action=${action}`)).json().entries as { action: string; details: unknown }[];

  it('revoking a revoked token answers the same and audits once', async () => {
    const { token } = (await admin.request('POST', '/api/mail/tokens', { name: '販売管理' })).json();
    const first = await admin.request('DELETE', `/api/mail/tokens/${token.id}`);
    clock.advance(60_000);
    const second = await admin.request('DELETE', `/api/mail/tokens/${token.id}`);
    expect(first.statusCode).toBe(200);
    expect(second.statusCode).toBe(200);
    expect(second.json()).toEqual(first.json());
    expect(await auditActions('service_token.revoke')).toHaveLength(1);
  });

  it('saving the mail settings again unchanged keeps the version and writes no audit entry', async () => {
    const form = smtpSettingsForm(2525, { smtp: { authEnabled: true, username: 'mailer', password: 'S3cret-pass' } });
    const first = (await admin.request('PUT', '/api/settings/mail', form)).json();
    clock.advance(60_000);
    const { password: _writeOnly, ...smtpWithoutPassword } = form.smtp!;
    const again = await admin.request('PUT', '/api/settings/mail', { ...form, smtp: smtpWithoutPassword, version: first.version });
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json()).toEqual(first);
    expect(await auditActions('settings.mail.update')).toHaveLength(1);

    const changed = (await admin.request('PUT', '/api/settings/mail', { ...form, smtp: smtpWithoutPassword, suspensionRecipients: 'new@example.jp' })).json();
    expect(changed.version).toBe(first.version + 1);
    expect(await auditActions('settings.mail.update')).toHaveLength(2);
  });

  it('saving the organisation or a user unchanged writes nothing', async () => {
    const organisation = { name: '株式会社テスト', defaultLocale: 'ja', timeZone: 'Asia/Tokyo' };
    const saved = (await admin.request('PUT', '/api/organisation', organisation)).json();
    clock.advance(60_000);
    expect((await admin.request('PUT', '/api/organisation', organisation)).json()).toEqual(saved);
    expect(await auditActions('organisation.update')).toHaveLength(1);

    const user = await createUserAndLogin(t.app, admin, { loginId: 'tanaka' });
    const before = (await admin.request('GET', `/api/users/${user.id}`)).json();
    clock.advance(60_000);
    const same = await admin.request('PUT', `/api/users/${user.id}`, { displayName: 'tanaka', role: 'user', active: true });
    expect(same.json()).toEqual(before);
    expect(await user.request('PUT', '/api/me', { locale: 'ja' }).then((r) => r.json())).toEqual(before);
    expect(await auditActions('user.update')).toEqual([]);
    expect(await auditActions('me.update')).toEqual([]);
  });
});
