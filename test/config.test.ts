import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/server/config.js';
import { runTayori } from './support/cli.js';

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

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
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
    });
    expect(config.database).toEqual({ dialect: 'postgres', url: 'postgres://tayori@db.example.jp/tayori' });
    expect(config.publicOrigin).toBe('https://tayori.example.jp');
    expect(config.secureCookies).toBe(true);
    expect(config.managedRelay).toEqual({ url: 'smtps://relay.example.jp', from: 'noreply@example.jp' });
    expect(config.trustProxy).toBe(true);
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
      expect.stringMatching(/^TAYORI_DATABASE_URL: must start with postgres:\/\//),
      'TAYORI_PORT: must be between 0 and 65535',
    ]);
  });

  it('stops a process started with a bad environment, with one message listing every problem', async () => {
    const result = await runTayori(['serve'], BAD_ENVIRONMENT);
    expect(result.code).not.toBe(0);
    expect(result.stderr.match(/Invalid configuration/g)).toHaveLength(1);
    for (const key of BAD_KEYS) expect(result.stderr).toContain(`${key}:`);
    expect(result.stdout).not.toMatch(/listening|password/i);
  });
});
