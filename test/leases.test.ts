import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createContext } from '../src/server/bootstrap.js';
import { loadConfig } from '../src/server/config.js';
import type { AppContext } from '../src/server/context.js';
import { migrateToLatest } from '../src/server/db/migrate.js';
import { mailSettingsFormSchema } from '../src/contracts/mail-settings.js';
import { systemActor } from '../src/server/audit/audit.service.js';
import { createMailApi } from '../src/server/outbox/enqueue.js';
import { saveMailSettings } from '../src/server/settings/mail-settings.service.js';
import { claimDueMails, markSent } from '../src/server/outbox/outbox.repository.js';
import { acquireLease, assertLeaseHeld, LeaseLostError, releaseLease, renewLease } from '../src/server/leases/lease.js';
import { dialects, type TestDatabase, tempDir } from './support/databases.js';
import { smtpSettingsForm } from './support/mail-settings.js';

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

  it("records a group of sent mails only where the worker still holds the lease, for one mail or many", async () => {
    await saveMailSettings(ctx, systemActor('test'), mailSettingsFormSchema.parse(smtpSettingsForm(2525)));
    const mail = createMailApi(ctx);
    await ctx.db.transaction().execute(async (trx) => {
      for (let i = 0; i < 5; i++) await mail.enqueue(trx, { to: `customer${i}@example.jp`, subject: `件名 ${i}`, text: '本文' });
    });
    const claim = (owner: string, now: Date, limit: number) =>
      claimDueMails(ctx.db, ctx.database.dialect, {
        owner,
        nowIso: now.toISOString(),
        leaseExpiresAt: new Date(now.getTime() + 10_000).toISOString(),
        limit,
        takeOverAbandoned: true,
      });
    const now = new Date();
    const mine = await claim('a', now, 4);
    const theirs = await claim('b', now, 1);
    expect(mine).toHaveLength(4);
    expect(theirs).toHaveLength(1);

    await markSent(ctx.db, ctx.database.dialect, { ids: [mine[0].id], owner: 'a' }, now.toISOString());
    // A group naming a mail worker b holds leaves that mail alone.
    await markSent(ctx.db, ctx.database.dialect, { ids: [mine[1].id, mine[2].id, theirs[0].id], owner: 'a' }, now.toISOString());
    await markSent(ctx.db, ctx.database.dialect, { ids: [], owner: 'a' }, now.toISOString());

    const rows = await ctx.db.selectFrom('mail_outbox').select(['id', 'state', 'lease_owner', 'finished_at']).execute();
    const stateOf = (id: string) => rows.find((row) => row.id === id);
    for (const sent of [mine[0], mine[1], mine[2]]) expect(stateOf(sent.id)).toEqual({ id: sent.id, state: 'sent', lease_owner: null, finished_at: now.toISOString() });
    expect(stateOf(mine[3].id)).toMatchObject({ state: 'sending', lease_owner: 'a' });
    expect(stateOf(theirs[0].id)).toMatchObject({ state: 'sending', lease_owner: 'b' });
  });
});
