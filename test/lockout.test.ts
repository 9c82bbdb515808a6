import { beforeEach, describe, expect, it } from 'vitest';
import { neededWidthFor, recordLoginFailure, recordLoginFailureShortOfThreshold } from '../src/server/accounts/lockout.repository.js';
import { type Client, createUserAndLogin, freshAppEachTest, login } from './support/app.js';
import { type TestClock, testClock } from './support/clock.js';
import { dialects } from './support/databases.js';
import {
  ATTEMPT_IP,
  attemptLogin,
  failLogins,
  setLockoutPolicy,
  suspensionDeliveries,
  suspensions,
} from './support/lockout.js';
import { saveMailSettings, smtpSettingsForm } from './support/mail-settings.js';

const MINUTE = 60_000;
const PASSWORD = 'user-password-1';

describe.each(dialects())('アカウント停止 on $name', (dialect) => {
  let clock: TestClock;
  let admin: Client;
  const t = freshAppEachTest(dialect, () => {
    clock = testClock('2026-04-01T00:00:00.000Z');
    return { clock };
  });

  beforeEach(async () => {
    admin = await login(t.app);
  });

  const canSignIn = async (loginId: string, password = PASSWORD) => (await attemptLogin(t.app, loginId, password)).statusCode === 200;
  const auditActions = async () => (await admin.request('GET', '/api/audit?limit=200')).json().entries;

  describe('the policy', () => {
    it('starts at 5 failures in 30 minutes for 30 minutes, and saves a new one with its version, audited', async () => {
      expect((await admin.request('GET', '/api/settings/lockout')).json()).toEqual({
        threshold: 5,
        windowMinutes: 30,
        durationMinutes: 30,
        version: 0,
      });
      const saved = await admin.request('PUT', '/api/settings/lockout', { threshold: 3, windowMinutes: 10, durationMinutes: null, version: 0 });
      expect(saved.statusCode).toBe(200);
      expect(saved.json()).toEqual({ threshold: 3, windowMinutes: 10, durationMinutes: null, version: 1 });
      expect((await admin.request('GET', '/api/settings/lockout')).json()).toEqual(saved.json());

      const entry = (await auditActions()).find((e: { action: string }) => e.action === 'settings.lockout.update');
      expect(entry).toMatchObject({ actor: 'admin' });
      expect(entry.details.changes).toEqual({
        threshold: { before: 5, after: 3 },
        windowMinutes: { before: 30, after: 10 },
        durationMinutes: { before: 30, after: null },
      });
    });

    it('refuses a save over a newer version with 409 and keeps the newer one', async () => {
      await setLockoutPolicy(admin, { threshold: 4, windowMinutes: 30, durationMinutes: 30, version: 0 });
      const stale = await admin.request('PUT', '/api/settings/lockout', { threshold: 9, windowMinutes: 30, durationMinutes: 30, version: 0 });
      expect(stale.statusCode).toBe(409);
      expect(stale.json().error.code).toBe('error.conflict');
      expect((await admin.request('GET', '/api/settings/lockout')).json()).toMatchObject({ threshold: 4, version: 1 });
    });

    it('lists every bad field with its path, in the reader’s language, and saves nothing', async () => {
      const bad = await admin.request('PUT', '/api/settings/lockout', {
        threshold: 0,
        windowMinutes: 1441,
        durationMinutes: 2.5,
        version: 'one',
        note: 'x',
      });
      expect(bad.statusCode).toBe(422);
      expect(bad.json().error.fields).toEqual([
        { path: 'threshold', code: 'validation.too_small', message: '1以上の値を入力してください。' },
        { path: 'windowMinutes', code: 'validation.too_big', message: '1440以下の値を入力してください。' },
        { path: 'durationMinutes', code: 'validation.not_integer', message: '整数で入力してください。' },
        { path: 'version', code: 'validation.expected_number', message: '数値で指定してください。' },
        { path: 'note', code: 'validation.unknown_field', message: 'この項目は受け付けられません。' },
      ]);

      const english = await admin.request(
        'PUT',
        '/api/settings/lockout',
        { threshold: '5', windowMinutes: 1e308, durationMinutes: 0 },
        { 'accept-language': 'en' },
      );
      expect(english.statusCode).toBe(422);
      expect(english.json().error.fields.map((f: { path: string; code: string }) => [f.path, f.code])).toEqual([
        ['threshold', 'validation.expected_number'],
        ['windowMinutes', 'validation.too_big'],
        ['durationMinutes', 'validation.too_small'],
      ]);

      const missing = await admin.request('PUT', '/api/settings/lockout', { threshold: 101, windowMinutes: 30 });
      expect(missing.json().error.fields.map((f: { path: string; code: string }) => [f.path, f.code])).toEqual([
        ['threshold', 'validation.too_big'],
        ['durationMinutes', 'validation.required'],
      ]);
      for (const body of [[], 42, { threshold: null, windowMinutes: null, durationMinutes: null }]) {
        expect((await admin.request('PUT', '/api/settings/lockout', body)).statusCode).toBe(422);
      }
      expect((await admin.request('GET', '/api/settings/lockout')).json().version).toBe(0);
    });
  });

  describe('counting failures', () => {
    let user: Client & { id: string };

    beforeEach(async () => {
      user = await createUserAndLogin(t.app, admin, { loginId: 'tanaka', email: 'tanaka@example.jp' });
    });

    it('suspends at exactly the threshold, listing the failures and the source IP', async () => {
      await setLockoutPolicy(admin, { threshold: 3, windowMinutes: 30, durationMinutes: 30 });
      await failLogins(t.app, 'tanaka', 2);
      expect(await suspensions(admin)).toEqual([]);
      expect(await suspensionDeliveries(admin)).toEqual([]);

      await failLogins(t.app, 'tanaka', 1);
      expect(await suspensions(admin)).toEqual([
        {
          userId: user.id,
          loginId: 'tanaka',
          displayName: 'tanaka',
          suspendedAt: '2026-04-01T00:00:00.000Z',
          resumesAt: '2026-04-01T00:30:00.000Z',
          failures: 3,
          lastIp: ATTEMPT_IP,
        },
      ]);
      expect(await canSignIn('tanaka')).toBe(false);
      const suspendedEntry = (await auditActions()).find((e: { action: string }) => e.action === 'account.suspend');
      expect(suspendedEntry).toMatchObject({ target: 'tanaka', ip: ATTEMPT_IP, details: { failures: 3 } });
    });

    it('starts counting again when the last failure is outside the window', async () => {
      await setLockoutPolicy(admin, { threshold: 3, windowMinutes: 10, durationMinutes: 30 });
      await failLogins(t.app, 'tanaka', 2);
      clock.advance(10 * MINUTE); // the second failure is now exactly one window old: it no longer counts
      await failLogins(t.app, 'tanaka', 2);
      expect(await suspensions(admin)).toEqual([]);
      clock.advance(9 * MINUTE);
      await failLogins(t.app, 'tanaka', 1);
      expect((await suspensions(admin)).map((s) => s.failures)).toEqual([3]);
    });

    it('counts failures within a window from the first of them, not from each one to the next', async () => {
      await setLockoutPolicy(admin, { threshold: 3, windowMinutes: 10, durationMinutes: 30 });
      for (const _ of [1, 2, 3]) {
        await failLogins(t.app, 'tanaka', 1);
        clock.advance(6 * MINUTE);
      }
      // Before, each came within 10 minutes of the one before, and 3 failures over 12 minutes suspended it.
      expect(await suspensions(admin)).toEqual([]);
      // The third began a new window: two more within it make three.
      await failLogins(t.app, 'tanaka', 1);
      expect(await suspensions(admin)).toEqual([]);
      clock.advance(3 * MINUTE);
      await failLogins(t.app, 'tanaka', 1);
      expect((await suspensions(admin)).map((s) => s.failures)).toEqual([3]);
    });

    it('counts the failures of the last window however they fall: a burst across the end of a first failure’s window suspends', async () => {
      await setLockoutPolicy(admin, { threshold: 5, windowMinutes: 10, durationMinutes: 30 });
      await failLogins(t.app, 'tanaka', 1);
      clock.advance(10 * MINUTE - 1_000);
      await failLogins(t.app, 'tanaka', 3);
      clock.advance(2_000);
      // The first failure is out of the window now; the three of a second ago are in it.
      await failLogins(t.app, 'tanaka', 1);
      expect(await suspensions(admin)).toEqual([]);
      // Before, the window ran from the first failure: it began again here at 1, and four more
      // (eight guesses in two seconds) still did not reach 5.
      await failLogins(t.app, 'tanaka', 1);
      expect((await suspensions(admin)).map((s) => s.failures)).toEqual([5]);
    });

    it('keeps as many failures as the largest threshold needs: the 100th within the window suspends, 150 spread wider never do', async () => {
      const failure = (secondsIn: number, windowSeconds: number) => {
        const at = new Date(Date.parse('2026-04-02T00:00:00.000Z') + secondsIn * 1000);
        return {
          userId: user.id,
          at: at.toISOString(),
          countAfter: new Date(at.getTime() - windowSeconds * 1000).toISOString(),
          threshold: 100,
          neededWidth: neededWidthFor(100),
          resumesAt: null,
          ip: ATTEMPT_IP,
        };
      };
      // One failure every 10 s in a window of 990 s holds 99 of them: never 100.
      for (let i = 0; i < 150; i++) expect(await recordLoginFailureShortOfThreshold(t.ctx.db, failure(i * 10, 990)), `failure ${i}`).toBe(true);
      const row = await t.ctx.db.selectFrom('account_lockouts').selectAll().where('user_id', '=', user.id).executeTakeFirstOrThrow();
      expect(row.recent_failures).toHaveLength(99 * 24);
      expect(row.recent_failures.slice(-24)).toBe(failure(1490, 990).at);
      // In a window of 1000 s, the 99 before it and the next one make 100.
      expect(await recordLoginFailureShortOfThreshold(t.ctx.db, failure(1500, 1000))).toBe(false);
      expect(await recordLoginFailure(t.ctx.db, failure(1500, 1000))).toMatchObject({ suspended_at: failure(1500, 1000).at, suspension_failures: 100, recent_failures: '' });
    });

    it('resets the count on a successful login', async () => {
      await setLockoutPolicy(admin, { threshold: 3, windowMinutes: 30, durationMinutes: 30 });
      await failLogins(t.app, 'tanaka', 2);
      expect(await canSignIn('tanaka')).toBe(true);
      await failLogins(t.app, 'tanaka', 2);
      expect(await suspensions(admin)).toEqual([]);
    });

    it('neither counts nor extends attempts while suspended, and resumes by itself at 再開日時', async () => {
      await setLockoutPolicy(admin, { threshold: 2, windowMinutes: 30, durationMinutes: 30 });
      await failLogins(t.app, 'tanaka', 2);
      const [suspension] = await suspensions(admin);

      clock.advance(10 * MINUTE);
      await failLogins(t.app, 'tanaka', 4);
      expect(await canSignIn('tanaka')).toBe(false);
      expect(await suspensions(admin)).toEqual([suspension]);
      expect(await suspensionDeliveries(admin)).toHaveLength(1);

      clock.set(new Date(new Date(suspension.resumesAt!).getTime() - 1));
      expect(await canSignIn('tanaka')).toBe(false);
      clock.set(suspension.resumesAt!);
      expect(await suspensions(admin)).toEqual([]);
      expect(await canSignIn('tanaka')).toBe(true);

      // The suspension reset the count: one more failure does not suspend again.
      await failLogins(t.app, 'tanaka', 1);
      expect(await suspensions(admin)).toEqual([]);
      expect(await canSignIn('tanaka')).toBe(true);
    });

    it('keeps a 無期限 suspension until an administrator lifts it, audited', async () => {
      await setLockoutPolicy(admin, { threshold: 1, windowMinutes: 30, durationMinutes: null });
      await failLogins(t.app, 'tanaka', 1);
      clock.advance(30 * 24 * 60 * MINUTE);
      expect(await canSignIn('tanaka')).toBe(false);
      admin = await login(t.app); // the administrator's session ended meanwhile
      expect(await suspensions(admin)).toMatchObject([{ loginId: 'tanaka', resumesAt: null, failures: 1 }]);

      expect((await admin.request('DELETE', `/api/suspensions/${user.id}`)).statusCode).toBe(204);
      expect(await suspensions(admin)).toEqual([]);
      expect(await canSignIn('tanaka')).toBe(true);
      const lifted = (await auditActions()).find((e: { action: string }) => e.action === 'account.unlock');
      expect(lifted).toMatchObject({ actor: 'admin', target: 'tanaka', details: { failures: 1 } });

      const again = await admin.request('DELETE', `/api/suspensions/${user.id}`);
      expect(again.statusCode).toBe(404);
      expect(again.json().error.message).toBe('このアカウントは停止されていません。');
      expect((await admin.request('DELETE', '/api/suspensions/no-such-user')).statusCode).toBe(404);
    });

    it('an administrator who sets a new password lifts the suspension, so the user can sign in with it at once', async () => {
      await setLockoutPolicy(admin, { threshold: 2, windowMinutes: 30, durationMinutes: 30 });
      await failLogins(t.app, 'tanaka', 2);
      expect(await suspensions(admin)).toHaveLength(1);
      expect((await admin.request('PUT', `/api/users/${user.id}/password`, { password: 'fresh-password-9' })).statusCode).toBe(204);
      expect(await suspensions(admin)).toEqual([]);
      expect(await canSignIn('tanaka', 'fresh-password-9')).toBe(true);
      const lifted = (await auditActions()).find((e: { action: string }) => e.action === 'account.unlock');
      expect(lifted).toMatchObject({ actor: 'admin', target: 'tanaka', details: { failures: 2, reason: 'password_set' } });
    });

    it('lifting early gives a fresh count', async () => {
      await setLockoutPolicy(admin, { threshold: 2, windowMinutes: 30, durationMinutes: 30 });
      await failLogins(t.app, 'tanaka', 2);
      await admin.request('DELETE', `/api/suspensions/${user.id}`);
      await failLogins(t.app, 'tanaka', 1);
      expect(await suspensions(admin)).toEqual([]);
      expect(await canSignIn('tanaka')).toBe(true);
    });

    it('does not count failures of a deactivated account, nor mail anyone about it', async () => {
      await setLockoutPolicy(admin, { threshold: 1, windowMinutes: 30, durationMinutes: 30 });
      await admin.request('PUT', `/api/users/${user.id}`, { active: false });
      await failLogins(t.app, 'tanaka', 3);
      expect(await suspensions(admin)).toEqual([]);
      expect(await suspensionDeliveries(admin)).toEqual([]);
    });

    it('writes one mail to the user and one to each recipient per suspension, suppressed while sending is 無効', async () => {
      await saveMailSettings(admin, smtpSettingsForm(2525, { sendingEnabled: false, suspensionRecipients: 'ops@example.jp; audit@example.jp' }));
      await setLockoutPolicy(admin, { threshold: 2, windowMinutes: 30, durationMinutes: 30 });
      await failLogins(t.app, 'tanaka', 5);
      const deliveries = await suspensionDeliveries(admin);
      expect(deliveries.map((d) => [d.to, d.state])).toEqual([
        ['tanaka@example.jp', 'suppressed'],
        ['ops@example.jp', 'suppressed'],
        ['audit@example.jp', 'suppressed'],
      ]);
    });
  });

  describe('login IDs', () => {
    it('are one identity whatever their case', async () => {
      const created = await createUserAndLogin(t.app, admin, { loginId: 'Tanaka' });
      expect(await canSignIn('TANAKA')).toBe(true);
      const session = await attemptLogin(t.app, 'tanaka', PASSWORD);
      expect(session.json().user).toMatchObject({ id: created.id, loginId: 'Tanaka' });

      const twin = await admin.request('POST', '/api/users', { loginId: 'tanaka', displayName: 'x', password: PASSWORD });
      expect(twin.statusCode).toBe(422);
      expect(twin.json().error.fields).toEqual([expect.objectContaining({ path: 'loginId', code: 'accounts.login_id_taken' })]);

      await setLockoutPolicy(admin, { threshold: 3, windowMinutes: 30, durationMinutes: 30 });
      await failLogins(t.app, 'tanaka', 1);
      await failLogins(t.app, 'TANAKA', 1);
      await failLogins(t.app, 'TaNaKa', 1);
      expect((await suspensions(admin)).map((s) => s.loginId)).toEqual(['Tanaka']);
    });

    it('fold only ASCII letters: the Kelvin sign is not a k', async () => {
      await createUserAndLogin(t.app, admin, { loginId: 'kato' });
      expect(await canSignIn('\u212Aato')).toBe(false);
    });
  });

  describe('the refusal', () => {
    const comparable = (response: { statusCode: number; headers: Record<string, unknown>; rawPayload: Buffer }) => {
      const { date, ...headers } = response.headers;
      return { status: response.statusCode, headers, body: response.rawPayload.toString('base64') };
    };

    it('is the same for a suspended account, an unknown ID, a deactivated account and a wrong password', async () => {
      await setLockoutPolicy(admin, { threshold: 1, windowMinutes: 30, durationMinutes: 30 });
      await createUserAndLogin(t.app, admin, { loginId: 'suspended' });
      const deactivated = await createUserAndLogin(t.app, admin, { loginId: 'deactivated' });
      await createUserAndLogin(t.app, admin, { loginId: 'wrong' });
      await admin.request('PUT', `/api/users/${deactivated.id}`, { active: false });
      await failLogins(t.app, 'suspended', 1);

      for (const headers of [{}, { 'accept-language': 'en' }] as Record<string, string>[]) {
        const answers = [
          await attemptLogin(t.app, 'suspended', PASSWORD, headers),
          await attemptLogin(t.app, 'nobody', PASSWORD, headers),
          await attemptLogin(t.app, 'deactivated', PASSWORD, headers),
          await attemptLogin(t.app, 'wrong', 'not-the-password', headers),
        ];
        expect(answers[0].statusCode).toBe(401);
        for (const answer of answers.slice(1)) expect(comparable(answer)).toEqual(comparable(answers[0]));
      }
    });
  });
});
