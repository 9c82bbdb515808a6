import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import { clearDevMailbox, listDevMailbox, readDevMail } from './dev-mailbox.service.js';

/** 開発用メールボックス: admins only, and 404 unless TAYORI_DEV_MAILBOX is on. */
export function devMailboxRoutes(app: FastifyInstance, ctx: AppContext) {
  app.get('/api/dev-mailbox', { config: { access: 'admin' } }, async (request) => listDevMailbox(ctx, request.locale));

  app.get<{ Params: { id: string } }>('/api/dev-mailbox/:id', { config: { access: 'admin' } }, async (request) =>
    readDevMail(ctx, request.locale, request.params.id),
  );

  app.delete('/api/dev-mailbox', { config: { access: 'admin' } }, async (_request, reply) => {
    await clearDevMailbox(ctx);
    return reply.code(204).send();
  });
}
