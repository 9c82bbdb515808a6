import type { HealthView } from '../contracts/health.js';
import type { Locale } from '../i18n/index.js';
import type { AppContext } from './context.js';
import { isDatabaseReachable } from './db/database.js';
import { countByState } from './outbox/outbox.repository.js';
import { transportStatus } from './outbox/transport-health.js';

/** GET /healthz: whether this instance can serve, nothing about why. */
export function canServe(ctx: AppContext): Promise<boolean> {
  return isDatabaseReachable(ctx.db);
}

/** GET /api/health: database, transport state (banner, reason, last success) and outbox counts, for admins. */
export async function healthDetails(ctx: AppContext, locale: Locale): Promise<HealthView> {
  const database = await isDatabaseReachable(ctx.db);
  const transport = database ? await transportStatus(ctx, locale) : null;
  const healthy = database && transport?.state !== 'failing';
  return {
    status: healthy ? 'ok' : 'degraded',
    database: { dialect: ctx.database.dialect, reachable: database },
    transport,
    outbox: database ? await countByState(ctx.db) : null,
    devMailbox: ctx.config.devMailbox.enabled,
  };
}
