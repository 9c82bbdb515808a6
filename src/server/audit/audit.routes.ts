import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { parseOrThrow } from '../errors.js';
import { fetchPage, pageQuery } from '../http/pagination.js';
import { readAuditTrail } from './audit.service.js';

const auditQuery = pageQuery.extend({ action: z.string().max(100).optional() });

export function auditRoutes(app: FastifyInstance, ctx: AppContext) {
  app.get('/api/audit', { config: { access: 'admin' } }, async (request) => {
    const query = parseOrThrow(auditQuery, request.query);
    const { page, nextCursor } = await fetchPage(
      query,
      (window) => readAuditTrail(ctx, { ...window, action: query.action }),
      (entry) => ({ at: entry.at, id: entry.id }),
    );
    return { entries: page, nextCursor };
  });
}
