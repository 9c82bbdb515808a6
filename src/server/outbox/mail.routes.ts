import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { createServiceTokenRequest, DELIVERY_STATES, MAIL_KINDS, mailRequestHeadersSchema, outgoingMessageSchema } from '../../contracts/mail.js';
import type { AppContext } from '../context.js';
import { parseOrThrow } from '../errors.js';
import { actorOf } from '../http/auth.js';
import { fetchPage, pageQuery } from '../http/pagination.js';
import { deliveryView, readDeliveryLog, submitApplicationMail } from './mail.service.js';
import { createServiceToken, listServiceTokenViews, revokeToken } from './service-tokens.service.js';

const deliveriesQuery = pageQuery.extend({
  state: z.enum(DELIVERY_STATES).optional(),
  kind: z.enum(MAIL_KINDS).optional(),
});

const idParams = z.object({ id: z.string().max(100) });

export function mailRoutes(app: FastifyInstance, ctx: AppContext) {
  app.post('/api/mail/messages', { config: { access: 'service' } }, async (request, reply) => {
    const headers = { 'Idempotency-Key': request.headers['idempotency-key'] };
    const { 'Idempotency-Key': idempotencyKey } = parseOrThrow(mailRequestHeadersSchema, headers);
    const message = parseOrThrow(outgoingMessageSchema, request.body);
    const { row, created } = await submitApplicationMail(ctx, request.serviceCaller!, message, idempotencyKey);
    return reply.code(created ? 202 : 200).send({ delivery: deliveryView(row, request.locale) });
  });

  app.get('/api/mail/deliveries', { config: { access: 'admin' } }, async (request) => {
    const query = parseOrThrow(deliveriesQuery, request.query);
    const { page, nextCursor } = await fetchPage(
      query,
      (window) => readDeliveryLog(ctx, request.locale, { ...window, state: query.state, kind: query.kind }),
      (delivery) => ({ at: delivery.createdAt, id: delivery.id }),
    );
    return { deliveries: page, nextCursor };
  });

  app.get('/api/mail/tokens', { config: { access: 'admin' } }, async () => ({ tokens: await listServiceTokenViews(ctx) }));

  app.post('/api/mail/tokens', { config: { access: 'admin' } }, async (request, reply) => {
    const { name } = parseOrThrow(createServiceTokenRequest, request.body);
    return reply.code(201).send({ token: await createServiceToken(ctx, actorOf(request), name) });
  });

  app.delete('/api/mail/tokens/:id', { config: { access: 'admin' } }, async (request) => {
    const { id } = parseOrThrow(idParams, request.params);
    return { token: await revokeToken(ctx, actorOf(request), id) };
  });
}
