import type { FastifyInstance } from 'fastify';
import { devMailboxListSchema, devMailSchema } from '../../contracts/dev-mailbox.js';
import { idParamsSchema } from '../../contracts/parameters.js';
import type { AppContext } from '../context.js';
import { parseOrThrow } from '../errors.js';
import { clearDevMailbox, listDevMailbox, readDevMail } from './dev-mailbox.service.js';

/** 開発用メールボックス: admins only, and 404 unless TAYORI_DEV_MAILBOX is on. */
export function devMailboxRoutes(app: FastifyInstance, ctx: AppContext) {
  app.get('/api/dev-mailbox', { config: { access: 'admin' } }, async (request) =>
    devMailboxListSchema.parse(await listDevMailbox(ctx, request.locale)),
  );

  app.get('/api/dev-mailbox/:id', { config: { access: 'admin' } }, async (request) =>
    devMailSchema.parse(await readDevMail(ctx, request.locale, parseOrThrow(idParamsSchema, request.params).id)),
  );

  app.delete('/api/dev-mailbox', { config: { access: 'admin' } }, async (_request, reply) => {
    await clearDevMailbox(ctx);
    return reply.code(204).send();
  });
}
