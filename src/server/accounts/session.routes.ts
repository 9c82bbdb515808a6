import type { FastifyInstance } from 'fastify';
import { loginRequest, sessionViewSchema } from '../../contracts/accounts.js';
import type { AppContext } from '../context.js';
import { AppError, parseOrThrow } from '../errors.js';
import { currentSession } from '../http/auth.js';
import { authenticate, endSession, SESSION_COOKIE, startSession } from './sessions.service.js';
import { toUserView } from './users.service.js';

export function sessionRoutes(app: FastifyInstance, ctx: AppContext) {
  const cookieOptions = { path: '/', httpOnly: true, sameSite: 'lax', secure: ctx.config.secureCookies } as const;
  const loginRateLimit =
    ctx.config.loginRateLimitPerMinute > 0 ? { max: ctx.config.loginRateLimitPerMinute, timeWindow: 60_000 } : false;

  app.post('/api/session', { config: { access: 'public', rateLimit: loginRateLimit } }, async (request, reply) => {
    // A login form posted from another site is refused: browsers send Origin on cross-site POSTs.
    const origin = request.headers.origin;
    if (origin && origin !== ctx.config.publicOrigin) throw new AppError('error.csrf', 403);
    const input = parseOrThrow(loginRequest, request.body);
    const user = await authenticate(ctx, input.loginId, input.password, { ip: request.ip });
    const session = await startSession(ctx, user, { ip: request.ip, userAgent: request.headers['user-agent'] ?? null });
    reply.setCookie(SESSION_COOKIE, session.token, { ...cookieOptions, expires: new Date(session.expiresAt) });
    return sessionViewSchema.parse({ user: toUserView(user), csrfToken: session.csrfToken, expiresAt: session.expiresAt });
  });

  app.get('/api/session', { config: { access: 'user' } }, async (request) => {
    const session = currentSession(request);
    return sessionViewSchema.parse({ user: toUserView(session.user), csrfToken: session.csrf_token, expiresAt: session.expires_at });
  });

  app.delete('/api/session', { config: { access: 'user' } }, async (request, reply) => {
    const token = request.cookies[SESSION_COOKIE];
    if (token) await endSession(ctx, token);
    reply.clearCookie(SESSION_COOKIE, cookieOptions);
    return reply.code(204).send();
  });
}
