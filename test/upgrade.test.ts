import { readFileSync } from 'node:fs';
import { Migrator, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../src/server/app.js';
import { createContext } from '../src/server/bootstrap.js';
import { loadConfig } from '../src/server/config.js';
import type { AppContext } from '../src/server/context.js';
import { migrations, migrateToLatest } from '../src/server/db/migrate.js';
import { readMailSettings } from '../src/server/settings/mail-settings.record.js';
import { resolveDeliveryTarget } from '../src/server/transports/delivery-target.js';
import { freePort, runTayori } from './support/cli.js';
import { dialects } from './support/databases.js';
import { freshInstallationEachTest } from './support/installation.js';

/**
 * What the previous release (landed 2026-11-26: migrations foundation and mail_delivery) wrote,
 * taken from a real installation of it: settings applied with `tayori settings apply`, a user from
 * `tayori admin create`, a service token and a queued mail through its HTTP API.
 */
const RELEASE = JSON.parse(readFileSync(new URL('./fixtures/release-2026-11-26.json', import.meta.url), 'utf8')) as Record<string, Record<string, unknown>[]>;
const RELEASE_KEY = Buffer.alloc(32, 'k').toString('base64');
const RELEASE_TOKEN = 'tyr_pDQlA_mDBwc-fRP2AyqqBq-iyixaBLLn656jpxjwDL8';
const RELEASE_MIGRATIONS = ['2026112600_foundation', '2026112601_mail_delivery'];

describe.each(dialects())('upgrading the previous release on $name', (dialect) => {
  const installation = freshInstallationEachTest(dialect);
  let ctx: AppContext | undefined;

  afterEach(async () => {
    await ctx?.database.close();
    ctx = undefined;
  });

  it('going back to an older release after a newer one migrated: refused in the operator’s language, the database untouched', async () => {
    const env = installation.env({ TAYORI_LOG_LEVEL: 'silent', TAYORI_PORT: String(await freePort()) });
    expect((await runTayori(['migrate'], env)).code).toBe(0);
    ctx = createContext(loadConfig(env));
    await sql`insert into kysely_migration (name, timestamp) values (${'2099010100_from_a_newer_release'}, ${new Date().toISOString()})`.execute(ctx.db);
    const applied = async () => (await sql<{ name: string }>`select name from kysely_migration order by name`.execute(ctx!.db)).rows.map((row) => row.name);
    const before = await applied();

    const migrate = await runTayori(['migrate'], env);
    expect(migrate.code).toBe(1);
    expect(migrate.stderr.trim()).toBe(
      'このデータベースは、より新しいリリースの Tayori で更新されています(このリリースにないマイグレーション 2099010100_from_a_newer_release が適用済み)。そのリリースで起動するか、更新前のバックアップを戻してください。データベースには何も変更していません。',
    );
    const serve = await runTayori(['serve'], { ...env, LANG: 'en_US.UTF-8' });
    expect(serve.code).toBe(1);
    expect(serve.stderr).toContain('This database was migrated by a newer release of Tayori (migration 2099010100_from_a_newer_release, unknown to this release');
    expect(serve.stderr).not.toContain('corrupted');
    expect(await applied()).toEqual(before);
  });

  it('keeps every user, setting, secret, token and waiting mail, and the product works on them', async () => {
    ctx = createContext(
      loadConfig(installation.env({ TAYORI_SECRET_KEY: RELEASE_KEY, TAYORI_LOG_LEVEL: 'silent', TAYORI_LOGIN_RATE_LIMIT_PER_MINUTE: '0' })),
    );
    const released = Object.fromEntries(RELEASE_MIGRATIONS.map((name) => [name, migrations[name]]));
    const { error } = await new Migrator({ db: ctx.db, provider: { getMigrations: async () => released } }).migrateToLatest();
    if (error) throw error;
    for (const [table, rows] of Object.entries(RELEASE)) {
      if (rows.length > 0) await ctx.db.insertInto(table as 'users').values(rows as never).execute();
    }

    const applied = await migrateToLatest(ctx.database);
    expect(applied).toEqual(Object.keys(migrations).filter((name) => !RELEASE_MIGRATIONS.includes(name)).sort());

    const app = await buildApp(ctx);
    try {
      const signIn = (loginId: string, password: string) =>
        app.inject({ method: 'POST', url: '/api/session', payload: { loginId, password } });
      const admin = await signIn('admin', 'release-admin-pw');
      expect(admin.statusCode).toBe(200);
      // Login IDs are one identity whatever their case since the lockout work.
      expect((await signIn('tanaka', 'tanaka-password')).statusCode).toBe(200);
      const cookie = admin.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
      const get = async (url: string) => (await app.inject({ method: 'GET', url, headers: { cookie } })).json();

      const view = await get('/api/settings/mail');
      expect(view.version).toBe(1);
      expect(view.settings).toMatchObject({
        sendingEnabled: true,
        server: 'smtp',
        smtp: { host: 'smtp.example.co.jp', port: 587, security: 'starttls', authEnabled: true, username: 'mailer', passwordSet: true },
        senderAddress: 'info@example.co.jp',
        suspensionRecipients: ['ops@example.co.jp', 'it@example.co.jp'],
        gmail: { state: 'unauthorised', locked: false },
      });
      expect(view.settings.monitoring.kinds['data-source']).toMatchObject({ enabled: true, abnormalEnd: true, longRunningHours: 4 });
      const target = resolveDeliveryTarget(ctx, await readMailSettings(ctx.db));
      expect(target).toMatchObject({ ok: true, target: { auth: { user: 'mailer', pass: 'Old-S3cret!' } } });

      const [waiting] = (await get('/api/mail/deliveries')).deliveries;
      expect(waiting).toMatchObject({
        state: 'queued',
        to: 'tanaka@example.jp, sato@example.jp',
        cc: 'boss@example.jp',
        bcc: 'audit@example.jp',
        subject: 'ご注文ありがとうございます',
      });

      const again = await app.inject({
        method: 'POST',
        url: '/api/mail/messages',
        headers: { authorization: `Bearer ${RELEASE_TOKEN}`, 'idempotency-key': 'order-7' },
        payload: { to: 'tanaka@example.jp; sato@example.jp', cc: 'boss@example.jp', bcc: 'audit@example.jp', subject: 'ご注文ありがとうございます', text: '田中様' },
      });
      expect(again.statusCode).toBe(200);
      expect(again.json().delivery.id).toBe(waiting.id);
      expect((await get('/api/audit')).entries.map((e: { action: string }) => e.action)).toContain('settings.mail.update');
    } finally {
      await app.close();
    }
  });
});
