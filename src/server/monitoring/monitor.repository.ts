import type { Insertable, Selectable } from 'kysely';
import type { ThreadKind } from '../../contracts/monitoring.js';
import type { Database } from '../db/database.js';
import type { MonitorDigestsTable, MonitorLooksTable } from '../db/schema.js';

export type MonitorLookRow = Selectable<MonitorLooksTable>;
export type MonitorDigestRow = Selectable<MonitorDigestsTable>;

export async function insertLook(db: Database, row: Insertable<MonitorLooksTable>): Promise<void> {
  await db.insertInto('monitor_looks').values(row).execute();
}

export async function insertDigest(db: Database, row: Insertable<MonitorDigestsTable>): Promise<void> {
  await db.insertInto('monitor_digests').values(row).execute();
}

export function findLastLook(db: Database): Promise<MonitorLookRow | undefined> {
  return db.selectFrom('monitor_looks').selectAll().orderBy('at', 'desc').limit(1).executeTakeFirst();
}

/** The kind's last digest, with the state of its mail (absent once the delivery log was purged). */
export function findLastDigest(db: Database, kind: ThreadKind): Promise<(MonitorDigestRow & { mail_state: string | null }) | undefined> {
  return db
    .selectFrom('monitor_digests')
    .leftJoin('mail_outbox', 'mail_outbox.id', 'monitor_digests.mail_id')
    .selectAll('monitor_digests')
    .select('mail_outbox.state as mail_state')
    .where('monitor_digests.kind', '=', kind)
    .orderBy('monitor_digests.at', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** Forgets looks and digests older than the cutoff; the newest look always stays, it schedules the next. */
export async function purgeLooksBefore(db: Database, cutoffIso: string): Promise<number> {
  await db.deleteFrom('monitor_digests').where('at', '<', cutoffIso).execute();
  const last = await findLastLook(db);
  let query = db.deleteFrom('monitor_looks').where('at', '<', cutoffIso);
  if (last) query = query.where('id', '!=', last.id);
  const result = await query.executeTakeFirst();
  return Number(result.numDeletedRows);
}
