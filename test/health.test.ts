import pg from 'pg';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { createTestApp, createUserAndLogin, login, type TestApp } from './support/app.js';
import { dialects } from './support/databases.js';

/** Takes the database away from under the running app, as an outage would. */
async function cutOffDatabase(t: TestApp) {
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
  let t: TestApp;

  beforeEach(async ({ skip }) => {
    if (dialect.skip) skip('no PostgreSQL');
    t = await createTestApp(dialect);
  });
  afterEach(async () => {
    await t?.close();
  });

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
