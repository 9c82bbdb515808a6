import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { createServiceTokenRequest, DELIVERY_STATES, idempotencyKeySchema, MAIL_KINDS, outgoingMessageSchema } from '../../contracts/mail.js';
import type { AppContext } from '../context.js';
import { parseOrThrow } from '../errors.js';
import { actorOf } from '../http/auth.js';
import { fetchPage, pageQuery } from '../http/pagination.js';
import { deliveryView, submitApplicationMail } from './mail.service.js';
import { listDeliveries } from './outbox.repository.js';
import { listServiceTokens } from './service-tokens.repository.js';
import { createServiceToken, revokeToken, serviceTokenView } from './service-tokens.service.js';

const deliveriesQuery = pageQuery.extend({
  state: z.enum(DELIVERY_STATES).optional(),
  kind: z.enum(MAIL_KINDS).optional(),
});

const idParams = z.object({ id: z.string().max(100) });

export function mailRoutes(app: FastifyInstance, ctx: AppContext) {
  app.post('/api/mail/messages', { config: { access: 'service' } }, async (request, reply) => {
    const headerKey = request.headers['idempotency-key'];
    const idempotencyKey = headerKey === undefined ? undefined : parseOrThrow(idempotencyKeySchema, headerKey);
    const message = parseOrThrow(outgoingMessageSchema, request.body);
    const { row, created } = await submitApplicationMail(ctx, request.serviceCaller!, message, idempotencyKey);
    return reply.code(created ? 202 : 200).send({ delivery: deliveryView(row, request.locale) });
  });

  app.get('/api/mail/deliveries', { config: { access: 'admin' } }, async (request) => {
    const query = parseOrThrow(deliveriesQuery, request.query);
    const { page, nextCursor } = await fetchPage(
      query,
      (window) => listDeliveries(ctx.db, { ...window, state: query.state, kind: query.kind }),
      (row) => ({ at: row.created_at, id: row.id }),
    );
    return { deliveries: page.map((row) => deliveryView(row, request.locale)), nextCursor };
  });

  app.get('/api/mail/tokens', { config: { access: 'admin' } }, async () => ({
    tokens: (await listServiceTokens(ctx.db)).map(serviceTokenView),
  }));

  app.post('/api/mail/tokens', { config: { access: 'admin' } }, async (request, reply) => {
    const { name } = parseOrThrow(createServiceTokenRequest, request.body);
    return reply.code(201).send({ token: await createServiceToken(ctx, actorOf(request), name) });
  });

  app.delete('/api/mail/tokens/:id', { config: { access: 'admin' } }, async (request) => {
    const { id } = parseOrThrow(idParams, request.params);
    return { token: await revokeToken(ctx, actorOf(request), id) };
  });
}
