import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AuditEntryView } from '../../contracts/audit.js';
import type { AppContext } from '../context.js';
import { parseOrThrow } from '../errors.js';
import { fetchPage, pageQuery } from '../http/pagination.js';
import { listAuditEntries } from './audit.repository.js';

const auditQuery = pageQuery.extend({ action: z.string().max(100).optional() });

export function auditRoutes(app: FastifyInstance, ctx: AppContext) {
  app.get('/api/audit', { config: { access: 'admin' } }, async (request) => {
    const query = parseOrThrow(auditQuery, request.query);
    const { page, nextCursor } = await fetchPage(
      query,
      (window) => listAuditEntries(ctx.db, { ...window, action: query.action }),
      (row) => ({ at: row.at, id: row.id }),
    );
    return {
      entries: page.map((row): AuditEntryView => ({
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
