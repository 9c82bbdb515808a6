import type { FastifyContextConfig, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Locale } from '../../i18n/index.js';
import { localeFromAcceptLanguage } from '../../i18n/index.js';
import type { SessionWithUser } from '../accounts/sessions.repository.js';
import { resolveSession, SESSION_COOKIE } from '../accounts/sessions.service.js';
import type { Actor } from '../audit/audit.service.js';
import type { ReportCaller } from '../monitoring/report-tokens.service.js';
import type { ServiceCaller } from '../outbox/service-tokens.service.js';
import type { AppContext } from '../context.js';
import { AppError, forbidden, tokenRefused, unauthenticated } from '../errors.js';

/**
 * Who may call a route. Every route states it in `config.access`; a route that does not is
 * treated as admin-only, so forgetting the guard fails closed.
 */
export type Access = 'public' | 'user' | 'admin' | 'service' | 'report';

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
    /** The route reads no body: an empty one with Content-Type application/json is taken as none. */
    bodyOptional?: boolean;
  }
  interface FastifyRequest {
    locale: Locale;
    session: SessionWithUser | null;
    serviceCaller: ServiceCaller | null;
    reportCaller: ReportCaller | null;
  }
}

/** Who may call a route, from its options: undeclared means administrators only. */
export const accessOf = (config: FastifyContextConfig | undefined): Access => config?.access ?? 'admin';

export const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Checks a bearer token of the service API; registered by the mail module. */
export type ServiceAuthenticator = (ctx: AppContext, token: string) => Promise<ServiceCaller | null>;
/** Checks a bearer token of the run-report API; registered by the monitoring module. */
export type ReportAuthenticator = (ctx: AppContext, token: string) => Promise<ReportCaller | null>;

export function registerAuth(
  app: FastifyInstance,
  ctx: AppContext,
  authenticateService?: ServiceAuthenticator,
  authenticateReporter?: ReportAuthenticator,
) {
  app.decorateRequest('locale', 'ja');
  app.decorateRequest('session', null);
  app.decorateRequest('serviceCaller', null);
  app.decorateRequest('reportCaller', null);

  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    request.locale = localeFromAcceptLanguage(request.headers['accept-language']);
    if (request.is404) return;
    const access = accessOf(request.routeOptions.config);
    if (access === 'public') return;

    if (access === 'service') {
      request.serviceCaller = await bearerCaller(ctx, request, authenticateService);
      return;
    }
    if (access === 'report') {
      request.reportCaller = await bearerCaller(ctx, request, authenticateReporter);
      return;
    }

    const token = request.cookies[SESSION_COOKIE];
    const session = token ? await resolveSession(ctx, token) : undefined;
    if (!session) {
      if (token) reply.clearCookie(SESSION_COOKIE, { path: '/' });
      throw unauthenticated();
    }
    request.session = session;
    request.locale = session.user.locale;
    if (access === 'admin' && session.user.role !== 'admin') throw forbidden();
    if (!SAFE_METHODS.has(request.method) && request.headers['x-csrf-token'] !== session.csrf_token) {
      throw new AppError('error.csrf', 403);
    }
  });
}

/** The caller a bearer token stands for; 401 without a token the authenticator accepts. */
async function bearerCaller<C>(
  ctx: AppContext,
  request: FastifyRequest,
  authenticate: ((ctx: AppContext, token: string) => Promise<C | null>) | undefined,
): Promise<C> {
  const token = bearerToken(request);
  const caller = token && authenticate ? await authenticate(ctx, token) : null;
  if (!caller) throw tokenRefused();
  return caller;
}

/** The token of `Authorization: Bearer <token>`; the scheme in any case (RFC 9110 §11.1). */
function bearerToken(request: FastifyRequest): string | undefined {
  return /^bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')?.[1];
}

/** The signed-in user of a route whose access is 'user' or 'admin'. */
export function currentSession(request: FastifyRequest): SessionWithUser {
  if (!request.session) throw unauthenticated();
  return request.session;
}

export function actorOf(request: FastifyRequest): Actor {
  const session = request.session;
  if (session) return { userId: session.user.id, login: session.user.login_id, ip: request.ip };
  if (request.serviceCaller) return { userId: null, login: `service:${request.serviceCaller.name}`, ip: request.ip };
  return { userId: null, login: null, ip: request.ip };
}
