import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../src/server/app.js';
import { createContext } from '../src/server/bootstrap.js';
import { loadConfig } from '../src/server/config.js';
import { migrateToLatest } from '../src/server/db/migrate.js';
import { createMailApi } from '../src/server/outbox/enqueue.js';
import { OutboxWorker } from '../src/server/outbox/worker.js';
import { createSecretBox, generateKey, keyFilePath, keyId, loadKeyRing, readKeyFile, retiredKeyFilePath } from '../src/server/security/secret-box.js';
import { createTestApp, login, type TestApp } from './support/app.js';
import { runTayori } from './support/cli.js';
import { testClock } from './support/clock.js';
import { dialects, tempDir } from './support/databases.js';
import { freshInstallationEachTest } from './support/installation.js';
import { smtpSettingsForm } from './support/mail-settings.js';
import { startSmtpSink } from './support/smtp-sink.js';

const PURPOSE = 'mail_settings.smtp_password';

describe('secret box', () => {
  const box = createSecretBox([generateKey()]);

  it('decrypts what it encrypted, and the ciphertext shows nothing of the secret', () => {
    const ciphertext = box.encrypt('パスワード-123', PURPOSE);
    expect(ciphertext).not.toContain('123');
    expect(box.keyIdOf(ciphertext)).toBe(box.currentKeyId);
    expect(box.decrypt(ciphertext, PURPOSE)).toBe('パスワード-123');
  });

  it('refuses a ciphertext moved to another column', () => {
    const ciphertext = box.encrypt('smtp-pass', PURPOSE);
    expect(() => box.decrypt(ciphertext, 'mail_settings.gmail_refresh_token')).toThrow();
  });

  it('refuses a tampered ciphertext', () => {
    const parts = box.encrypt('smtp-pass', PURPOSE).split(':');
    const body = Buffer.from(parts[4], 'base64');
    body[0] ^= 1;
    parts[4] = body.toString('base64');
    expect(() => box.decrypt(parts.join(':'), PURPOSE)).toThrow();
  });

  it('refuses a ciphertext of a key it does not hold', () => {
    const other = createSecretBox([generateKey()]);
    expect(() => box.decrypt(other.encrypt('smtp-pass', PURPOSE), PURPOSE)).toThrow(/not in the key ring/);
  });
});

describe('key file', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = tempDir();
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('is created on first use, readable only by its owner, and reused afterwards', () => {
    const first = loadKeyRing(undefined, join(dataDir, 'data'));
    expect(statSync(keyFilePath(join(dataDir, 'data'))).mode & 0o777).toBe(0o600);
    expect(loadKeyRing(undefined, join(dataDir, 'data'))).toEqual(first);
  });

  it('holds one key when several processes start at once on a new data dir', async () => {
    const secretBox = fileURLToPath(new URL('../src/server/security/secret-box.ts', import.meta.url));
    const rounds = Array.from({ length: 10 }, (_, round) => join(dataDir, `round-${round}`));
    // A barrier each round: every process says it is ready and waits for "go" on its standard
    // input, so all of them are alive and about to read the key file before any of them does.
    const script = `
      import { createInterface } from 'node:readline';
      import { loadKeyRing } from ${JSON.stringify(secretBox)};
      const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
      for (const dir of ${JSON.stringify(rounds)}) {
        console.log('ready');
        await lines.next();
        console.log('key ' + loadKeyRing(undefined, dir)[0]);
      }
      process.exit(0);`;
    const children = Array.from({ length: 4 }, () => {
      const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script]);
      let output = '';
      const waiters: (() => void)[] = [];
      const wakeAll = () => waiters.splice(0).forEach((wake) => wake());
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        output += chunk;
        wakeAll();
      });
      child.once('close', wakeAll);
      const readyCount = () => output.match(/^ready$/gm)?.length ?? 0;
      const ready = async (round: number) => {
        while (readyCount() <= round) {
          if (child.exitCode !== null) throw new Error(`a process ended before round ${round}: ${output}`);
          await new Promise<void>((wake) => waiters.push(wake));
        }
      };
      const exited = once(child, 'close').then(([code]) => ({ code, keys: [...output.matchAll(/^key (.+)$/gm)].map((m) => m[1]) }));
      return { child, ready, exited };
    });
    for (let round = 0; round < rounds.length; round++) {
      await Promise.all(children.map((c) => c.ready(round)));
      for (const { child } of children) child.stdin.write('go\n');
    }
    const results = await Promise.all(children.map((c) => c.exited));
    const stored = rounds.map((dir) => loadKeyRing(undefined, dir)[0]);
    expect(results).toEqual(results.map(() => ({ code: 0, keys: stored })));
  });
});

describe.each(dialects())('secrets rotate on $name', (dialect) => {
  const installation = freshInstallationEachTest(dialect);
  const envWith = (extra: Record<string, string> = {}) =>
    installation.env({ TAYORI_INITIAL_ADMIN_PASSWORD: 'initial-admin-password', TAYORI_LOG_LEVEL: 'silent', ...extra });

  /** Stores an SMTP password as the settings screen would; returns the id of the key used. */
  async function storeSmtpPassword(env: Record<string, string>, password: string): Promise<string> {
    const ctx = createContext(loadConfig(env));
    try {
      await migrateToLatest(ctx.database);
      await ctx.db
        .insertInto('mail_settings')
        .values({
          id: 1,
          document: '{}',
          smtp_password: ctx.secrets.encrypt(password, PURPOSE),
          version: 1,
          updated_at: new Date().toISOString(),
        })
        .execute();
      return ctx.secrets.currentKeyId;
    } finally {
      await ctx.database.close();
    }
  }

  /** Stores an SMTP password and returns its ciphertext, as a backup taken then would hold it. */
  async function storedSmtpPasswordAfter(env: Record<string, string>, password: string): Promise<string> {
    await storeSmtpPassword(env, password);
    return storedSmtpPassword(env);
  }

  async function putSmtpPassword(env: Record<string, string>, ciphertext: string): Promise<void> {
    const ctx = createContext(loadConfig(env));
    try {
      await ctx.db.updateTable('mail_settings').set({ smtp_password: ciphertext }).execute();
    } finally {
      await ctx.database.close();
    }
  }

  async function storedSmtpPassword(env: Record<string, string>): Promise<string> {
    const ctx = createContext(loadConfig(env));
    try {
      const row = await ctx.db.selectFrom('mail_settings').select('smtp_password').executeTakeFirstOrThrow();
      return row.smtp_password!;
    } finally {
      await ctx.database.close();
    }
  }

  it('with the key file: encrypts every secret with a new key and keeps only that key', async () => {
    const oldKeyId = await storeSmtpPassword(envWith(), 'smtp-pass-1');

    const result = await runTayori(['secrets', 'rotate'], envWith());
    expect(result.code, result.stderr).toBe(0);

    const ring = loadKeyRing(undefined, installation.dataDir);
    expect(ring).toHaveLength(1);
    const newKeyId = keyId(Buffer.from(ring[0], 'base64'));
    expect(newKeyId).not.toBe(oldKeyId);
    expect(result.stdout).toContain(`1件の秘密情報を鍵 ${newKeyId} で暗号化し直しました。`);
    const ciphertext = await storedSmtpPassword(envWith());
    expect(createSecretBox(ring).keyIdOf(ciphertext)).toBe(newKeyId);
    expect(createSecretBox(ring).decrypt(ciphertext, PURPOSE)).toBe('smtp-pass-1');
    expect(statSync(keyFilePath(installation.dataDir)).mode & 0o777).toBe(0o600);

    // The replaced key is kept apart, decrypt only, for backups made before the rotation.
    const retiredFile = retiredKeyFilePath(installation.dataDir);
    expect(result.stdout).toContain(`古い鍵は ${retiredFile} に移しました`);
    expect(statSync(retiredFile).mode & 0o777).toBe(0o600);
    expect(readKeyFile(retiredFile).map((key) => keyId(Buffer.from(key, 'base64')))).toEqual([oldKeyId]);
  });

  it('with the key file: a running instance encrypts with the new key and reads re-encrypted secrets at once', async () => {
    await storeSmtpPassword(envWith(), 'smtp-pass-3');
    const running = createContext(loadConfig(envWith()));
    try {
      const oldKeyId = running.secrets.currentKeyId;
      expect((await runTayori(['secrets', 'rotate'], envWith())).code).toBe(0);
      const newKeyId = keyId(Buffer.from(loadKeyRing(undefined, installation.dataDir)[0], 'base64'));
      expect(running.secrets.decrypt(await storedSmtpPassword(envWith()), PURPOSE)).toBe('smtp-pass-3');
      expect(running.secrets.currentKeyId).toBe(newKeyId);
      expect(running.secrets.keyIdOf(running.secrets.encrypt('saved after the rotation', PURPOSE))).toBe(newKeyId);
      expect(newKeyId).not.toBe(oldKeyId);
    } finally {
      await running.database.close();
    }
  });

  it('with the key file: a backup from before a rotation still decrypts, and the next rotation moves it to the new key', async () => {
    const envelope = await storedSmtpPasswordAfter(envWith(), 'smtp-pass-4');
    expect((await runTayori(['secrets', 'rotate'], envWith())).code).toBe(0);
    await putSmtpPassword(envWith(), envelope); // as restoring the backup would
    const restored = createContext(loadConfig(envWith()));
    try {
      expect(restored.secrets.decrypt(envelope, PURPOSE)).toBe('smtp-pass-4');
    } finally {
      await restored.database.close();
    }
    expect((await runTayori(['secrets', 'rotate'], envWith())).stdout).toContain('1件の秘密情報を鍵');
    const current = createSecretBox(loadKeyRing(undefined, installation.dataDir));
    expect(current.decrypt(await storedSmtpPassword(envWith()), PURPOSE)).toBe('smtp-pass-4');
  });

  it('changes nothing when a stored secret is under a key it does not have, or when there is no key at all', async () => {
    await storeSmtpPassword(envWith({ TAYORI_SECRET_KEY: generateKey() }), 'smtp-pass-5');
    const stored = await storedSmtpPassword(envWith({ TAYORI_SECRET_KEY: generateKey() }));

    // The operator's shell lacks the service's TAYORI_SECRET_KEY: no key file is made up.
    const withoutKey = await runTayori(['secrets', 'rotate'], envWith());
    expect(withoutKey).toMatchObject({ code: 1, stdout: '' });
    expect(withoutKey.stderr).toContain(`鍵ファイル ${keyFilePath(installation.dataDir)} がありません。`);
    expect(existsSync(keyFilePath(installation.dataDir))).toBe(false);

    const wrongKeys = await runTayori(['secrets', 'rotate'], envWith({ TAYORI_SECRET_KEY: generateKey(), LANG: 'en_US.UTF-8' }));
    expect(wrongKeys).toMatchObject({ code: 1, stdout: '' });
    expect(wrongKeys.stderr).toContain('Some stored secrets are encrypted with a key this configuration does not have');
    expect(await storedSmtpPassword(envWith({ TAYORI_SECRET_KEY: generateKey() }))).toBe(stored);
  });

  it('with TAYORI_SECRET_KEY=new,old: afterwards the new key alone decrypts every secret', async () => {
    const [oldKey, newKey] = [generateKey(), generateKey()];
    await storeSmtpPassword(envWith({ TAYORI_SECRET_KEY: oldKey }), 'smtp-pass-2');

    const result = await runTayori(['secrets', 'rotate'], envWith({ TAYORI_SECRET_KEY: `${newKey},${oldKey}` }));
    expect(result.code, result.stderr).toBe(0);

    const ciphertext = await storedSmtpPassword(envWith({ TAYORI_SECRET_KEY: newKey }));
    const newOnly = createSecretBox([newKey]);
    expect(newOnly.keyIdOf(ciphertext)).toBe(newOnly.currentKeyId);
    expect(newOnly.decrypt(ciphertext, PURPOSE)).toBe('smtp-pass-2');
    expect(existsSync(keyFilePath(installation.dataDir))).toBe(false);
  });
});

describe.each(dialects())('a stored secret the key cannot decrypt, on $name', (dialect) => {
  let t: TestApp;
  const clock = testClock();
  const closeAfter: (() => Promise<void>)[] = [];

  beforeEach(async ({ skip }) => {
    if (dialect.skip) skip('no PostgreSQL');
    t = await createTestApp(dialect, { clock, env: { TAYORI_SECRET_KEY: generateKey(), TAYORI_TRANSPORT_ALERT_AFTER_MS: '300000' } });
  });
  afterEach(async () => {
    for (const close of closeAfter.splice(0).reverse()) await close();
    await t?.close();
  });

  /** The same installation started with another TAYORI_SECRET_KEY, as after a mistaken key change. */
  async function withAnotherKey() {
    const ctx = createContext(
      loadConfig({ TAYORI_DATA_DIR: t.dataDir, TAYORI_DATABASE_URL: t.databaseUrl, TAYORI_SECRET_KEY: generateKey(), TAYORI_LOG_LEVEL: 'silent' }),
      { clock },
    );
    const app = await buildApp(ctx);
    closeAfter.push(async () => {
      await app.close();
      await ctx.database.close();
    });
    return { ctx, app };
  }

  it('reaches the transport state and the banner with what to do, instead of failing every poll', async () => {
    const sink = await startSmtpSink({ tls: 'none', auth: { user: 'mailer', password: 'S3cret-pass' } });
    closeAfter.push(() => sink.close());
    const admin = await login(t.app);
    const form = smtpSettingsForm(sink.port, { smtp: { authEnabled: true, username: 'mailer', password: 'S3cret-pass' } });
    expect((await admin.request('PUT', '/api/settings/mail', form)).statusCode).toBe(200);

    const other = await withAnotherKey();
    await createMailApi(other.ctx).enqueue(other.ctx.db, { to: 'a@example.jp', subject: '件名', text: '本文' });
    const worker = new OutboxWorker(other.ctx);
    await worker.deliverDueMails();
    // Waiting will not heal it: the banner and the alert come at once, as for 再認証が必要.
    const transport = (await admin.request('GET', '/api/health')).json().transport;
    expect(transport).toMatchObject({ state: 'failing', banner: true, reason: { code: 'smtp.secret_unreadable' } });
    expect(transport.reason.message).toContain('tayori secrets rotate');
    expect(transport.reason.message).toContain('TAYORI_SECRET_KEY');
    expect((await admin.request('GET', '/api/mail/deliveries?kind=alert')).json().deliveries).toHaveLength(1);
    expect(sink.authAttempts).toEqual([]);
    expect((await admin.request('GET', '/api/mail/deliveries')).json().deliveries[0].state).toBe('queued');

    // The connection test of that installation asks for the password again instead of failing.
    const otherAdmin = await login(other.app);
    const { password: _retype, ...smtp } = form.smtp!;
    const check = await otherAdmin.request('POST', '/api/settings/mail/test-connection', { ...form, smtp });
    expect(check.statusCode, check.body).toBe(422);
    expect(check.json().error.fields).toEqual([expect.objectContaining({ path: 'smtp.password', code: 'smtp.secret_unreadable' })]);
  });
});
