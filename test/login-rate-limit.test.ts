import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../src/server/app.js';
import { createContext } from '../src/server/bootstrap.js';
import type { AppContext } from '../src/server/context.js';
import { runHousekeeping } from '../src/server/housekeeping.js';
import { freshAppEachTest } from './support/app.js';
import { type TestClock, testClock } from './support/clock.js';
import { dialects } from './support/databases.js';

describe.each(dialects())('the per-IP login limit on $name', (dialect) => {
  let clock: TestClock;
  let other: { ctx: AppContext; app: FastifyInstance };
  const t = freshAppEachTest(dialect, () => {
    clock = testClock();
    return { clock, env: { TAYORI_LOGIN_RATE_LIMIT_PER_MINUTE: '4' } };
  });

  beforeEach(async () => {
    // A second instance of the product on the same database, as behind a load balancer.
    const ctx = createContext(t.ctx.config, { clock, log: t.ctx.log });
    other = { ctx, app: await buildApp(ctx) };
  });
  afterEach(async () => {
    await other?.app.close();
    await other?.ctx.database.close();
  });

  const attempt = (app: FastifyInstance, ip = '10.0.0.1') =>
    app.inject({ method: 'POST', url: '/api/session', payload: { loginId: 'admin', password: 'wrong-password' }, remoteAddress: ip });

  it('is one budget for a client across instances, not one per instance, and starts again in the next minute', async () => {
    for (const app of [t.app, other.app, t.app, other.app]) expect((await attempt(app)).statusCode).toBe(401);
    const refused = await attempt(t.app);
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect((await attempt(other.app)).statusCode).toBe(429);
    expect((await attempt(other.app, '10.0.0.2')).statusCode).toBe(401);

    clock.advance(60_000);
    expect((await attempt(other.app)).statusCode).toBe(401);
  });

  it('counts an IPv6 client by its /64, the block one subscriber is given, and an IPv4-mapped address as its IPv4 one', async () => {
    for (const ip of ['2001:db8:1:2::a', '2001:db8:1:2::b', '2001:0db8:0001:0002:ffff:ffff:ffff:1', '2001:db8:1:2:0:0:0:c']) {
      expect((await attempt(t.app, ip)).statusCode, ip).toBe(401);
    }
    expect((await attempt(other.app, '2001:db8:1:2:abcd::9')).statusCode).toBe(429);
    expect((await attempt(t.app, '2001:db8:1:3::a')).statusCode).toBe(401);

    for (const ip of ['10.0.0.9', '::ffff:10.0.0.9', '10.0.0.9', '::FFFF:10.0.0.9']) expect((await attempt(t.app, ip)).statusCode, ip).toBe(401);
    expect((await attempt(t.app, '10.0.0.9')).statusCode).toBe(429);
  });

  it('counts every one of many attempts arriving at once on both instances', async () => {
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => attempt(i % 2 ? t.app : other.app, '10.0.0.7')));
    const statuses = answers.map((a) => a.statusCode).sort();
    expect(statuses.filter((s) => s === 401)).toHaveLength(4);
    expect(statuses.filter((s) => s === 429)).toHaveLength(8);
  });

  it('forgets counters an hour after their window, in housekeeping', async () => {
    await attempt(t.app);
    const counters = () => t.ctx.db.selectFrom('rate_limit_counters').selectAll().execute();
    expect(await counters()).toHaveLength(1);
    clock.advance(61 * 60_000);
    await runHousekeeping(t.ctx);
    expect(await counters()).toHaveLength(0);
  });
});
