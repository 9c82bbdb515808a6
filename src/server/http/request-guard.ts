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
    const path = pathToLoneSurrogate(request.body);
    if (path) throw fieldError(path.join('.'), 'validation.lone_surrogate');
  });
}

/** Where a value sits in the body, linked to its parent's place: no path is copied unless it is reported. */
interface Place {
  value: unknown;
  key: string;
  parent: Place | null;
}

const pathOf = (place: Place): string[] => {
  const path: string[] = [];
  for (let at: Place | null = place; at?.parent; at = at.parent) path.push(at.key);
  return path.reverse();
};

/**
 * Walked with a list of its own rather than by recursion: a body nested 100,000 levels deep
 * (JSON.parse takes it) overflowed the stack and was answered 500.
 */
function pathToLoneSurrogate(body: unknown): string[] | null {
  const pending: Place[] = [{ value: body, key: '', parent: null }];
  for (let place = pending.pop(); place !== undefined; place = pending.pop()) {
    const { value } = place;
    if (typeof value === 'string' && LONE_SURROGATE.test(value)) return pathOf(place);
    if (typeof value !== 'object' || value === null) continue;
    const keys = Object.keys(value);
    const badKey = keys.find((key) => LONE_SURROGATE.test(key));
    if (badKey !== undefined) return [...pathOf(place), badKey];
    // Pushed last to first, so that the first problem in the body is the one reported; a string
    // only when it holds the problem, so that a body of many plain values costs nothing more.
    for (let i = keys.length - 1; i >= 0; i--) {
      const item = (value as Record<string, unknown>)[keys[i]];
      if (typeof item === 'string' ? LONE_SURROGATE.test(item) : typeof item === 'object' && item !== null) {
        pending.push({ value: item, key: keys[i], parent: place });
      }
    }
  }
  return null;
}
