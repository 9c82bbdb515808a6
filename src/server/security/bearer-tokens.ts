import { randomBytes } from 'node:crypto';
import { hashToken } from '../accounts/sessions.service.js';
import type { AppContext } from '../context.js';
import type { Database } from '../db/database.js';

/** A new bearer token (shown once) and the hash that is all the database keeps of it. */
export function issueBearerToken(prefix: string): { token: string; hash: string } {
  const token = prefix + randomBytes(32).toString('base64url');
  return { token, hash: hashToken(token) };
}

/** last_used_at is written at most this often per token: a call a second must not mean a write a second. */
const RECORD_USE_EVERY_MS = 60_000;


/** Where a kind of bearer token is kept: found by hash while not revoked, and its use recorded. */
export interface BearerTokenStore<Row extends { id: string; last_used_at: string | null }> {
  prefix: string;
  findUsable(db: Database, tokenHash: string): Promise<Row | undefined>;
  recordUse(db: Database, id: string, nowIso: string): Promise<void>;
}

/** The stored token a presented one stands for, or null; records its use now and then. */
export async function authenticateBearerToken<Row extends { id: string; last_used_at: string | null }>(
  ctx: Pick<AppContext, 'db' | 'clock'>,
  store: BearerTokenStore<Row>,
  token: string,
): Promise<Row | null> {
  if (!token.startsWith(store.prefix)) return null;
  const row = await store.findUsable(ctx.db, hashToken(token));
  if (!row) return null;
  const now = ctx.clock.now();
  if (!row.last_used_at || now.getTime() - Date.parse(row.last_used_at) >= RECORD_USE_EVERY_MS) {
    await store.recordUse(ctx.db, row.id, now.toISOString());
  }
  return row;
}
