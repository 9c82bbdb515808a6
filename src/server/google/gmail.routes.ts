import type { FastifyInstance, FastifyRequest } from 'fastify';
import { gmailAuthorizeResponseSchema } from '../../contracts/mail-settings.js';
import { resolveSession, SESSION_COOKIE } from '../accounts/sessions.service.js';
import type { AppContext } from '../context.js';
import { actorOf, currentSession } from '../http/auth.js';
import { completeGmailAuthorisation, startGmailAuthorisation } from './gmail-authorisation.service.js';
import { GMAIL_CALLBACK_PATH } from './oauth-mail-provider.js';

/** [認証情報を取得] and the return from Google (SPEC §1.3 steps 3–5). */
export function gmailRoutes(app: FastifyInstance, ctx: AppContext) {
  app.post('/api/settings/mail/gmail/authorize', { config: { access: 'admin' } }, async (request) => {
    const session = currentSession(request);
    return gmailAuthorizeResponseSchema.parse(await startGmailAuthorisation(ctx, actorOf(request), session.id, request.body));
  });

  // Public so that a lost session gets a page that says so instead of a JSON 401; the state
  // bound to the admin's session is what protects it. Its URL carries the authorisation code, so
  // the per-request log lines (info) are left out for this route.
  app.get(GMAIL_CALLBACK_PATH, { config: { access: 'public' }, logLevel: 'warn' }, async (request, reply) => {
    const session = await adminSessionOf(ctx, request);
    const outcome = await completeGmailAuthorisation(ctx, session, new URL(`${ctx.config.publicUrl}${request.url}`));
    ctx.log.info({ outcome: outcome.authorised ? 'authorised' : outcome.reason }, 'return from Google');
    const query = outcome.authorised
      ? 'gmail=authorised'
      : `gmail=error&reason=${outcome.reason}${outcome.googleError ? `&error=${outcome.googleError}` : ''}`;
    return reply.redirect(`/settings/mail?${query}`, 302);
  });
}

async function adminSessionOf(ctx: AppContext, request: FastifyRequest) {
  const token = request.cookies[SESSION_COOKIE];
  const session = token ? await resolveSession(ctx, token) : undefined;
  if (!session || session.user.role !== 'admin') return null;
  request.session = session;
  return { id: session.id, actor: actorOf(request) };
}
