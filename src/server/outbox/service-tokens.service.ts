import type { ServiceTokenView } from '../../contracts/mail.js';
import { type Actor, recordAudit } from '../audit/audit.service.js';
import type { AppContext } from '../context.js';
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
  return ctx.db.transaction().execute(async (trx) => {
    const revokedNow = await revokeServiceToken(trx, id, ctx.clock.now().toISOString());
    const row = await findServiceToken(trx, id);
    if (!row) throw notFound();
    if (revokedNow) await recordAudit(trx, ctx.clock, actor, 'service_token.revoke', row.name, { id });
    return serviceTokenView(row);
  });
}

export async function listServiceTokenViews(ctx: AppContext) {
  return (await listServiceTokens(ctx.db)).map(serviceTokenView);
}

const serviceTokens: BearerTokenStore<ServiceTokenRow> = {
  prefix: TOKEN_PREFIX,
  findUsable: findActiveTokenByHash,
  recordUse: touchServiceToken,
};

export async function authenticateServiceToken(ctx: AppContext, token: string): Promise<ServiceCaller | null> {
  const row = await authenticateBearerToken(ctx, serviceTokens, token);
  return row && { tokenId: row.id, name: row.name };
}
