import type { Database } from '../db/database.js';

/** A held lease: who holds it and the fencing token that proves it on every write. */
export interface HeldLease {
  name: string;
  owner: string;
  fencingToken: number;
  expiresAt: string;
}

export class LeaseLostError extends Error {
  constructor(readonly lease: Pick<HeldLease, 'name' | 'owner' | 'fencingToken'>) {
    super(`lease ${lease.name} is no longer held by ${lease.owner} (token ${lease.fencingToken})`);
    this.name = 'LeaseLostError';
  }
}

const expiryAfter = (now: Date, ttlMs: number) => new Date(now.getTime() + ttlMs).toISOString();

/**
 * Takes the lease `name` for `owner` until now + ttl when it is free, expired, or already this
 * owner's (then it is renewed with the same token). Each change of hands increments the fencing
 * token, so a paused former holder that wakes up cannot pass `assertLeaseHeld`. Correct across
 * processes: the insert and the conditional update are each one atomic statement.
 */
export async function acquireLease(
  db: Database,
  request: { name: string; owner: string; ttlMs: number; now: Date },
): Promise<HeldLease | null> {
  const nowIso = request.now.toISOString();
  const expiresAt = expiryAfter(request.now, request.ttlMs);
  const inserted = await db
    .insertInto('leases')
    .values({ name: request.name, owner: request.owner, fencing_token: 1, acquired_at: nowIso, expires_at: expiresAt })
    .onConflict((oc) => oc.column('name').doNothing())
    .returning('fencing_token')
    .executeTakeFirst();
  if (inserted) return { name: request.name, owner: request.owner, fencingToken: inserted.fencing_token, expiresAt };

  const taken = await db
    .updateTable('leases')
    .set((eb) => ({
      fencing_token: eb.case().when('owner', '=', request.owner).then(eb.ref('fencing_token')).else(eb('fencing_token', '+', 1)).end(),
      acquired_at: eb.case().when('owner', '=', request.owner).then(eb.ref('acquired_at')).else(nowIso).end(),
      owner: request.owner,
      expires_at: expiresAt,
    }))
    .where('name', '=', request.name)
    .where((eb) => eb.or([eb('owner', '=', request.owner), eb('expires_at', '<=', nowIso)]))
    .returning('fencing_token')
    .executeTakeFirst();
  return taken ? { name: request.name, owner: request.owner, fencingToken: taken.fencing_token, expiresAt } : null;
}

/** Extends a held lease; null when it was lost (expired and taken, or released). */
export async function renewLease(db: Database, lease: HeldLease, ttlMs: number, now: Date): Promise<HeldLease | null> {
  const expiresAt = expiryAfter(now, ttlMs);
  const result = await db
    .updateTable('leases')
    .set({ expires_at: expiresAt })
    .where('name', '=', lease.name)
    .where('owner', '=', lease.owner)
    .where('fencing_token', '=', lease.fencingToken)
    .where('expires_at', '>', now.toISOString())
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1 ? { ...lease, expiresAt } : null;
}

/** Gives the lease up at once, so another instance need not wait for it to expire. */
export async function releaseLease(db: Database, lease: HeldLease, now: Date): Promise<void> {
  await db
    .updateTable('leases')
    .set({ expires_at: now.toISOString() })
    .where('name', '=', lease.name)
    .where('owner', '=', lease.owner)
    .where('fencing_token', '=', lease.fencingToken)
    .execute();
}

/**
 * The fencing check: call it inside the transaction that does the guarded work, before the
 * work's writes. It touches the lease row, so on PostgreSQL the row stays locked until commit
 * (no one can take the lease over meanwhile) and SQLite has one writer at a time; if the lease
 * was lost it throws LeaseLostError and the transaction rolls back.
 */
export async function assertLeaseHeld(trx: Database, lease: HeldLease, now: Date): Promise<void> {
  const result = await trx
    .updateTable('leases')
    .set((eb) => ({ fencing_token: eb.ref('fencing_token') }))
    .where('name', '=', lease.name)
    .where('owner', '=', lease.owner)
    .where('fencing_token', '=', lease.fencingToken)
    .where('expires_at', '>', now.toISOString())
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) throw new LeaseLostError(lease);
}

/** Who holds the lease now, for status pages (`GET /api/monitor`). */
export async function readLease(db: Database, name: string) {
  return db.selectFrom('leases').selectAll().where('name', '=', name).executeTakeFirst();
}
