import type { ServiceTokenView } from '../../contracts/mail.js';
import { type Actor, recordAudit } from '../audit/audit.service.js';
import { hashToken } from '../accounts/sessions.service.js';
import { type AppContext, perContext } from '../context.js';
import { notFound } from '../errors.js';
import { authenticateBearerToken, type BearerTokenStore, newBearerToken } from '../security/bearer-tokens.js';
import {
  findActiveTokenByHash,
  findServiceToken,
  insertServiceToken,
  listServiceTokens,
  revokeServiceToken,
  type ServiceTokenRow,
  touchServiceToken,
} from './service-tokens.repository.js';

const TOKEN_PREFIX = 'tyr_';

/** The application calling the mail API, known by its service token. */
export interface ServiceCaller {
  tokenId: string;
  name: string;
}

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
  const { token, record: row } = newBearerToken(ctx, actor, TOKEN_PREFIX, name);
  await ctx.db.transaction().execute(async (trx) => {
    await insertServiceToken(trx, row);
    await recordAudit(trx, ctx.clock, actor, 'service_token.create', name, { id: row.id });
  });
  return { ...serviceTokenView(row), token };
}

/** Revoking a revoked token answers the same and is audited once: a retried DELETE changes nothing. */
export async function revokeToken(ctx: AppContext, actor: Actor, id: string) {
  const view = await ctx.db.transaction().execute(async (trx) => {
    const revokedNow = await revokeServiceToken(trx, id, ctx.clock.now().toISOString());
    const row = await findServiceToken(trx, id);
    if (!row) throw notFound();
    if (revokedNow) await recordAudit(trx, ctx.clock, actor, 'service_token.revoke', row.name, { id });
    return serviceTokenView(row);
  });
  keptCallers(ctx).clear();
  return view;
}

export async function listServiceTokenViews(ctx: AppContext) {
  return (await listServiceTokens(ctx.db)).map(serviceTokenView);
}

const serviceTokens: BearerTokenStore<ServiceTokenRow> = {
  prefix: TOKEN_PREFIX,
  findUsable: findActiveTokenByHash,
  recordUse: touchServiceToken,
};

/** How long this instance lets a token in without looking it up; the mail it brings is checked at insert. */
const CALLER_KEPT_MS = 10_000;
const MAX_CALLERS_KEPT = 1_000;

/** Tokens each installation let in lately, by hash, until when. */
const keptCallers = perContext(() => new Map<string, { caller: ServiceCaller; until: number }>());

/**
 * The application a service token stands for. A token let in is kept for a few seconds, so a
 * burst of mail does not look it up for every request: the group insert admits a mail only while
 * its token is live (insertOutboxRowsIfCurrent), and an Idempotency-Key finds only a live token's
 * mail, so a token revoked on any instance sends and reads nothing from that moment. Revoking on
 * this instance also forgets what it kept.
 */
export async function authenticateServiceToken(ctx: AppContext, token: string): Promise<ServiceCaller | null> {
  const kept = keptCallers(ctx);
  const hash = hashToken(token);
  const now = ctx.clock.now().getTime();
  const entry = kept.get(hash);
  if (entry && entry.until > now) return entry.caller;
  kept.delete(hash);
  const row = await authenticateBearerToken(ctx, serviceTokens, token, hash);
  if (!row) return null;
  const caller = { tokenId: row.id, name: row.name };
  if (kept.size >= MAX_CALLERS_KEPT) kept.delete(kept.keys().next().value!);
  kept.set(hash, { caller, until: now + CALLER_KEPT_MS });
  return caller;
}
