import { randomBytes } from 'node:crypto';
import type { Selectable } from 'kysely';
import { hashToken } from '../accounts/sessions.service.js';
import type { Actor } from '../audit/audit.service.js';
import type { AppContext } from '../context.js';
import type { Database } from '../db/database.js';
import { reusableQuery } from '../db/reusable-query.js';
import type { DB } from '../db/schema.js';
import { newId } from '../ids.js';

/** What every kind of bearer token stores of itself. */
export interface BearerTokenRecord {
  id: string;
  name: string;
  token_hash: string;
  created_at: string;
  created_by: string | null;
  revoked_at: null;
  last_used_at: null;
}

/** A new token to show once, and the record of it to store: only its hash, who made it and when. */
export function newBearerToken(ctx: Pick<AppContext, 'clock'>, actor: Actor, prefix: string, name: string): { token: string; record: BearerTokenRecord } {
  const token = prefix + randomBytes(32).toString('base64url');
  const record: BearerTokenRecord = {
    id: newId(),
    name,
    token_hash: hashToken(token),
    created_at: ctx.clock.now().toISOString(),
    created_by: actor.login,
    revoked_at: null,
    last_used_at: null,
  };
  return { token, record };
}

type BearerTokenTable = 'service_tokens' | 'report_tokens';

/**
 * The stored token a presented one's hash stands for while it is not revoked: the query every
 * call of the mail and run-report APIs runs first, so it is compiled once.
 */
export function findUsableTokenByHash<Table extends BearerTokenTable>(table: Table) {
  // Both tables have the columns read here; Kysely's types cannot take the table as a union.
  const find = reusableQuery((db: Database, tokenHash: string) =>
    db.selectFrom(table as BearerTokenTable as 'service_tokens').selectAll().where('token_hash', '=', tokenHash).where('revoked_at', 'is', null),
  );
  return async (db: Database, tokenHash: string) => (await find(db, tokenHash)).rows[0] as Selectable<DB[Table]> | undefined;
}

/** last_used_at is written at most this often per token: a call a second must not mean a write a second. */
const RECORD_USE_EVERY_MS = 60_000;

/** Where a kind of bearer token is kept: found by hash while not revoked, and its use recorded. */
export interface BearerTokenStore<Row extends { id: string; last_used_at: string | null }> {
  prefix: string;
  findUsable(db: Database, tokenHash: string): Promise<Row | undefined>;
  recordUse(db: Database, id: string, nowIso: string): Promise<void>;
}

/**
 * The stored token a presented one stands for, or null; records its use now and then. A caller
 * that has hashed the token already passes the hash.
 */
export async function authenticateBearerToken<Row extends { id: string; last_used_at: string | null }>(
  ctx: Pick<AppContext, 'db' | 'clock'>,
  store: BearerTokenStore<Row>,
  token: string,
  tokenHash = hashToken(token),
): Promise<Row | null> {
  if (!token.startsWith(store.prefix)) return null;
  const row = await store.findUsable(ctx.db, tokenHash);
  if (!row) return null;
  const now = ctx.clock.now();
  if (!row.last_used_at || now.getTime() - Date.parse(row.last_used_at) >= RECORD_USE_EVERY_MS) {
    await store.recordUse(ctx.db, row.id, now.toISOString());
  }
  return row;
}
