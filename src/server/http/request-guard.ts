import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError, fieldError } from '../errors.js';

/**
 * PostgreSQL cannot store NUL (SQLite can), so a NUL that reached a query would answer 500 on
 * one database and normally on the other. No path, query string or header of this API has a
 * use for it: the request is refused before any route reads it. Bodies are checked by their
 * schemas (every text field refuses control characters).
 */
export function refuseNulCharacters(app: FastifyInstance): void {
  app.addHook('onRequest', async (request) => {
    if (carriesNul(request)) throw new AppError('error.bad_request', 400);
  });
}

function carriesNul(request: FastifyRequest): boolean {
  if (/%00|\u0000/i.test(request.url)) return true;
  for (const name in request.headers) {
    const value = request.headers[name];
    if (typeof value === 'string' ? value.includes('\u0000') : value?.some((text) => text.includes('\u0000'))) return true;
  }
  return false;
}

/** Half of a UTF-16 surrogate pair without its other half: no character at all. */
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * JSON can carry a lone surrogate (`"\ud800"`), which is no text: stored, it would become U+FFFD
 * on one path and fail a PostgreSQL JSON parameter on another. Refused with the field it is in,
 * on every route, before any schema reads the body.
 */
export function refuseLoneSurrogates(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    const path = pathToLoneSurrogate(request.body, []);
    if (path) throw fieldError(path.join('.'), 'validation.lone_surrogate');
  });
}

function pathToLoneSurrogate(value: unknown, path: string[]): string[] | null {
  if (typeof value === 'string') return LONE_SURROGATE.test(value) ? path : null;
  if (typeof value !== 'object' || value === null) return null;
  for (const [key, item] of Object.entries(value)) {
    const found = LONE_SURROGATE.test(key) ? [...path, key] : pathToLoneSurrogate(item, [...path, key]);
    if (found) return found;
  }
  return null;
}
