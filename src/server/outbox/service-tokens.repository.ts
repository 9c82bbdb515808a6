import type { Insertable, Selectable } from 'kysely';
import type { Database } from '../db/database.js';
import { findUsableTokenByHash } from '../security/bearer-tokens.js';
import type { ServiceTokensTable } from '../db/schema.js';

export type ServiceTokenRow = Selectable<ServiceTokensTable>;

export async function insertServiceToken(db: Database, row: Insertable<ServiceTokensTable>): Promise<void> {
  await db.insertInto('service_tokens').values(row).execute();
}

export function listServiceTokens(db: Database): Promise<ServiceTokenRow[]> {
  return db.selectFrom('service_tokens').selectAll().orderBy('created_at', 'desc').execute();
}

export const findActiveTokenByHash = findUsableTokenByHash('service_tokens');

export function findServiceToken(db: Database, id: string): Promise<ServiceTokenRow | undefined> {
  return db.selectFrom('service_tokens').selectAll().where('id', '=', id).executeTakeFirst();
}

/** True when this call revoked it, false when it was revoked already (or does not exist). */
export async function revokeServiceToken(db: Database, id: string, nowIso: string): Promise<boolean> {
  const result = await db
    .updateTable('service_tokens')
    .set({ revoked_at: nowIso })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function touchServiceToken(db: Database, id: string, nowIso: string): Promise<void> {
  await db.updateTable('service_tokens').set({ last_used_at: nowIso }).where('id', '=', id).execute();
}

/** Which of these tokens are not revoked. */
export async function liveServiceTokenIds(db: Database, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db.selectFrom('service_tokens').select('id').where('id', 'in', ids).where('revoked_at', 'is', null).execute();
  return new Set(rows.map((row) => row.id));
}
