import type { FastifyInstance } from 'fastify';
import type { HealthView } from '../contracts/health.js';
import type { AppContext } from './context.js';
import { isDatabaseReachable } from './db/database.js';
import { countByState } from './outbox/outbox.repository.js';
import { transportStatus } from './outbox/transport-health.js';

export function healthRoutes(app: FastifyInstance, ctx: AppContext) {
  // Public: says only whether this instance can serve, nothing about why.
  app.get('/healthz', { config: { access: 'public' }, logLevel: 'warn' }, async (_request, reply) => {
    const healthy = await isDatabaseReachable(ctx.db);
    return reply.code(healthy ? 200 : 503).send({ status: healthy ? 'ok' : 'unavailable' });
  });

  app.get('/api/health', { config: { access: 'admin' } }, async (request) => {
    const database = await isDatabaseReachable(ctx.db);
    const transport = database ? await transportStatus(ctx, request.locale) : null;
    const healthy = database && transport?.state !== 'failing';
    return {
      status: healthy ? 'ok' : 'degraded',
      database: { dialect: ctx.database.dialect, reachable: database },
      transport,
      outbox: database ? await countByState(ctx.db) : null,
      devMailbox: ctx.config.devMailbox.enabled,
    } satisfies HealthView;
  });
}
