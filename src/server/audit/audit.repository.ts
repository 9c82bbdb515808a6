import type { Insertable, Selectable } from 'kysely';
import type { Database } from '../db/database.js';
import type { AuditLogTable } from '../db/schema.js';

export type AuditRow = Selectable<AuditLogTable>;

export async function insertAuditEntry(db: Database, entry: Insertable<AuditLogTable>): Promise<void> {
  await db.insertInto('audit_log').values(entry).execute();
}

/** Newest first; `before` is the (at, id) of the last row of the previous page. */
export async function listAuditEntries(
  db: Database,
  page: { limit: number; before?: { at: string; id: string }; action?: string },
): Promise<AuditRow[]> {
  let query = db.selectFrom('audit_log').selectAll();
  if (page.action) query = query.where('action', '=', page.action);
  if (page.before) {
    const { at, id } = page.before;
    query = query.where((eb) => eb.or([eb('at', '<', at), eb.and([eb('at', '=', at), eb('id', '<', id)])]));
  }
  return query.orderBy('at', 'desc').orderBy('id', 'desc').limit(page.limit).execute();
}
