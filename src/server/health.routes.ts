import type { FastifyInstance } from 'fastify';
import { livenessSchema } from '../contracts/answers.js';
import { healthViewSchema } from '../contracts/health.js';
import type { AppContext } from './context.js';
import { canServe, healthDetails } from './health.service.js';

export function healthRoutes(app: FastifyInstance, ctx: AppContext) {
  app.get('/healthz', { config: { access: 'public' }, logLevel: 'warn' }, async (_request, reply) => {
    const healthy = await canServe(ctx);
    return reply.code(healthy ? 200 : 503).send(livenessSchema.parse({ status: healthy ? 'ok' : 'unavailable' }));
  });

  app.get('/api/health', { config: { access: 'admin' } }, async (request) => healthViewSchema.parse(await healthDetails(ctx, request.locale)));
}
