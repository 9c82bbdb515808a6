import type { Insertable, Selectable } from 'kysely';
import type { Database } from '../db/database.js';
import type { ReportTokensTable } from '../db/schema.js';
import { findUsableTokenByHash } from '../security/bearer-tokens.js';

export type ReportTokenRow = Selectable<ReportTokensTable>;

export async function insertReportToken(db: Database, row: Insertable<ReportTokensTable>): Promise<void> {
  await db.insertInto('report_tokens').values(row).execute();
}

export function listReportTokens(db: Database): Promise<ReportTokenRow[]> {
  return db.selectFrom('report_tokens').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
}

export const findUsableReportToken = findUsableTokenByHash('report_tokens');

/** Revokes the token (once: a second revocation keeps the first time) and returns it; undefined when there is none. */
export function revokeReportTokenRow(db: Database, id: string, nowIso: string): Promise<ReportTokenRow | undefined> {
  return db
    .updateTable('report_tokens')
    .set((eb) => ({ revoked_at: eb.fn.coalesce('revoked_at', eb.val(nowIso)) }))
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

export async function markReportTokenUsed(db: Database, id: string, nowIso: string): Promise<void> {
  await db.updateTable('report_tokens').set({ last_used_at: nowIso }).where('id', '=', id).execute();
}
