import { rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/server/config.js';
import { runTayori } from './support/cli.js';
import { tempDir } from './support/databases.js';
import { writeTestCaFile } from './support/test-ca.js';

const BAD_ENVIRONMENT = {
  TAYORI_PORT: 'eighty',
  TAYORI_PUBLIC_URL: 'ftp://example.jp',
  TAYORI_LOG_LEVEL: 'loud',
  TAYORI_DEV_MAILBOX: 'maybe',
  TAYORI_SECRET_KEY: 'too-short',
  TAYORI_MANAGED_SMTP_URL: 'smtp://relay.example.jp:25',
  TAYORI_INITIAL_ADMIN_LOGIN: 'システム 管理者',
  TAYORI_INITIAL_ADMIN_EMAIL: 'Admin <admin@example.jp>',
};

/** The relay URL is fine on its own; the problem is its missing partner. */
const BAD_KEYS = [
  'TAYORI_PORT',
  'TAYORI_PUBLIC_URL',
  'TAYORI_LOG_LEVEL',
  'TAYORI_DEV_MAILBOX',
  'TAYORI_SECRET_KEY',
  'TAYORI_MANAGED_FROM',
  'TAYORI_INITIAL_ADMIN_LOGIN',
  'TAYORI_INITIAL_ADMIN_EMAIL',
];

/** The problems, in English (LANG decides their language, as for every line of the command). */
function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig({ LANG: 'en_US.UTF-8', ...env });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('the configuration was accepted');
}

describe('configuration', () => {
  it('has the defaults of SPEC §0', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      dataDir: resolve('./data'),
      database: { dialect: 'sqlite', file: resolve('./data/tayori.sqlite') },
      host: '127.0.0.1',
      port: 3000,
      publicUrl: 'http://localhost:3000',
      secureCookies: false,
      secretKeys: undefined,
      managedRelay: undefined,
      devMailbox: { enabled: false, port: 2525 },
      initialAdmin: { login: 'admin', password: undefined, email: undefined },
      google: { issuer: 'https://accounts.google.com' },
      gmailSmtp: { host: 'smtp.gmail.com', port: 465 },
      smtpCaFile: undefined,
      trustProxy: false,
      metricsPort: undefined,
      logLevel: 'info',
      smtpTimeouts: { connectMs: 10_000, greetingMs: 10_000, socketMs: 30_000, testMailMs: 40_000 },
      transportAlertAfterMs: 5 * 60_000,
    });
    expect(config.outbox.retryWindowMs).toBe(24 * 3_600_000);
    expect(config.monitor).toEqual({ minuteMs: 60_000, heartbeatLossMinutes: 15, leaseMs: 60_000 });
  });

  it('reads PostgreSQL, managed relay mode, https and the first administrator from the environment', () => {
    const config = loadConfig({
      TAYORI_DATABASE_URL: 'postgres://tayori@db.example.jp/tayori',
      TAYORI_PUBLIC_URL: 'https://tayori.example.jp/',
      TAYORI_MANAGED_SMTP_URL: 'smtps://relay.example.jp',
      TAYORI_MANAGED_FROM: 'noreply@example.jp',
      TAYORI_TRUST_PROXY: 'yes',
      TAYORI_INITIAL_ADMIN_LOGIN: 'ops.admin',
      TAYORI_INITIAL_ADMIN_EMAIL: 'ops@example.jp',
      TAYORI_DATABASE_POOL_SIZE: '25',
    });
    expect(config.database).toEqual({ dialect: 'postgres', url: 'postgres://tayori@db.example.jp/tayori', poolSize: 25 });
    expect(loadConfig({ TAYORI_DATABASE_URL: 'postgres://db/tayori' }).database).toMatchObject({ poolSize: 10 });
    expect(() => loadConfig({ TAYORI_DATABASE_POOL_SIZE: '0' })).toThrow(/TAYORI_DATABASE_POOL_SIZE: 1〜1000の範囲にしてください/);
    expect(config.publicOrigin).toBe('https://tayori.example.jp');
    expect(config.secureCookies).toBe(true);
    expect(config.managedRelay).toEqual({ url: 'smtps://relay.example.jp', from: 'noreply@example.jp' });
    expect(config.trustProxy).toBe(1);
    expect(loadConfig({ TAYORI_TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ TAYORI_TRUST_PROXY: '10.0.0.0/8, 192.0.2.10' }).trustProxy).toBe('10.0.0.0/8,192.0.2.10');
    expect(loadConfig({ TAYORI_TRUST_PROXY: '2001:db8::/32,10.0.0.0/255.0.0.0' }).trustProxy).toBe('2001:db8::/32,10.0.0.0/255.0.0.0');
    // Each of these once passed the check and stopped the server only after the first start's work.
    for (const wrong of ['everyone', 'deadbeef', 'abc,10.0.0.0/8', '10.0.0.0/33', '10.0.0.1/8/8', '10.0.0.0/', '2001:db8::/129', '10.0.0.0,']) {
      expect(() => loadConfig({ TAYORI_TRUST_PROXY: wrong }), wrong).toThrow(/TAYORI_TRUST_PROXY/);
    }
    expect(config.initialAdmin).toMatchObject({ login: 'ops.admin', email: 'ops@example.jp' });
  });

  it('lists every bad value in one error, naming each variable', () => {
    const problems = problemsOf(BAD_ENVIRONMENT);
    expect(problems).toHaveLength(BAD_KEYS.length);
    for (const key of BAD_KEYS) expect(problems.some((p) => p.startsWith(`${key}:`)), key).toBe(true);
  });

  it('refuses a port out of range and a non-PostgreSQL database URL', () => {
    const problems = problemsOf({ TAYORI_PORT: '70000', TAYORI_DATABASE_URL: 'mysql://db/tayori' });
    expect(problems).toEqual([
      expect.stringMatching(/^TAYORI_DATABASE_URL: must be a postgres:\/\/ URL/),
      'TAYORI_PORT: must be between 0 and 65535',
    ]);
  });

  it('refuses a first retry later than the longest one', () => {
    expect(problemsOf({ TAYORI_OUTBOX_RETRY_BASE_MS: '100000', TAYORI_OUTBOX_RETRY_MAX_MS: '10' })).toEqual([
      'TAYORI_OUTBOX_RETRY_BASE_MS: must not be more than TAYORI_OUTBOX_RETRY_MAX_MS',
    ]);
    expect(loadConfig({ TAYORI_OUTBOX_RETRY_BASE_MS: '1000', TAYORI_OUTBOX_RETRY_MAX_MS: '1000' }).outbox).toMatchObject({ retryBaseMs: 1000, retryMaxMs: 1000 });
  });

  it('refuses sqlite: without a path, which named the current directory', () => {
    expect(problemsOf({ TAYORI_DATABASE_URL: 'sqlite:' })).toEqual([expect.stringMatching(/^TAYORI_DATABASE_URL: must be a postgres:\/\/ URL, or sqlite: followed by a file path/)]);
  });

  it('refuses a managed sender that is not one plain address', () => {
    for (const from of ['Relay <relay@example.jp>', 'relay@example', 'a@example.jp; b@example.jp']) {
      expect(problemsOf({ TAYORI_MANAGED_SMTP_URL: 'smtp://relay.example.jp', TAYORI_MANAGED_FROM: from }), from).toEqual([
        'TAYORI_MANAGED_FROM: must be one plain e-mail address',
      ]);
    }
  });

  it('reads TAYORI_SMTP_CA_FILE at start and refuses one that is missing or holds no certificate', () => {
    const dir = tempDir();
    try {
      const notPem = join(dir, 'not-a-certificate.pem');
      writeFileSync(notPem, 'hello');
      const broken = join(dir, 'broken.pem');
      writeFileSync(broken, '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
      expect(problemsOf({ TAYORI_SMTP_CA_FILE: join(dir, 'missing.pem') })).toEqual([
        expect.stringMatching(/^TAYORI_SMTP_CA_FILE: cannot be read \(ENOENT/),
      ]);
      expect(problemsOf({ TAYORI_SMTP_CA_FILE: notPem })).toEqual(['TAYORI_SMTP_CA_FILE: holds no PEM certificate (-----BEGIN CERTIFICATE-----)']);
      expect(problemsOf({ TAYORI_SMTP_CA_FILE: broken })).toEqual(['TAYORI_SMTP_CA_FILE: holds a certificate that cannot be read']);
      const good = writeTestCaFile();
      expect(loadConfig({ TAYORI_SMTP_CA_FILE: good }).smtpCaFile).toBe(good);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('derives the public URL from host and port when TAYORI_PUBLIC_URL is unset', () => {
    expect(loadConfig({ TAYORI_PORT: '3901' }).publicUrl).toBe('http://localhost:3901');
    expect(loadConfig({ TAYORI_HOST: '0.0.0.0', TAYORI_PORT: '8080' }).publicUrl).toBe('http://localhost:8080');
    expect(loadConfig({ TAYORI_HOST: 'tayori.internal', TAYORI_PORT: '80' }).publicUrl).toBe('http://tayori.internal');
    expect(loadConfig({ TAYORI_HOST: 'fd00::5' }).publicUrl).toBe('http://[fd00::5]:3000');
    expect(loadConfig({ TAYORI_PORT: '3901', TAYORI_PUBLIC_URL: 'https://tayori.example.jp' }).publicUrl).toBe('https://tayori.example.jp');
  });

  it('stops a process started with a bad environment, with one message listing every problem', async () => {
    const result = await runTayori(['serve'], BAD_ENVIRONMENT);
    expect(result.code).not.toBe(0);
    expect(result.stderr.match(/設定\(環境変数\)に誤りがあります/g)).toHaveLength(1);
    for (const key of BAD_KEYS) expect(result.stderr).toContain(`${key}:`);
    expect(result.stdout).not.toMatch(/listening|password/i);
  });
});
