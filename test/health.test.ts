import { rmSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { buildApp } from '../src/server/app.js';
import { createContext, prepareInstallation } from '../src/server/bootstrap.js';
import { loadConfig } from '../src/server/config.js';
import type { AppContext } from '../src/server/context.js';
import { createUserAndLogin, freshAppEachTest, login, type TestApp } from './support/app.js';
import { dialects, tempDir } from './support/databases.js';
import { closedPort } from './support/smtp-sink.js';
import { startTcpProxy } from './support/tcp-proxy.js';

/** Takes the database away from under the running app: closes SQLite's handle, drops the PostgreSQL database. */
async function cutOffDatabase(t: Pick<TestApp, 'ctx' | 'databaseUrl'>) {
  if (t.ctx.database.dialect === 'sqlite') return t.ctx.database.close();
  const name = new URL(t.databaseUrl).pathname.slice(1);
  const admin = new pg.Client({ connectionString: inject('postgresUrl')! });
  await admin.connect();
  try {
    await admin.query(`drop database ${name} with (force)`);
  } finally {
    await admin.end();
  }
}

describe.each(dialects())('health on $name', (dialect) => {
  const t = freshAppEachTest(dialect);


  it('/healthz says 200 while the database answers and 503 once it does not, and nothing more', async () => {
    const healthy = await t.app.inject({ method: 'GET', url: '/healthz' });
    expect(healthy.statusCode).toBe(200);
    expect(healthy.json()).toEqual({ status: 'ok' });

    await cutOffDatabase(t);
    const unhealthy = await t.app.inject({ method: 'GET', url: '/healthz' });
    expect(unhealthy.statusCode).toBe(503);
    expect(unhealthy.json()).toEqual({ status: 'unavailable' });
  });

  it('/api/health gives details to administrators only', async () => {
    const admin = await login(t.app);
    const user = await createUserAndLogin(t.app, admin, { loginId: 'ippan' });
    expect((await t.app.inject({ method: 'GET', url: '/api/health' })).statusCode).toBe(401);
    expect((await user.request('GET', '/api/health')).statusCode).toBe(403);
    const details = await admin.request('GET', '/api/health');
    expect(details.statusCode).toBe(200);
    expect(details.json()).toMatchObject({ status: 'ok', database: { dialect: dialect.name, reachable: true } });
  });
});

/** The product on a PostgreSQL URL of the test's choosing, without the test helpers' own database. */
async function appOn(databaseUrl: string, prepare: boolean): Promise<{ app: FastifyInstance; ctx: AppContext; close(): Promise<void> }> {
  const dataDir = tempDir();
  const config = loadConfig({ TAYORI_DATA_DIR: dataDir, TAYORI_DATABASE_URL: databaseUrl, TAYORI_LOG_LEVEL: 'silent' });
  const ctx = createContext(config);
  if (prepare) await prepareInstallation(ctx, () => {});
  const app = await buildApp(ctx);
  return {
    app,
    ctx,
    async close() {
      await app.close();
      await ctx.database.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

describe('health over a real PostgreSQL connection path', () => {
  const postgres = dialects()[1];

  it('answers 503, promptly and without crashing, when PostgreSQL refuses connections', async () => {
    const refused = await appOn(`postgres://postgres@127.0.0.1:${await closedPort()}/tayori`, false);
    try {
      const response = await refused.app.inject({ method: 'GET', url: '/healthz' });
      expect(response.statusCode).toBe(503);
      expect(response.json()).toEqual({ status: 'unavailable' });
    } finally {
      await refused.close();
    }
  });

  // A connection dropped under a query used to emit 'error' with no listener: the process crashed.
  it.skipIf(postgres.skip)('goes 503 when the connection to PostgreSQL is cut, and 200 again once it is back', async () => {
    const database = await postgres.create();
    const server = new URL(database.url);
    const proxy = await startTcpProxy({ host: server.hostname, port: Number(server.port || 5432) });
    const proxied = new URL(database.url);
    proxied.hostname = '127.0.0.1';
    proxied.port = String(proxy.port);
    const running = await appOn(proxied.toString(), true);
    const healthz = async () => (await running.app.inject({ method: 'GET', url: '/healthz' })).statusCode;
    try {
      expect(await healthz()).toBe(200);
      await proxy.cut();
      expect(await healthz()).toBe(503);
      expect(await healthz()).toBe(503);
      await proxy.restore();
      expect(await healthz()).toBe(200);
    } finally {
      await running.close();
      await proxy.close();
      await database.drop();
    }
  });
});
