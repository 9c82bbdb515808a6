import { randomBytes } from 'node:crypto';
import type { ServiceTokenView } from '../../contracts/mail.js';
import { hashToken } from '../accounts/sessions.service.js';
import { type Actor, recordAudit } from '../audit/audit.service.js';
import type { AppContext } from '../context.js';
import { notFound } from '../errors.js';
import type { ServiceCaller } from '../http/auth.js';
import { newId } from '../ids.js';
import {
  findActiveTokenByHash,
  insertServiceToken,
  revokeServiceToken,
  type ServiceTokenRow,
  touchServiceToken,
} from './service-tokens.repository.js';

const TOKEN_PREFIX = 'tyr_';

/** last_used_at is written at most this often per token. */
const TOUCH_EVERY_MS = 60_000;

export const serviceTokenView = (row: ServiceTokenRow): ServiceTokenView => ({
  id: row.id,
  name: row.name,
  createdAt: row.created_at,
  createdBy: row.created_by,
  revokedAt: row.revoked_at,
  lastUsedAt: row.last_used_at,
});

/** Creates a token for the application's mail API; the token itself is returned this once only. */
export async function createServiceToken(ctx: AppContext, actor: Actor, name: string) {
  const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
  const row: ServiceTokenRow = {
    id: newId(),
    name,
    token_hash: hashToken(token),
    created_at: ctx.clock.now().toISOString(),
    created_by: actor.login,
    revoked_at: null,
    last_used_at: null,
  };
  await ctx.db.transaction().execute(async (trx) => {
    await insertServiceToken(trx, row);
    await recordAudit(trx, ctx.clock, actor, 'service_token.create', name, { id: row.id });
  });
  return { ...serviceTokenView(row), token };
}

export async function revokeToken(ctx: AppContext, actor: Actor, id: string) {
  return ctx.db.transaction().execute(async (trx) => {
    const row = await revokeServiceToken(trx, id, ctx.clock.now().toISOString());
    if (!row) throw notFound();
    await recordAudit(trx, ctx.clock, actor, 'service_token.revoke', row.name, { id });
    return serviceTokenView(row);
  });
}

export async function authenticateServiceToken(ctx: AppContext, token: string): Promise<ServiceCaller | null> {
  if (!token.startsWith(TOKEN_PREFIX)) return null;
  const row = await findActiveTokenByHash(ctx.db, hashToken(token));
  if (!row) return null;
  const now = ctx.clock.now();
  if (!row.last_used_at || now.getTime() - new Date(row.last_used_at).getTime() >= TOUCH_EVERY_MS) {
    await touchServiceToken(ctx.db, row.id, now.toISOString());
  }
  return { tokenId: row.id, name: row.name };
}
