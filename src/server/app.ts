import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance, type RouteOptions } from 'fastify';
import { sessionRoutes } from './accounts/session.routes.js';
import { userRoutes } from './accounts/users.routes.js';
import { auditRoutes } from './audit/audit.routes.js';
import { mailCheckRoutes } from './checks/checks.routes.js';
import { devMailboxRoutes } from './dev-mailbox/dev-mailbox.routes.js';
import type { AppContext } from './context.js';
import { AppError, errorBody } from './errors.js';
import { healthRoutes } from './health.routes.js';
import { registerAuth } from './http/auth.js';
import { organisationRoutes } from './organisation/organisation.routes.js';
import { mailRoutes } from './outbox/mail.routes.js';
import { authenticateServiceToken } from './outbox/service-tokens.service.js';
import { screenRoutes } from './screen/screen.routes.js';
import { mailSettingsRoutes } from './settings/mail-settings.routes.js';

/** Largest request body: attachments of up to 10 MB arrive base64-encoded inside JSON. */
const BODY_LIMIT = 16 * 1024 * 1024;

export interface BuildOptions {
  /** Sees every route as it is registered: the route-guard test enumerates them with it. */
  onRoute?: (route: RouteOptions) => void;
  /** Where the built screen is (default: dist/web); tests give one of their own. */
  screenDir?: string;
}

/** The configured HTTP application. It never listens: main.ts does, tests use inject(). */
export async function buildApp(ctx: AppContext, options: BuildOptions = {}): Promise<FastifyInstance> {
  const app: FastifyInstance = Fastify({
    loggerInstance: ctx.log as FastifyBaseLogger,
    trustProxy: ctx.config.trustProxy,
    bodyLimit: BODY_LIMIT,
  });
  if (options.onRoute) app.addHook('onRoute', options.onRoute);

  await app.register(cookie);
  await app.register(rateLimit, { global: false });
  registerAuth(app, ctx, authenticateServiceToken);

  app.setErrorHandler((error: FastifyError | AppError, request, reply) => {
    if (error instanceof AppError) {
      return reply.code(error.status).send(errorBody(error, request.locale));
    }
    const status = error.statusCode ?? 500;
    if (status === 429) return reply.code(429).send(errorBody(new AppError('error.rate_limited', 429), request.locale));
    if (status === 413) return reply.code(413).send(errorBody(new AppError('error.payload_too_large', 413), request.locale));
    if (status >= 400 && status < 500) {
      return reply.code(status).send(errorBody(new AppError('error.bad_request', status), request.locale));
    }
    request.log.error({ err: error }, 'request failed');
    return reply.code(500).send(errorBody(new AppError('error.internal', 500), request.locale));
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send(errorBody(new AppError('error.not_found', 404), request.locale)),
  );

  healthRoutes(app, ctx);
  sessionRoutes(app, ctx);
  userRoutes(app, ctx);
  organisationRoutes(app, ctx);
  auditRoutes(app, ctx);
  mailCheckRoutes(app, ctx);
  devMailboxRoutes(app, ctx);
  mailRoutes(app, ctx);
  mailSettingsRoutes(app, ctx);
  screenRoutes(app, ctx, options.screenDir);

  return app;
}
