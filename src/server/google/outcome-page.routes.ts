import type { FastifyInstance } from 'fastify';
import { GMAIL_CALLBACK_REFUSALS, type GmailCallbackRefusal } from '../../contracts/mail-settings.js';
import { type MessageKey, t } from '../../i18n/index.js';

/**
 * A stop-gap for `/settings/mail?gmail=…` until the admin screen exists: a small page that
 * states how the return from Google ended. Drop this file and its line in app.ts once the
 * screen serves /settings/mail. Nothing from the request is echoed: only known outcomes are shown.
 */
export function gmailOutcomePageRoutes(app: FastifyInstance) {
  app.get<{ Querystring: { gmail?: string; reason?: string } }>('/settings/mail', { config: { access: 'public' } }, async (request, reply) => {
    const { locale } = request;
    const message = t(locale, outcomeMessage(request.query.gmail, request.query.reason));
    const html = `<!doctype html>
<html lang="${locale}"><head><meta charset="utf-8"><title>${t(locale, 'gmail.outcome.title')}</title></head>
<body><h1>${t(locale, 'gmail.outcome.title')}</h1><p role="status">${message}</p><p><a href="/">${t(locale, 'gmail.outcome.back')}</a></p></body></html>`;
    return reply
      .header('content-security-policy', "default-src 'none'")
      .type('text/html; charset=utf-8')
      .send(html);
  });
}

function outcomeMessage(outcome: string | undefined, reason: string | undefined): MessageKey {
  if (outcome === 'authorised') return 'gmail.outcome.authorised';
  const known = GMAIL_CALLBACK_REFUSALS.includes(reason as GmailCallbackRefusal) ? (reason as GmailCallbackRefusal) : 'token';
  return `gmail.outcome.${known}`;
}
