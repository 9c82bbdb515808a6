import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { type Locale, t } from '../../i18n/index.js';
import type { AppContext } from '../context.js';
import { notFound } from '../errors.js';

/**
 * The admin screen (src/web, built by `npm run build:web` into dist/web), served beside the API:
 * `/`, `/login`, `/settings/mail` and every other path outside /api get the app's page, which
 * routes in the browser; /api paths nobody serves stay JSON 404s.
 */

/** Found from this file, so it is the same directory whether the server runs from src/ or a compiled dist/. */
export const BUILT_SCREEN_DIR = fileURLToPath(new URL('../../../dist/web/', import.meta.url));

/**
 * Every page and its files: no inline script (the build has none), no framing, no sniffing,
 * no referrer. Inline styles are allowed for the dev mailbox, whose mail HTML is shown in a
 * sandboxed frame without scripts and inherits this policy.
 */
export const PAGE_SECURITY_HEADERS = {
  'content-security-policy': [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "object-src 'none'",
  ].join('; '),
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
};

const isApiPath = (path: string) => path === '/api' || path.startsWith('/api/');
/** A request for a file (`/favicon.ico`) rather than a page: a missing one is a 404, not the app. */
const looksLikeFile = (path: string) => /\.[A-Za-z0-9]+$/.test(path);

export function screenRoutes(app: FastifyInstance, _ctx: AppContext, screenDir = BUILT_SCREEN_DIR) {
  const built = existsSync(`${screenDir}/index.html`);
  // Only sendFile: the route below decides what is served, and declares who may ask.
  if (built) void app.register(fastifyStatic, { root: screenDir, serve: false });

  app.get('/*', { config: { access: 'public' }, logLevel: 'warn' }, async (request, reply) => {
    const path = request.url.split('?')[0];
    if (isApiPath(path)) throw notFound();
    reply.headers(PAGE_SECURITY_HEADERS);
    if (!built) return reply.code(503).type('text/html; charset=utf-8').send(notBuiltPage(request.locale));
    // File names carry a content hash: a new build has new names, so the old ones can be kept forever.
    if (path.startsWith('/assets/')) return reply.sendFile(path.slice(1), { immutable: true, maxAge: '365d' });
    if (looksLikeFile(path)) throw notFound();
    return reply.header('cache-control', 'no-cache').sendFile('index.html', { cacheControl: false });
  });
}

function notBuiltPage(locale: Locale): string {
  return `<!doctype html><html lang="${locale}"><meta charset="utf-8"><title>Tayori</title><p>${t(locale, 'screen.not_built')}</p></html>`;
}
