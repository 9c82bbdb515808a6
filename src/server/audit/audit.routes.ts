import type { FastifyInstance } from 'fastify';
import { auditPageSchema } from '../../contracts/audit.js';
import { auditQuerySchema } from '../../contracts/parameters.js';
import type { AppContext } from '../context.js';
import { parseOrThrow } from '../errors.js';
import { fetchPage } from '../http/pagination.js';
import { readAuditTrail } from './audit.service.js';

export function auditRoutes(app: FastifyInstance, ctx: AppContext) {
  app.get('/api/audit', { config: { access: 'admin' } }, async (request) => {
    const query = parseOrThrow(auditQuerySchema, request.query);
    const { page, nextCursor } = await fetchPage(
      query,
      (window) => readAuditTrail(ctx, { ...window, action: query.action }),
      (entry) => ({ at: entry.at, id: entry.id }),
    );
    return auditPageSchema.parse({ entries: page, nextCursor });
  });
}
