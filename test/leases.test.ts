import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createContext } from '../src/server/bootstrap.js';
import { loadConfig } from '../src/server/config.js';
import type { AppContext } from '../src/server/context.js';
import { migrateToLatest } from '../src/server/db/migrate.js';
import { acquireLease, assertLeaseHeld, LeaseLostError, releaseLease, renewLease } from '../src/server/leases/lease.js';
import { dialects, type TestDatabase, tempDir } from './support/databases.js';

const T0 = new Date('2026-04-01T00:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);
const lease = (owner: string, now = T0) => ({ name: 'monitor', owner, ttlMs: 10_000, now });

describe.each(dialects())('leases on $name', (dialect) => {
  let database: TestDatabase;
  let ctx: AppContext;
  const extra: AppContext[] = [];

  beforeEach(async ({ skip }) => {
    if (dialect.skip) skip('no PostgreSQL');
    database = await dialect.create();
    ctx = createContext(loadConfig({ TAYORI_DATA_DIR: tempDir(), TAYORI_DATABASE_URL: database.url, TAYORI_LOG_LEVEL: 'silent' }));
    await migrateToLatest(ctx.database);
  });
  afterEach(async () => {
    for (const other of extra.splice(0)) await other.database.close();
    await ctx?.database.close();
    await database?.drop();
  });

  it('belongs to one owner until it expires; the next owner gets a higher fencing token and the old one is fenced off', async () => {
    const a = await acquireLease(ctx.db, lease('a'));
    expect(a).toMatchObject({ owner: 'a', fencingToken: 1 });
    expect(await acquireLease(ctx.db, lease('b', at(9_999)))).toBeNull();

    const again = await acquireLease(ctx.db, lease('a', at(5_000)));
    expect(again?.fencingToken).toBe(1);

    const b = await acquireLease(ctx.db, lease('b', at(15_001)));
    expect(b?.fencingToken).toBe(2);
    await expect(ctx.db.transaction().execute((trx) => assertLeaseHeld(trx, a!, at(15_002)))).rejects.toBeInstanceOf(LeaseLostError);
    expect(await renewLease(ctx.db, a!, 10_000, at(15_003))).toBeNull();
    await ctx.db.transaction().execute((trx) => assertLeaseHeld(trx, b!, at(15_004)));
  });

  it('fences a write whose lease expired even when nobody took it over, and lets a renewed lease write', async () => {
    const a = (await acquireLease(ctx.db, lease('a')))!;
    const renewed = await renewLease(ctx.db, a, 10_000, at(9_000));
    expect(renewed?.expiresAt).toBe(at(19_000).toISOString());
    await ctx.db.transaction().execute((trx) => assertLeaseHeld(trx, renewed!, at(18_999)));
    await expect(ctx.db.transaction().execute((trx) => assertLeaseHeld(trx, renewed!, at(19_000)))).rejects.toBeInstanceOf(LeaseLostError);
  });

  it('is free for the next owner at once when released', async () => {
    const a = (await acquireLease(ctx.db, lease('a')))!;
    await releaseLease(ctx.db, a, at(1_000));
    expect((await acquireLease(ctx.db, lease('b', at(1_001))))?.fencingToken).toBe(2);
  });

  it('goes to exactly one of many contenders that ask at the same moment over separate connections', async () => {
    const contenders = await Promise.all(
      Array.from({ length: 8 }, async () => {
        const other = createContext(ctx.config, { log: ctx.log });
        extra.push(other);
        return other;
      }),
    );
    for (let round = 0; round < 5; round++) {
      const now = at(round * 20_000);
      const results = await Promise.all(contenders.map((c, i) => acquireLease(c.db, { name: 'race', owner: `o${i}-r${round}`, ttlMs: 10_000, now })));
      const winners = results.filter((r) => r !== null);
      expect(winners).toHaveLength(1);
      expect(winners[0]!.fencingToken).toBe(round + 1);
    }
  });
});
