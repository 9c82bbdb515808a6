import { rmSync } from 'node:fs';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { Logger } from 'pino';
import { afterEach, beforeEach } from 'vitest';
import { type BuildOptions, buildApp } from '../../src/server/app.js';
import { createContext, prepareInstallation } from '../../src/server/bootstrap.js';
import type { Clock } from '../../src/server/clock.js';
import { loadConfig } from '../../src/server/config.js';
import type { AppContext } from '../../src/server/context.js';
import { createLogger } from '../../src/server/logger.js';
import { type TestDialect, tempDir } from './databases.js';

export const ADMIN_LOGIN = 'admin';
export const ADMIN_PASSWORD = 'initial-admin-password';

export interface TestApp {
  app: FastifyInstance;
  ctx: AppContext;
  dataDir: string;
  databaseUrl: string;
  close(): Promise<void>;
}

export type TestAppOptions = {
  env?: Record<string, string>;
  clock?: Clock;
  log?: Logger;
  /** Adds test-only routes to the app before it is sealed. */
  extend?: (app: FastifyInstance) => void;
} & BuildOptions;

/** The whole product on a fresh, migrated database of the given dialect. */
export async function createTestApp(dialect: TestDialect, options: TestAppOptions = {}): Promise<TestApp> {
  const database = await dialect.create();
  const dataDir = tempDir();
  const config = loadConfig({
    TAYORI_DATA_DIR: dataDir,
    TAYORI_DATABASE_URL: database.url,
    TAYORI_INITIAL_ADMIN_PASSWORD: ADMIN_PASSWORD,
    TAYORI_LOG_LEVEL: 'silent',
    TAYORI_LOGIN_RATE_LIMIT_PER_MINUTE: '0',
    ...options.env,
  });
  const ctx = createContext(config, { clock: options.clock, log: options.log ?? createLogger(config.logLevel) });
  await prepareInstallation(ctx, () => {});
  const app = await buildApp(ctx, { onRoute: options.onRoute, screenDir: options.screenDir });
  options.extend?.(app);
  await app.ready();
  return {
    app,
    ctx,
    dataDir,
    databaseUrl: database.url,
    async close() {
      await app.close();
      await ctx.database.close();
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * The product on a fresh database for each test of the calling `describe` block (skipped on
 * PostgreSQL when there is none), closed after the block's own afterEach hooks have run (Vitest
 * runs them last registered, first run). `options` is called before each test, so a test can
 * have a clock or a port of its own. What it returns always reads the current test's app.
 */
export function freshAppEachTest(
  dialect: TestDialect,
  options: () => TestAppOptions | Promise<TestAppOptions> = () => ({}),
): Omit<TestApp, 'close'> {
  let current: TestApp | undefined;
  beforeEach(async ({ skip }) => {
    if (dialect.skip) skip('no PostgreSQL');
    current = await createTestApp(dialect, await options());
  });
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
  const now = () => {
    if (!current) throw new Error('the test app exists only while a test runs');
    return current;
  };
  return {
    get app() {
      return now().app;
    },
    get ctx() {
      return now().ctx;
    },
    get dataDir() {
      return now().dataDir;
    },
    get databaseUrl() {
      return now().databaseUrl;
    },
  };
}

/** A signed-in browser: its cookie and CSRF token go with every request it makes. */
export interface Client {
  cookie: string;
  csrfToken: string;
  request(method: string, url: string, body?: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
}

export async function login(app: FastifyInstance, loginId = ADMIN_LOGIN, password = ADMIN_PASSWORD): Promise<Client> {
  const response = await app.inject({ method: 'POST', url: '/api/session', payload: { loginId, password } });
  if (response.statusCode !== 200) throw new Error(`login of ${loginId} failed: ${response.statusCode} ${response.body}`);
  const cookie = response.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
  const csrfToken: string = response.json().csrfToken;
  return {
    cookie,
    csrfToken,
    request: (method, url, body, headers = {}) =>
      app.inject({
        method: method as 'GET',
        url,
        payload: body as object | undefined,
        headers: { cookie, 'x-csrf-token': csrfToken, ...headers },
      }),
  };
}

/** Creates a user through the admin API and signs them in. */
export async function createUserAndLogin(
  app: FastifyInstance,
  admin: Client,
  user: { loginId: string; role?: 'admin' | 'user'; email?: string; locale?: 'ja' | 'en'; password?: string },
): Promise<Client & { id: string }> {
  const password = user.password ?? 'user-password-1';
  const created = await admin.request('POST', '/api/users', {
    loginId: user.loginId,
    displayName: user.loginId,
    role: user.role ?? 'user',
    email: user.email ?? null,
    locale: user.locale ?? 'ja',
    password,
  });
  if (created.statusCode !== 201) throw new Error(`creating ${user.loginId} failed: ${created.body}`);
  return { ...(await login(app, user.loginId, password)), id: created.json().user.id };
}
