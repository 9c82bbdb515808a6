import type { FastifyInstance } from 'fastify';
import { createdServiceTokenAnswerSchema, serviceTokenAnswerSchema, serviceTokenListSchema, submittedMailSchema } from '../../contracts/answers.js';
import { createServiceTokenRequest, deliveryPageSchema, mailRequestHeadersSchema, outgoingMessageSchema } from '../../contracts/mail.js';
import { deliveryLogQuerySchema, idParamsSchema } from '../../contracts/parameters.js';
import type { AppContext } from '../context.js';
import { fieldError, parseOrThrow } from '../errors.js';
import { actorOf } from '../http/auth.js';
import { fetchPage } from '../http/pagination.js';
import { deliveryView, readDeliveryLog, submitApplicationMail } from './mail.service.js';
import { createServiceToken, listServiceTokenViews, revokeToken } from './service-tokens.service.js';

const MAIL_BODY_LIMIT = 16 * 1024 * 1024;

export function mailRoutes(app: FastifyInstance, ctx: AppContext) {
  // Only a live service token gets this far (checked before the body is read), and attachments
  // of up to 10 MB arrive base64-encoded inside the JSON.
  app.post('/api/mail/messages', { bodyLimit: MAIL_BODY_LIMIT, config: { access: 'service' } }, async (request, reply) => {
    if (timesSent(request.raw.rawHeaders, 'idempotency-key') > 1) throw fieldError('Idempotency-Key', 'mail.idempotency_key_repeated');
    const headers = { 'Idempotency-Key': request.headers['idempotency-key'] };
    const { 'Idempotency-Key': idempotencyKey } = parseOrThrow(mailRequestHeadersSchema, headers);
    const message = parseOrThrow(outgoingMessageSchema, request.body);
    const { row, created } = await submitApplicationMail(ctx, request.serviceCaller!, message, idempotencyKey);
    return reply.code(created ? 202 : 200).send(submittedMailSchema.parse({ delivery: deliveryView(row, request.locale) }));
  });

  app.get('/api/mail/deliveries', { config: { access: 'admin' } }, async (request) => {
    const query = parseOrThrow(deliveryLogQuerySchema, request.query);
    const { page, nextCursor } = await fetchPage(
      query,
      (window) => readDeliveryLog(ctx, request.locale, { ...window, state: query.state, kind: query.kind }),
      (delivery) => ({ at: delivery.createdAt, id: delivery.id }),
    );
    return deliveryPageSchema.parse({ deliveries: page, nextCursor });
  });

  app.get('/api/mail/tokens', { config: { access: 'admin' } }, async () => serviceTokenListSchema.parse({ tokens: await listServiceTokenViews(ctx) }));

  app.post('/api/mail/tokens', { config: { access: 'admin' } }, async (request, reply) => {
    const { name } = parseOrThrow(createServiceTokenRequest, request.body);
    return reply.code(201).send(createdServiceTokenAnswerSchema.parse({ token: await createServiceToken(ctx, actorOf(request), name) }));
  });

  app.delete('/api/mail/tokens/:id', { config: { access: 'admin' } }, async (request) => {
    const { id } = parseOrThrow(idParamsSchema, request.params);
    return serviceTokenAnswerSchema.parse({ token: await revokeToken(ctx, actorOf(request), id) });
  });
}

/**
 * How many times a header came. Node joins a repeated one with ", ": `Idempotency-Key: a` and
 * `Idempotency-Key: b` became the key `a, b`, which a retry that sends them apart or in another
 * order does not repeat, so the mail was queued twice.
 */
function timesSent(rawHeaders: string[], lowerCaseName: string): number {
  let times = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) if (rawHeaders[i].toLowerCase() === lowerCaseName) times++;
  return times;
}
