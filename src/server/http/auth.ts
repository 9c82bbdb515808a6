import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Locale } from '../../i18n/index.js';
import { localeFromAcceptLanguage } from '../../i18n/index.js';
import type { SessionWithUser } from '../accounts/sessions.repository.js';
import { resolveSession, SESSION_COOKIE } from '../accounts/sessions.service.js';
import type { Actor } from '../audit/audit.service.js';
import type { ServiceCaller } from '../outbox/service-tokens.service.js';
import type { AppContext } from '../context.js';
import { AppError, forbidden, unauthenticated } from '../errors.js';

/**
 * Who may call a route. Every route states it in `config.access`; a route that does not is
 * treated as admin-only, so forgetting the guard fails closed.
 */
export type Access = 'public' | 'user' | 'admin' | 'service';

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    locale: Locale;
    session: SessionWithUser | null;
    serviceCaller: ServiceCaller | null;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Checks a bearer token of the service API; registered by the mail module. */
export type ServiceAuthenticator = (ctx: AppContext, token: string) => Promise<ServiceCaller | null>;

export function registerAuth(app: FastifyInstance, ctx: AppContext, authenticateService?: ServiceAuthenticator) {
  app.decorateRequest('locale', 'ja');
  app.decorateRequest('session', null);
  app.decorateRequest('serviceCaller', null);

  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    request.locale = localeFromAcceptLanguage(request.headers['accept-language']);
    if (request.is404) return;
    const access: Access = request.routeOptions.config?.access ?? 'admin';
    if (access === 'public') return;

    if (access === 'service') {
      const token = bearerToken(request);
      const caller = token && authenticateService ? await authenticateService(ctx, token) : null;
      if (!caller) throw unauthenticated();
      request.serviceCaller = caller;
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

function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  return header?.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : undefined;
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
