import type { FastifyInstance, RouteOptions } from 'fastify';
import { type OpenApiDocument, openApiDocumentSchema } from '../../contracts/openapi.js';
import { accessOf } from '../http/auth.js';
import { buildOpenApiDocument, type RegisteredRoute } from './document.js';

/**
 * GET /api/openapi.json: the OpenAPI 3.1 document of every route. Register it before the other
 * routes: it lists the routes registered after it. Public: it describes the shape of the API,
 * the same for every installation, and every route it names is guarded on its own.
 */
export function openApiRoutes(app: FastifyInstance) {
  const routes: RegisteredRoute[] = [];
  app.addHook('onRoute', (options) => {
    routes.push(...registeredRoutes(options));
  });

  let document: OpenApiDocument | undefined;
  app.get('/api/openapi.json', { config: { access: 'public' } }, async () => {
    // Routes cannot be added once the app is ready, so the first document is the last one.
    document ??= openApiDocumentSchema.parse(buildOpenApiDocument(routes));
    return document;
  });
}

/** Fastify adds a HEAD route for each GET: the GET describes both. */
function registeredRoutes(options: RouteOptions): RegisteredRoute[] {
  const methods = [options.method].flat().filter((method) => method !== 'HEAD');
  return methods.map((method) => ({ method, url: options.url, access: accessOf(options.config) }));
}
