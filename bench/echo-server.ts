/**
 * The baseline of bench:intake: a bare Fastify route that parses the same JSON body and answers
 * with a body of the same shape, in its own process as Tayori is. Prints its port on stdout.
 */
import Fastify from 'fastify';

const app = Fastify({ logger: false, bodyLimit: 16 * 1024 * 1024 });
app.post('/api/mail/messages', async (request, reply) => {
  const body = request.body as { to?: unknown; subject?: unknown };
  return reply.code(202).send({ delivery: { id: 'x', state: 'queued', to: body.to, subject: body.subject } });
});
await app.listen({ host: '127.0.0.1', port: 0 });
console.log((app.server.address() as { port: number }).port);
