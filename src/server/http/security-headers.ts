import type { FastifyInstance, FastifyReply } from 'fastify';

/**
 * Headers every answer carries: browsers must not guess a content type, and nothing the API
 * answers (personal data, settings, tokens shown once) may be kept by a browser or a proxy.
 * Fastify sends no X-Powered-By, and none is added.
 */
export function setSecurityHeaders(reply: FastifyReply, url: string): void {
  reply.header('x-content-type-options', 'nosniff');
  if (url.startsWith('/api/')) reply.header('cache-control', 'no-store');
}

export function registerSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onSend', async (request, reply, payload) => {
    setSecurityHeaders(reply, request.url);
    return payload;
  });
}
