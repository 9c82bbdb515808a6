import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type RouteOptions } from 'fastify';
import { lockoutRoutes } from './accounts/lockout.routes.js';
import { sessionRoutes } from './accounts/session.routes.js';
import { userRoutes } from './accounts/users.routes.js';
import { auditRoutes } from './audit/audit.routes.js';
import { mailCheckRoutes } from './checks/checks.routes.js';
import { devMailboxRoutes } from './dev-mailbox/dev-mailbox.routes.js';
import type { AppContext } from './context.js';
import { gmailRoutes } from './google/gmail.routes.js';
import { healthRoutes } from './health.routes.js';
import { authenticateReportToken } from './monitoring/report-tokens.service.js';
import { runRoutes } from './monitoring/runs.routes.js';
import { registerAuth } from './http/auth.js';
import { databaseRateLimitStore } from './http/rate-limit-store.js';
import { clientErrorHandler, frameworkErrors, registerErrorReplies } from './http/error-replies.js';
import { registerJsonBodyParser } from './http/json-bodies.js';
import { refuseLoneSurrogates, refuseNulCharacters } from './http/request-guard.js';
import { registerSecurityHeaders } from './http/security-headers.js';
import { organisationRoutes } from './organisation/organisation.routes.js';
import { openApiRoutes } from './openapi/openapi.routes.js';
import { mailRoutes } from './outbox/mail.routes.js';
import { authenticateServiceToken } from './outbox/service-tokens.service.js';
import { screenRoutes } from './screen/screen.routes.js';
import { mailSettingsRoutes } from './settings/mail-settings.routes.js';

/**
 * Largest request body but for mail (mail.routes.ts): settings, users and reports are small, and
 * every body is parsed and walked on the event loop, also on a path that turns out not to exist.
 */
const BODY_LIMIT = 1024 * 1024;

export interface BuildOptions {
  /** Sees every route as it is registered: the route-guard test enumerates them with it. */
  onRoute?: (route: RouteOptions) => void;
  /** Where the built screen is (default: dist/web); tests give one of their own. */
  screenDir?: string;
}

/** TAYORI_TRUST_PROXY for Fastify: a number of hops becomes "the nearest n hops" (proxy-addr's rule). */
function trustedProxiesOf(setting: boolean | number | string) {
  return typeof setting === 'number' ? (_address: string, hop: number) => hop < setting : setting;
}

/** The configured HTTP application. It never listens: main.ts does, tests use inject(). */
export async function buildApp(ctx: AppContext, options: BuildOptions = {}): Promise<FastifyInstance> {
  const app: FastifyInstance = Fastify({
    loggerInstance: ctx.log as FastifyBaseLogger,
    trustProxy: trustedProxiesOf(ctx.config.trustProxy),
    bodyLimit: BODY_LIMIT,
    frameworkErrors,
    clientErrorHandler,
  });
  if (options.onRoute) app.addHook('onRoute', options.onRoute);

  await app.register(cookie);
  await app.register(rateLimit, { global: false, store: databaseRateLimitStore(ctx) });
  registerSecurityHeaders(app);
  registerAuth(app, ctx, authenticateServiceToken, authenticateReportToken);
  registerJsonBodyParser(app);
  refuseNulCharacters(app);
  refuseLoneSurrogates(app);
  registerErrorReplies(app);

  openApiRoutes(app); // first: it lists the routes registered after it
  healthRoutes(app, ctx);
  sessionRoutes(app, ctx);
  userRoutes(app, ctx);
  organisationRoutes(app, ctx);
  auditRoutes(app, ctx);
  mailCheckRoutes(app, ctx);
  devMailboxRoutes(app, ctx);
  mailRoutes(app, ctx);
  mailSettingsRoutes(app, ctx);
  gmailRoutes(app, ctx);
  runRoutes(app, ctx);
  lockoutRoutes(app, ctx);
  screenRoutes(app, ctx, options.screenDir);

  return app;
}
