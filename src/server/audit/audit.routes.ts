import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { parseOrThrow } from '../errors.js';
import { decodeCursor, pageOf } from '../http/pagination.js';
import { listAuditEntries } from './audit.repository.js';

const auditQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
  action: z.string().max(100).optional(),
});

export function auditRoutes(app: FastifyInstance, ctx: AppContext) {
  app.get('/api/audit', { config: { access: 'admin' } }, async (request) => {
    const query = parseOrThrow(auditQuery, request.query);
    const rows = await listAuditEntries(ctx.db, {
      limit: query.limit + 1,
      before: decodeCursor(query.cursor),
      action: query.action,
    });
    const { page, nextCursor } = pageOf(rows, query.limit, (row) => ({ at: row.at, id: row.id }));
    return {
      entries: page.map((row) => ({
        id: row.id,
        at: row.at,
        actor: row.actor_login,
        action: row.action,
        target: row.target,
        details: JSON.parse(row.details),
        ip: row.ip,
      })),
      nextCursor,
    };
  });
}
